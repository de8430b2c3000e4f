import 'fake-indexeddb/auto';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { metricRange, parseEvalReport } from '../../../src/lib/evals/report/index.ts';
import { createLibraryServiceWithInternals } from '../../../src/lib/services/library.ts';
import { combineApis, createEvalService } from '../../../src/lib/services/eval-service.ts';

/**
 * Every BEIR collection of tests/fixtures/datasets (copies of shared/datasets) goes the app's
 * way: BEIR folder → workspace + golden set (EvalService.importBeirFolder) → BM25 evaluation
 * (runEval: retrieval, evaluateRetrieval, buildEvalReport, which validates the report) → the
 * stored report re-validates. The app must never refuse its own run (Cranfield's
 * capped_recall@100 once came out as 1.0000000000000002 and the report was rejected).
 */

const root = new URL('../../fixtures/datasets/', import.meta.url);
const datasets = readdirSync(root, { withFileTypes: true })
	.filter((d) => d.isDirectory() && existsSync(new URL(`${d.name}/qrels.tsv`, root)))
	.map((d) => d.name)
	.sort();

describe('BM25 evaluation of every BEIR collection in the fixtures', () => {
	it('covers the seven collections of shared/datasets', () => {
		expect(datasets).toEqual(expect.arrayContaining(['adi', 'autorag_ko', 'cacm', 'cisi', 'cranfield', 'med', 'scifact']));
	});

	for (const name of datasets) {
		it(`${name}: the app's own report validates, every metric in range`, { timeout: 120_000 }, async () => {
			const file = (f: string) => new Blob([readFileSync(new URL(`${name}/${f}`, root))]);
			const gz = existsSync(new URL(`${name}/corpus.jsonl.gz`, root));
			const { api, internals } = createLibraryServiceWithInternals({ idbFactory: new IDBFactory() });
			const svc = combineApis(api, createEvalService(api, internals));
			const imported = await svc.importBeirFolder({
				name,
				corpus: file(gz ? 'corpus.jsonl.gz' : 'corpus.jsonl'),
				corpusGzipped: gz,
				queries: file('queries.jsonl'),
				qrels: file('qrels.tsv'),
				analyzer: name === 'autorag_ko' ? 'auto' : 'english'
			});
			// Every judged query (≈ 30 s for all seven collections on 2 cores, mostly importing).
			const goldenSetId = imported.goldenSet.id;
			const cases = imported.goldenSet.cases;
			const report = await svc.runEval({
				workspaceId: imported.workspace.id,
				goldenSetId,
				jobId: name,
				config: {
					label: `bm25 ${name}`,
					chunking: { mode: 'none' },
					bm25: { analyzer: name === 'autorag_ko' ? 'auto' : 'english' },
					depth: 100,
					topK: 10
				},
				appVersion: '0.0.0-test',
				environment: { userAgent: 'vitest', gpuAdapter: null, hardwareConcurrency: null }
			});
			expect(report.status).toBe('complete');
			expect(report.metrics.queryCount).toBe(cases.length);
			const outside: string[] = [];
			for (const [metric, mean] of Object.entries(report.metrics.aggregate)) {
				const [lo, hi] = metricRange(metric);
				for (const v of [mean.mean, mean.answerableMean]) if (v !== null && !(v >= lo && v <= hi)) outside.push(`${metric} mean ${v}`);
			}
			for (const q of report.perQuery) {
				for (const [metric, v] of Object.entries(q.metrics)) {
					const [lo, hi] = metricRange(metric);
					if (!(v >= lo && v <= hi)) outside.push(`${q.id} ${metric} ${v}`);
				}
			}
			expect(outside).toEqual([]);
			// Stored, listed back (each stored record is re-validated) and importable as exported JSON.
			expect((await svc.listEvalReports(imported.workspace.id)).map((r) => r.id)).toEqual([report.id]);
			expect(parseEvalReport(JSON.parse(JSON.stringify(report))).id).toBe(report.id);
		});
	}
});
