import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	cappedRecallAt,
	evaluateRetrieval,
	evaluateRun,
	type JudgedRanking,
	type Qrels,
	type Run
} from '../../../src/lib/evals/metrics/index.ts';
import { metricRange } from '../../../src/lib/evals/report/types.ts';

/** A query with `relevant` relevant documents, all retrieved first, then `extra` non-relevant ones. */
function allFound(relevant: number, extra: number): { qrels: Qrels; run: Run } {
	const judged = new Map<string, number>();
	const ranking: { docId: string; score: number }[] = [];
	for (let i = 0; i < relevant; i++) {
		judged.set(`r${i}`, 1);
		ranking.push({ docId: `r${i}`, score: 1000 - i });
	}
	for (let i = 0; i < extra; i++) ranking.push({ docId: `n${i}`, score: 10 - i / 100 });
	return { qrels: new Map([['q', judged]]), run: new Map([['q', ranking]]) };
}

describe('metric values stay inside their range under floating-point rounding', () => {
	it('capped recall@100 of a query whose 7 relevant documents are all in the top 100 is exactly 1 (7 / 100 · 100 = 7.000000000000001 in doubles)', () => {
		// The arithmetic that produced Cranfield's capped_recall@100 = 1.0000000000000002.
		expect(((7 / 100) * 100) / 7).toBe(1.0000000000000002);
		const { qrels, run } = allFound(7, 20);
		const metrics = evaluateRetrieval(qrels, run, { cutoffs: [100] });
		expect(metrics.perQuery.get('q')?.['capped_recall@100']).toBe(1);
		expect(metrics.means['capped_recall@100']?.mean).toBe(1);
		const r: JudgedRanking = {
			grades: Array.from({ length: 7 }, () => 1),
			relevantCount: 7,
			judgedGrades: Array.from({ length: 7 }, () => 1),
			level: 1
		};
		for (const k of [100, 1000]) expect(cappedRecallAt(r, k)).toBe(1);
	});

	it('every relevant count and cutoff up to 200 gives a capped recall of exactly 1 when all relevant documents are found', () => {
		const off: string[] = [];
		for (let n = 1; n <= 200; n++) {
			const r: JudgedRanking = {
				grades: Array.from({ length: n }, () => 1),
				relevantCount: n,
				judgedGrades: Array.from({ length: n }, () => 1),
				level: 1
			};
			for (let k = 1; k <= 200; k++) if (cappedRecallAt(r, k) !== 1) off.push(`n ${n}, k ${k}: ${cappedRecallAt(r, k)}`);
		}
		expect(off).toEqual([]);
	});

	it('every aggregate and per-query metric of evaluateRetrieval lies in [0, 1] for random runs and graded qrels', () => {
		const docs = fc.integer({ min: 0, max: 40 }).map((i) => `d${i}`);
		const randomQuery = fc.record({
			judged: fc.dictionary(docs, fc.integer({ min: -1, max: 4 }), { maxKeys: 30 }),
			// Unique documents per ranking: a repeated document is refused (see duplicate-documents.test.ts).
			ranked: fc.uniqueArray(
				fc.record({ docId: docs, score: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.double({ min: 0, max: 100, noNaN: true })) }),
				{ selector: (e) => e.docId, maxLength: 40 }
			)
		});
		// Near-perfect rankings, where ratios reach their bound of 1 and rounding could cross it.
		const goodQuery = fc
			.record({ relevant: fc.integer({ min: 1, max: 80 }), extra: fc.integer({ min: 0, max: 60 }), grade: fc.integer({ min: 1, max: 4 }) })
			.map(({ relevant, extra, grade }) => {
				const { qrels, run } = allFound(relevant, extra);
				return {
					judged: Object.fromEntries([...(qrels.get('q') as Map<string, number>).keys()].map((d) => [d, grade])),
					ranked: run.get('q') as { docId: string; score: number }[]
				};
			});
		const query = fc.oneof(randomQuery, goodQuery);
		fc.assert(
			fc.property(
				fc.array(query, { minLength: 1, maxLength: 12 }),
				fc.uniqueArray(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 6 }).map((ks) => [...new Set([...ks, 100])]),
				fc.constantFrom('linear' as const, 'exponential' as const),
				fc.integer({ min: 1, max: 3 }),
				(queries, cutoffs, ndcgGain, relevanceLevel) => {
					const qrels: Qrels = new Map(queries.map((q, i) => [`q${i}`, new Map(Object.entries(q.judged))]));
					const run: Run = new Map(queries.map((q, i) => [`q${i}`, q.ranked]));
					const m = evaluateRetrieval(qrels, run, { cutoffs, ndcgGain, relevanceLevel });
					const outside: string[] = [];
					const inRange = (name: string, v: number | null) => {
						const [lo, hi] = metricRange(name);
						if (v !== null && !(v >= lo && v <= hi)) outside.push(`${name} = ${v}`);
					};
					for (const [name, mean] of Object.entries(m.means)) {
						inRange(name, mean.mean);
						inRange(name, mean.answerableMean);
					}
					for (const values of m.perQuery.values()) for (const [name, v] of Object.entries(values)) inRange(name, v);
					expect(outside).toEqual([]);
				}
			),
			{ numRuns: 200 }
		);
	});

	it('a mean of many values that are each at most 1 is at most 1 (the per-query values bound the means)', () => {
		fc.assert(
			fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 500 }), (values) => {
				const mean = values.reduce((s, v) => s + v, 0) / values.length;
				expect(mean).toBeLessThanOrEqual(1);
				expect(mean).toBeGreaterThanOrEqual(0);
			})
		);
	});

	it("trec_eval's ratio measures of evaluateRun are exactly 1 for a query with 55 relevant documents all ranked first", () => {
		const { qrels, run } = allFound(55, 100);
		const s = evaluateRun(qrels, run, { cutoffs: [100, 1000] }).summary;
		for (const name of ['map', 'Rprec', 'recip_rank', 'recall_100', 'ndcg_cut_100', 'ndcg_cut_1000']) expect(s[name], name).toBe(1);
	});
});
