import { describe, expect, it } from 'vitest';
import { runFromAnswers } from '../../../src/lib/evals/answers/report-metrics.ts';
import {
	bestEntryPerDocument,
	evaluateRetrieval,
	evaluateRun,
	parseRun,
	type Qrels,
	type Run
} from '../../../src/lib/evals/metrics/index.ts';
import { runBm25 } from '../../../src/lib/evals/retrieval/bm25-run.ts';
import { runQueries } from '../../../src/lib/evals/runner/index.ts';
import { createAnalyzer } from '../../../src/lib/search/analyzers/index.ts';
import { makeAnswer } from './answers/fixtures.ts';

/**
 * trec_eval refuses a run that ranks one document twice for a query (form_res_rels.c: "duplicate
 * docs", fatal). Assay does the same in its evaluators, and every producer of runs in the app
 * keeps one entry per document (its best chunk), so MAP can never exceed 1.
 */

const qrels: Qrels = new Map([['q', new Map([['d1', 1]])]]);
// Counted twice, d1 would give AP = (1/1 + 2/2) / 1 = 2.
const repeated: Run = new Map([
	[
		'q',
		[
			{ docId: 'd1', score: 2 },
			{ docId: 'd1', score: 1 }
		]
	]
]);

describe('a ranking that repeats a document', () => {
	it('is refused by the report evaluator (evaluateRetrieval) with DATASET_INVALID naming the query and document, never MAP 2', () => {
		expect(() => evaluateRetrieval(qrels, repeated)).toThrow(
			expect.objectContaining({ code: 'DATASET_INVALID', message: expect.stringContaining('Query "q" ranks document "d1" twice') })
		);
	});

	it('is refused by the trec_eval evaluator (evaluateRun) as trec_eval refuses it', () => {
		expect(() => evaluateRun(qrels, repeated)).toThrow(
			expect.objectContaining({ code: 'DATASET_INVALID', message: expect.stringContaining('duplicate docs') })
		);
	});

	it('is refused when read from a TREC run file, with the line number', () => {
		expect(() => parseRun('q Q0 d1 1 2 t\nq Q0 d1 2 1 t\n', 'run.trec')).toThrow(
			'run.trec line 2: document "d1" appears twice for query "q"'
		);
	});
});

describe('runs built by the app keep one entry per document', () => {
	it('bestEntryPerDocument keeps each document at its best score, first of equal scores, in input order', () => {
		const entries = [
			{ docId: 'a', score: 1 },
			{ docId: 'b', score: 3 },
			{ docId: 'a', score: 5 },
			{ docId: 'b', score: 3 },
			{ docId: 'c', score: 0 }
		];
		expect(bestEntryPerDocument(entries)).toEqual([
			{ docId: 'b', score: 3 },
			{ docId: 'a', score: 5 },
			{ docId: 'c', score: 0 }
		]);
	});

	it('the runner turns a retriever that returns a document twice (two chunks, one reference) into one entry at its best score, and MAP stays 1', async () => {
		const retriever = {
			retrieve: () => [
				{ docId: 'd1', score: 2 },
				{ docId: 'd1', score: 1 },
				{ docId: 'd2', score: 0.5 }
			]
		};
		const { run } = await runQueries([{ id: 'q', query: 'x' }], retriever, { depth: 2 });
		expect(run.get('q')).toEqual([
			{ docId: 'd1', score: 2 },
			{ docId: 'd2', score: 0.5 }
		]);
		expect(evaluateRetrieval(qrels, run).means.map?.mean).toBe(1);
	});

	it('an answer run whose retrieved chunks repeat a document ranks the document once, at its best chunk', () => {
		const run = runFromAnswers([makeAnswer('q1')]);
		expect(run.get('q1')?.map((e) => e.docId)).toEqual(['kites.md', 'birds.md']);
		expect(evaluateRetrieval(new Map([['q1', new Map([['kites.md', 1]])]]), run).means.map?.mean).toBe(1);
	});

	it('chunk-level BM25 (documents ranked by their best chunk) lists each document once, and MAP stays in [0, 1]', async () => {
		const corpus = [
			{ id: 'a', title: 'Plates', text: 'Shear flow past a flat plate. More shear past a plate. A plate again.' },
			{ id: 'b', title: 'Wings', text: 'A wing. A plate near a wing.' }
		];
		const splitDocument = (doc: { title: string; text: string }) => doc.text.split('. ').map((s) => `${doc.title} ${s}`);
		const { lists } = await runBm25(corpus, [{ id: 'q', text: 'plate shear' }], {
			params: { k1: 0.9, b: 0.4 },
			analyzer: createAnalyzer('english'),
			depth: 10,
			splitDocument
		});
		const hits = lists[0]?.hits ?? [];
		expect(hits.map((h) => h.id)).toEqual(['a', 'b']);
		const run: Run = new Map([['q', hits.map((h) => ({ docId: h.id, score: h.score }))]]);
		const map = evaluateRun(
			new Map([
				[
					'q',
					new Map([
						['a', 1],
						['b', 1]
					])
				]
			]),
			run
		).summary.map;
		expect(map).toBe(1);
	});
});
