import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { IDBFactory } from 'fake-indexeddb';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import {
	compareReports,
	evaluateRun,
	parseQrels,
	parseRun,
	reportToQrels,
	reportToTrecRun,
	type EvalReport
} from '../../../src/lib/evals/index.ts';
import { createLibraryServiceWithInternals } from '../../../src/lib/services/library.ts';
import { combineApis, createEvalService } from '../../../src/lib/services/eval-service.ts';
import type { EvalRequest } from '../../../src/lib/services/eval-api.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/evals/stemming/${name}`, import.meta.url), 'utf8');
const schema = JSON.parse(readFileSync(new URL('../../../schemas/eval-report.v2.schema.json', import.meta.url), 'utf8')) as object;

function services() {
	const { api, internals } = createLibraryServiceWithInternals({ idbFactory: new IDBFactory() });
	return combineApis(api, createEvalService(api, internals));
}

async function stemmingWorkspace() {
	const svc = services();
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

function request(workspaceId: string, goldenSetId: string, label: string, analyzer: 'english' | 'segmenter', jobId = label): EvalRequest {
	return {
		workspaceId,
		goldenSetId,
		jobId,
		config: { label, chunking: { mode: 'none' }, bm25: { analyzer } },
		appVersion: '0.0.0-test',
		environment: { userAgent: 'vitest', gpuAdapter: null, hardwareConcurrency: null }
	};
}

describe('eval service', () => {
	it('imports a BEIR folder as one document per corpus entry, keeping the corpus id, plus its golden set', async () => {
		const { svc, imported } = await stemmingWorkspace();
		expect(imported.documents).toBe(60);
		expect(imported.goldenSet.cases).toHaveLength(30);
		const docs = await svc.listDocuments(imported.workspace.id);
		expect(docs.every((d) => d.chunkCount === 1)).toBe(true);
		expect(docs.find((d) => d.externalId === 'rel0')?.relativePath).toBe('corpus/rel0');
		expect((await svc.workspaceConfig(imported.workspace.id)).chunking.mode).toBe('none');
	});

	it('evaluates a configuration and stores a report that validates against the committed JSON Schema', async () => {
		const { svc, imported } = await stemmingWorkspace();
		const report = await svc.runEval(request(imported.workspace.id, imported.goldenSet.id, 'bm25 english', 'english'));
		expect(report.metrics.aggregate['ndcg@10']?.mean).toBe(1);
		const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(schema);
		expect(validate(JSON.parse(JSON.stringify(report))), JSON.stringify(validate.errors)).toBe(true);
		expect((await svc.listEvalReports(imported.workspace.id)).map((r) => r.id)).toEqual([report.id]);
	});

	it("gives the same numbers as assay metrics on the report's exported TREC run and qrels", async () => {
		const { svc, imported } = await stemmingWorkspace();
		const report = await svc.runEval(request(imported.workspace.id, imported.goldenSet.id, 'bm25 segmenter', 'segmenter'));
		const trec = evaluateRun(parseQrels(reportToQrels(report)), parseRun(reportToTrecRun(report)), {
			includeMissingQueries: true,
			cutoffs: [10]
		});
		expect(report.metrics.aggregate['ndcg@10']?.mean).toBe(trec.summary.ndcg_cut_10);
		expect(report.metrics.aggregate.map?.mean).toBe(trec.summary.map);
	});

	it('labels the known-better configuration "better" and two identical configurations not significant', async () => {
		const { svc, imported } = await stemmingWorkspace();
		const run = (label: string, analyzer: 'english' | 'segmenter') =>
			svc.runEval(request(imported.workspace.id, imported.goldenSet.id, label, analyzer));
		const [stemmed, plain, again] = [
			await run('english', 'english'),
			await run('segmenter', 'segmenter'),
			await run('english again', 'english')
		];
		const better = compareReports(plain, stemmed, 'ndcg@10');
		expect(better.paired.verdict).toBe('better');
		expect(better.paired.improved).toBe(30);
		expect(better.paired.ciLow).toBeGreaterThan(0.9);
		const same = compareReports(stemmed, again, 'ndcg@10');
		expect(same.paired.verdict).toBe('no significant difference');
		expect(same.paired.pValue).toBe(1);
	});

	it('re-imports an exported report for comparison, and rejects a file that is not a report', async () => {
		const { svc, imported } = await stemmingWorkspace();
		const report = await svc.runEval(request(imported.workspace.id, imported.goldenSet.id, 'english', 'english'));
		const other = await svc.createWorkspace('other');
		const back: EvalReport = await svc.importEvalReport(other.id, JSON.stringify(report));
		expect(back.metrics).toEqual(report.metrics);
		await expect(svc.importEvalReport(other.id, '{"schema":"x"}')).rejects.toMatchObject({ code: 'DATASET_INVALID' });
	});

	it('stops a cancelled evaluation between queries and reports it as cancelled', async () => {
		const { svc, imported } = await stemmingWorkspace();
		const req = request(imported.workspace.id, imported.goldenSet.id, 'english', 'english', 'job-cancel');
		const report = await svc.runEval(req, (p) => {
			if (p.phase === 'querying' && p.done === 5) void svc.cancelEval('job-cancel');
		});
		expect(report.status).toBe('cancelled');
		expect(report.metrics.queryCount).toBe(5);
	});

	it('fails a hybrid configuration on a workspace without vectors with EMBEDDINGS_MISSING, telling to embed first', async () => {
		const { svc, imported } = await stemmingWorkspace();
		const req = request(imported.workspace.id, imported.goldenSet.id, 'hybrid', 'english');
		await expect(svc.runEval({ ...req, config: { ...req.config, mode: 'hybrid' } })).rejects.toMatchObject({
			code: 'EMBEDDINGS_MISSING',
			message: expect.stringMatching(/0 of 60 .*Embed the workspace first/)
		});
	});

	it('imports a JSONL golden set, keeping the good rows and reporting the bad ones', async () => {
		const { svc, imported } = await stemmingWorkspace();
		const result = await svc.importGoldenSet(imported.workspace.id, 'mine', {
			format: 'jsonl',
			text: '{"id":"a","query":"apples","relevant":["rel0"]}\n{"id":"b"}\n'
		});
		expect(result.goldenSet.cases).toHaveLength(1);
		expect(result.errors).toEqual([{ line: 2, message: expect.stringMatching(/query/) }]);
		const report = await svc.runEval(request(imported.workspace.id, result.goldenSet.id, 'english', 'english'));
		expect(report.perQuery[0]?.metrics['recall@10']).toBe(1);
	});

	it('explains a ranked document term by term, summing to the score in the report', async () => {
		const { svc, imported } = await stemmingWorkspace();
		const req = request(imported.workspace.id, imported.goldenSet.id, 'english', 'english');
		const report = await svc.runEval(req);
		const q = report.perQuery[0]!;
		const [doc, score] = q.ranked[0]!;
		const result = await svc.explainResult({ workspaceId: imported.workspace.id, config: req.config, query: q.query, documentRef: doc });
		expect(result.explanation.score).toBeCloseTo(score, 6);
		expect(result.explanation.terms.map((t) => t.term)).toEqual(['appl', 'report']);
		await expect(
			svc.explainResult({ workspaceId: imported.workspace.id, config: req.config, query: 'x', documentRef: 'nope' })
		).rejects.toMatchObject({ code: 'NOT_FOUND' });
	});
});
