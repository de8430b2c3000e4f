import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parseEvalReport } from '../../../../src/lib/evals/report/build.ts';
import { EVAL_REPORT_SCHEMA, EVAL_REPORT_SCHEMA_V1 } from '../../../../src/lib/evals/report/types.ts';
import { evalReportV2Schema } from './schema-v2.ts';
import { computeAblation } from '../../../../src/lib/evals/ablation/index.ts';

const json = (path: string): Record<string, unknown> =>
	JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as Record<string, unknown>;
const v1 = json('../../../../schemas/eval-report.v1.schema.json');
const v2 = json('../../../../schemas/eval-report.v2.schema.json');

describe('eval report schema v2', () => {
	it('the checked-in JSON Schema is v1 plus the answers section generated from its zod form', () => {
		expect(v2).toEqual(evalReportV2Schema(v1));
	});

	it('names both versions', () => {
		expect([EVAL_REPORT_SCHEMA_V1, EVAL_REPORT_SCHEMA]).toEqual(['assay.eval-report/v1', 'assay.eval-report/v2']);
		expect((v2.properties as Record<string, unknown>).schema).toMatchObject({ enum: [EVAL_REPORT_SCHEMA_V1, EVAL_REPORT_SCHEMA] });
	});

	it('v1 reports stay valid under v2 and still parse', () => {
		const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(v2);
		const report = json('../../../fixtures/gate/baseline.json');
		expect(validate(report)).toBe(true);
		expect(parseEvalReport(report).schema).toBe('assay.eval-report/v1');
	});

	it('accepts a v2 report with a stage ablation section, in the JSON Schema and in its zod form', () => {
		const ablation = computeAblation(
			[
				{
					id: 'q1',
					stages: {
						lexical: [{ id: 'a', score: 2 }],
						dense: [{ id: 'b', score: 0.5 }],
						fused: [
							{ id: 'a', score: 0.03 },
							{ id: 'b', score: 0.02 }
						],
						rerank: null
					}
				}
			],
			new Map([['q1', new Map([['b', 1]])]]),
			{ topK: 1 }
		);
		const report = { ...json('../../../fixtures/gate/baseline.json'), schema: EVAL_REPORT_SCHEMA, ablation };
		const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(v2);
		expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
		expect(parseEvalReport(report).ablation?.perQuery[0]?.relevant[0]?.lostAt).toBe('fused');
	});

	it('rejects an ablation mean outside [0, 1]', () => {
		const report = {
			...json('../../../fixtures/gate/baseline.json'),
			schema: EVAL_REPORT_SCHEMA,
			ablation: {
				topK: 1,
				stages: ['lexical'],
				metric: 'ndcg@10',
				method: '-',
				aggregate: { lexical: { map: { mean: 2, answerableMean: null } } },
				comparisons: [],
				perQuery: []
			}
		};
		expect(() => parseEvalReport(report)).toThrow(/ablation\.aggregate\.lexical/);
	});

	it('rejects an unknown schema version', () => {
		const report = { ...json('../../../fixtures/gate/baseline.json'), schema: 'assay.eval-report/v3' };
		expect(() => parseEvalReport(report)).toThrow(/assay.eval-report\/v1 or assay.eval-report\/v2/);
	});
});
