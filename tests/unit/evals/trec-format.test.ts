import { describe, expect, it } from 'vitest';
import { formatTrecRun, parseQrels, parseRun, sortForEvaluation } from '../../../src/lib/evals/metrics/index.ts';

describe('parseQrels', () => {
	it('reads TREC qrels (qid iter docid grade) with negative and zero grades', () => {
		const qrels = parseQrels('1 0 g3 3\n1 0 gneg -1\n2 0 h1 0\n');
		expect(qrels.get('1')).toEqual(
			new Map([
				['g3', 3],
				['gneg', -1]
			])
		);
		expect(qrels.get('2')).toEqual(new Map([['h1', 0]]));
	});

	it('reads BEIR qrels.tsv, skipping its header, with CRLF line ends and a BOM', () => {
		const qrels = parseQrels('\uFEFFquery-id\tcorpus-id\tscore\r\n1\t184\t3\r\n1\t29\t1\r\n');
		expect(qrels.get('1')).toEqual(
			new Map([
				['184', 3],
				['29', 1]
			])
		);
	});

	it('keeps ids case-sensitive', () => {
		expect([...parseQrels('Q1 0 D1 1\nq1 0 d1 1\n').keys()]).toEqual(['Q1', 'q1']);
	});

	it('reports a document judged twice with its line number', () => {
		expect(() => parseQrels('1 0 a 1\n1 0 b 1\n1 0 a 0\n', 'qrels.trec')).toThrow(
			'qrels.trec line 3: document "a" is judged twice for query "1"'
		);
	});

	it('reports a wrong column count or a non-integer grade', () => {
		expect(() => parseQrels('1 0 a 1\n1 a 1\n')).toThrow(/line 2: expected 4 columns/);
		expect(() => parseQrels('1 0 a 1.5\n')).toThrow(/grade must be an integer/);
	});
});

describe('parseRun', () => {
	it('reads scores in any numeric notation and ignores the rank column', () => {
		const run = parseRun('q1 Q0 d1 1 1.0 tie\nq1 Q0 d3 9 1 tie\nq1 Q0 d4 4 1e0 tie\nq1 Q0 x6 1 -2.5 tie\n');
		expect(run.get('q1')).toEqual([
			{ docId: 'd1', score: 1 },
			{ docId: 'd3', score: 1 },
			{ docId: 'd4', score: 1 },
			{ docId: 'x6', score: -2.5 }
		]);
	});

	it('rejects a document listed twice for a query, a bad score and a short line', () => {
		expect(() => parseRun('q Q0 d 1 1 t\nq Q0 d 2 0.5 t\n')).toThrow(/line 2: document "d" appears twice/);
		expect(() => parseRun('q Q0 d 1 high t\n')).toThrow(/score must be a number/);
		expect(() => parseRun('q Q0 d 1 1\n')).toThrow(/expected 6 columns/);
	});
});

describe('sortForEvaluation', () => {
	it('orders by score descending, then document id descending by code point', () => {
		const sorted = sortForEvaluation([
			{ docId: 'd1', score: 1 },
			{ docId: 'd10', score: 1 },
			{ docId: 'x5', score: 0.5 },
			{ docId: 'd9', score: 1 },
			{ docId: 'd4', score: 1 },
			{ docId: 'z', score: 2 }
		]);
		expect(sorted.map((e) => e.docId)).toEqual(['z', 'd9', 'd4', 'd10', 'd1', 'x5']);
	});
});

describe('formatTrecRun', () => {
	it('writes qid Q0 docid rank score tag with 6-decimal scores', () => {
		const text = formatTrecRun(
			[
				{
					queryId: '1',
					hits: [
						{ id: '51', score: 11.656860570848307 },
						{ id: '486', score: 2 }
					]
				}
			],
			'bm25'
		);
		expect(text).toBe('1 Q0 51 1 11.656861 bm25\n1 Q0 486 2 2.000000 bm25\n');
	});

	it('round-trips through parseRun', () => {
		const text = formatTrecRun([{ queryId: 'q', hits: [{ id: 'a', score: 0.5 }] }], 't');
		expect(parseRun(text).get('q')).toEqual([{ docId: 'a', score: 0.5 }]);
	});

	it('rejects ids with whitespace, which the format could not read back', () => {
		expect(() => formatTrecRun([{ queryId: 'q 1', hits: [] }], 't')).toThrow(/query id/);
		expect(() => formatTrecRun([{ queryId: 'q', hits: [{ id: 'a b', score: 1 }] }], 't')).toThrow(/document id/);
	});
});
