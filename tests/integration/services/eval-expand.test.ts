import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { IDBFactory } from 'fake-indexeddb';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { createLibraryServiceWithInternals } from '../../../src/lib/services/library.ts';
import { combineApis, createEvalService } from '../../../src/lib/services/eval-service.ts';
import type { EvalRequest } from '../../../src/lib/services/eval-api.ts';
import type { RetrievalConfigInput } from '../../../src/lib/evals/runner/index.ts';
import type { EvalReport } from '../../../src/lib/evals/index.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/datasets/parent/${name}`, import.meta.url), 'utf8');
const schema = JSON.parse(readFileSync(new URL('../../../schemas/eval-report.v2.schema.json', import.meta.url), 'utf8')) as object;

/** The parent fixture as a BEIR workspace, and a runner of one lexical configuration over its golden set (chunks ≤ 40 code units). */
async function parentWorkspace() {
	const { api, internals } = createLibraryServiceWithInternals({ idbFactory: new IDBFactory() });
	const svc = combineApis(api, createEvalService(api, internals));
	const imported = await svc.importBeirFolder({
		name: 'parent',
		corpus: new Blob([fixture('corpus.jsonl')]),
		corpusGzipped: false,
		queries: new Blob([fixture('queries.jsonl')]),
		qrels: new Blob([fixture('qrels.tsv')]),
		analyzer: 'english'
	});
	return (config: Partial<RetrievalConfigInput>) => {
		const request: EvalRequest = {
			workspaceId: imported.workspace.id,
			goldenSetId: imported.goldenSet.id,
			jobId: 'job',
			config: {
				label: 'parent',
				topK: 3,
				chunking: { chunkSizeChars: 40, chunkOverlapChars: 0 },
				bm25: { analyzer: 'english' },
				...config
			},
			appVersion: '0.0.0-test',
			environment: { userAgent: 'vitest', gpuAdapter: null, hardwareConcurrency: null }
		};
		return svc.runEval(request);
	};
}

const spansById = (report: EvalReport) => Object.fromEntries(report.perQuery.map((q) => [q.id, q.spans]));

describe('evaluation with parent-document retrieval', () => {
	it('records the parent spans of each case, the expansion and the mean tokens, with document metrics unchanged', async () => {
		const run = await parentWorkspace();
		const plain = await run({});
		const report = await run({ expand: { mode: 'parent-section' } });
		expect(report.retrieval.expand).toEqual({ mode: 'parent-section', maxTokens: 512, windowChunks: 1 });
		expect(report.expansion).toEqual({ spans: 2, averageTokens: 28.5 });
		expect(spansById(report)).toEqual({
			'q-dawn': [{ doc: 'garden', startOffset: 0, endOffset: 75, tokens: 25, kind: 'parent-section' }],
			'q-boards': [{ doc: 'kitchen', startOffset: 0, endOffset: 95, tokens: 32, kind: 'parent-section' }]
		});
		expect(report.metrics.aggregate).toEqual(plain.metrics.aggregate);
		expect(report.perQuery.map((q) => q.ranked)).toEqual(plain.perQuery.map((q) => q.ranked));
		const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(schema);
		expect(validate(JSON.parse(JSON.stringify(report))), JSON.stringify(validate.errors)).toBe(true);
	});

	it('records a neighbour window within the token budget', async () => {
		const run = await parentWorkspace();
		const report = await run({ expand: { mode: 'neighbours', maxTokens: 20, windowChunks: 1 } });
		expect(spansById(report)).toEqual({
			'q-dawn': [{ doc: 'garden', startOffset: 25, endOffset: 75, tokens: 17, kind: 'neighbours' }],
			'q-boards': [{ doc: 'kitchen', startOffset: 35, endOffset: 95, tokens: 20, kind: 'neighbours' }]
		});
	});

	it("expands the workspace index's stored chunks when the configuration chunks as the workspace does", async () => {
		const run = await parentWorkspace();
		const report = await run({ chunking: { mode: 'none' }, expand: { mode: 'parent-section' } });
		expect(report.index.type).toBe('bm25-inverted-index (chunk level; document = best chunk)');
		expect(spansById(report)).toEqual({
			'q-dawn': [{ doc: 'garden', startOffset: 0, endOffset: 75, tokens: 25, kind: 'parent-section' }],
			'q-boards': [{ doc: 'kitchen', startOffset: 0, endOffset: 95, tokens: 32, kind: 'parent-section' }]
		});
	});

	it('writes no expansion fields without expansion, so reports read as before', async () => {
		const run = await parentWorkspace();
		const report = await run({ expand: { mode: 'none' } });
		expect('expansion' in report).toBe(false);
		expect('expand' in report.retrieval).toBe(false);
		expect(report.perQuery.every((q) => !('spans' in q))).toBe(true);
	});
});
