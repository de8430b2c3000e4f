import { z } from 'zod';
import { AnswersSectionSchema } from '../../../../src/lib/evals/answers/report-schema.ts';

/**
 * How schemas/eval-report.v2.schema.json is made: the hand-written v1 schema, with `schema`
 * accepting both versions and the `answers` section generated from its zod form. The test in
 * report-schema.test.ts keeps the checked-in file equal to this, so the two cannot drift.
 * Regenerate: `npx tsx tests/unit/evals/answers/schema-v2.ts > schemas/eval-report.v2.schema.json`
 */
export function evalReportV2Schema(v1: Record<string, unknown>): Record<string, unknown> {
	const answers = z.toJSONSchema(AnswersSectionSchema.nullable(), { target: 'draft-7', io: 'output' }) as Record<string, unknown>;
	delete answers.$schema;
	const properties = v1.properties as Record<string, unknown>;
	return {
		...v1,
		$id: 'https://assay.invalid/schemas/eval-report.v2.schema.json',
		title: 'Assay eval report, version 2',
		description:
			'One retrieval evaluation, or one answer evaluation, of a golden set with one configuration. Version 1 plus the optional "answers" section (null or absent for retrieval-only reports); v1 documents remain valid. Times in milliseconds, hashes SHA-256 hex, retrieval metric values in [0, 1], judge scores 1–5. See docs/evals.md and docs/answer-evals.md.',
		properties: {
			...properties,
			schema: { enum: ['assay.eval-report/v1', 'assay.eval-report/v2'], description: 'Format and version of this document.' },
			answers
		}
	};
}

if (process.argv[1]?.endsWith('schema-v2.ts')) {
	const { readFileSync } = await import('node:fs');
	const v1 = JSON.parse(readFileSync(new URL('../../../../schemas/eval-report.v1.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;
	process.stdout.write(`${JSON.stringify(evalReportV2Schema(v1), null, '\t')}\n`);
}
