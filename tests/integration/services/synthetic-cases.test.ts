import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { IDBFactory } from 'fake-indexeddb';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { createLibraryServiceWithInternals } from '../../../src/lib/services/library.ts';
import { combineApis, createEvalService } from '../../../src/lib/services/eval-service.ts';
import type { GoldenCase } from '../../../src/lib/evals/golden/index.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/evals/stemming/${name}`, import.meta.url), 'utf8');
const schema = JSON.parse(readFileSync(new URL('../../../schemas/eval-report.v2.schema.json', import.meta.url), 'utf8')) as object;

async function workspace() {
	const { api, internals } = createLibraryServiceWithInternals({ idbFactory: new IDBFactory() });
	const svc = combineApis(api, createEvalService(api, internals));
	const imported = await svc.importBeirFolder({
		name: 'stemming',
		corpus: new Blob([fixture('corpus.jsonl')]),
		corpusGzipped: false,
		queries: new Blob([fixture('queries.jsonl')]),
		qrels: new Blob([fixture('qrels.tsv')]),
		analyzer: 'english'
	});
	return { svc, imported };
}

const synthetic = (id: string, review: 'pending' | 'accepted' | 'rejected', doc = 'rel0'): GoldenCase => ({
	id,
	query: `generated question ${id}`,
	relevant: [{ doc, grade: 1 }],
	reference: 'An answer.',
	tags: ['synthetic', 'single-document'],
	source: {
		kind: 'synthetic',
		model: 'm',
		promptVersion: 'synthetic-qa/1',
		documentIds: [doc],
		generatedAt: '2026-01-02T00:00:00.000Z',
		review
	}
});

describe('synthetic cases in the eval service', () => {
	it('stores the review queue apart from the cases and keeps it when only the cases are saved', async () => {
		const { svc, imported } = await workspace();
		const gs = imported.goldenSet;
		await svc.saveGoldenSet(imported.workspace.id, gs.id, gs.name, gs.cases, undefined, [
			synthetic('syn-1', 'pending'),
			synthetic('syn-2', 'rejected')
		]);
		await svc.saveGoldenSet(imported.workspace.id, gs.id, gs.name, gs.cases.slice(0, 3));
		const [stored] = await svc.listGoldenSets(imported.workspace.id);
		expect(stored?.cases.map((c) => c.id)).toEqual(gs.cases.slice(0, 3).map((c) => c.id));
		expect(stored?.synthetic?.map((c) => [c.id, c.source?.kind === 'synthetic' ? c.source.review : null])).toEqual([
			['syn-1', 'pending'],
			['syn-2', 'rejected']
		]);
	});

	it('refuses an accepted case in the queue and an id used in both lists', async () => {
		const { svc, imported } = await workspace();
		const gs = imported.goldenSet;
		await expect(
			svc.saveGoldenSet(imported.workspace.id, gs.id, gs.name, gs.cases, undefined, [synthetic('syn-1', 'accepted')])
		).rejects.toThrow(/only pending or rejected/);
		await expect(
			svc.saveGoldenSet(imported.workspace.id, gs.id, gs.name, [synthetic('syn-1', 'accepted')], undefined, [synthetic('syn-1', 'pending')])
		).rejects.toThrow(/appears twice/);
	});

	it('evaluates the real and accepted synthetic cases only and counts the synthetic ones in the report', async () => {
		const { svc, imported } = await workspace();
		const gs = imported.goldenSet;
		const cases = [...gs.cases.slice(0, 2), synthetic('syn-1', 'accepted'), synthetic('syn-9', 'pending', 'rel1')];
		await svc.saveGoldenSet(imported.workspace.id, gs.id, gs.name, cases, undefined, [synthetic('syn-2', 'pending')]);
		const report = await svc.runEval({
			workspaceId: imported.workspace.id,
			goldenSetId: gs.id,
			jobId: 'j',
			config: { label: 'bm25', chunking: { mode: 'none' }, bm25: { analyzer: 'english' } },
			appVersion: '0.0.0-test',
			environment: { userAgent: 'vitest', gpuAdapter: null, hardwareConcurrency: null }
		});
		expect([report.dataset.cases, report.dataset.synthetic, report.dataset.evaluatedCases]).toEqual([3, 1, 3]);
		expect(report.perQuery.map((q) => q.id)).toEqual([gs.cases[0]?.id, gs.cases[1]?.id, 'syn-1']);
		const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(schema);
		expect(validate(JSON.parse(JSON.stringify(report))), JSON.stringify(validate.errors)).toBe(true);
	});
});
