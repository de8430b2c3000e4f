import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
	evaluateRetrieval,
	ndcgAt,
	parseQrels,
	parseRun,
	sortForEvaluation,
	type Qrels,
	type Run
} from '../../../src/lib/evals/metrics/index.ts';

const casesDir = new URL('../../fixtures/cases/', import.meta.url);

/** The cases' own format: golden `{"qid","relevant":[…]}` and run `{"qid","ranked":[…]}` lines. */
function loadCase(name: string): { qrels: Qrels; run: Run; expected: Record<string, unknown> } {
	const lines = (file: string) =>
		readFileSync(new URL(`${name}/${file}`, casesDir), 'utf8')
			.split('\n')
			.filter((l) => l.trim())
			.map((l) => JSON.parse(l) as { qid: string; relevant?: string[]; ranked?: string[] });
	const qrels = new Map(lines('golden.jsonl').map((g) => [g.qid, new Map((g.relevant ?? []).map((d) => [d, 1]))]));
	// Ranked lists carry no scores: descending scores keep their order, with no ties.
	const run = new Map(lines('run.jsonl').map((r) => [r.qid, (r.ranked ?? []).map((docId, i, all) => ({ docId, score: all.length - i }))]));
	return { qrels, run, expected: JSON.parse(readFileSync(new URL(`${name}/expected.json`, casesDir), 'utf8')) as Record<string, unknown> };
}

describe('met-01: recall@k, capped recall, hit rate and precision are reported under their own names', () => {
	const { qrels, run, expected } = loadCase('met-01-recall-at-k');
	const result = evaluateRetrieval(qrels, run, { cutoffs: [5] });
	const perQuery = expected.per_query as Record<string, Record<string, number>>;

	it.each(Object.keys(perQuery))('query %s has the expected recall@5, capped_recall@5, hit@5 and precision@5', (qid) => {
		const ours = result.perQuery.get(qid);
		const want = perQuery[qid]!;
		expect(ours?.['recall@5']).toBeCloseTo(want['recall@5']!, 12);
		expect(ours?.['capped_recall@5']).toBeCloseTo(want['capped_recall@5']!, 12);
		expect(ours?.['hit_rate@5']).toBe(want['hit@5']);
		expect(ours?.['precision@5']).toBeCloseTo(want['precision@5']!, 12);
	});

	it('averages to the expected means (6 decimals in the case file)', () => {
		const mean = expected.mean as Record<string, number>;
		for (const name of ['recall@5', 'capped_recall@5', 'hit_rate@5', 'precision@5']) {
			expect(Math.abs(result.means[name]!.mean - mean[name]!), name).toBeLessThan(5e-7);
		}
	});

	it('writes each definition and its source into the result', () => {
		expect(result.definitions['recall@5']?.definition).toBe('|relevant ∩ top 5| / |relevant|');
		expect(result.definitions['capped_recall@5']?.source).toMatch(/BEIR/);
	});
});

describe('met-03: reciprocal rank with misses, and unanswerable queries counted apart', () => {
	const { qrels, run, expected } = loadCase('met-03-mrr-no-hit');
	const result = evaluateRetrieval(qrels, run, { cutoffs: [10] });
	const also = expected.also_report as Record<string, number>;

	it('gives rr@10 1, 0 (no hit), 0 (first hit at rank 11) to q1, q2, q3', () => {
		expect([1, 2, 3].map((i) => result.perQuery.get(`q${i}`)?.['mrr@10'])).toEqual([1, 0, 0]);
	});

	it('reports MRR@10 over answerable queries as 0.333333 and counts the unanswerable one apart', () => {
		expect(Math.abs((result.means['mrr@10']?.answerableMean ?? NaN) - (expected['mrr@10'] as number))).toBeLessThan(5e-7);
		expect(result.answerableCount).toBe(also.answered_queries);
		expect(result.unanswerableCount).toBe(also.unanswerable_queries);
		expect(result.unanswerableWithResults).toBe(also.unanswerable_with_results);
	});

	it("also reports trec_eval's own mean, which counts the unanswerable query as 0", () => {
		expect(result.means['mrr@10']?.mean).toBeCloseTo(0.25, 12);
	});

	it('keeps recip_rank without a cutoff: the hit at rank 11 scores 1/11', () => {
		expect(result.perQuery.get('q3')?.recip_rank).toBeCloseTo(1 / 11, 12);
	});

	it('throws DATASET_INVALID for an empty golden set instead of returning NaN', () => {
		expect(() => evaluateRetrieval(new Map(), run)).toThrow(expect.objectContaining({ code: 'DATASET_INVALID' }));
	});

	it('reports a null answerable mean (not NaN) when no query is answerable', () => {
		const only = evaluateRetrieval(new Map([['q4', new Map()]]), run, { cutoffs: [10] });
		expect(only.means['mrr@10']).toEqual({ mean: 0, answerableMean: null });
	});
});

describe('exponential nDCG gain', () => {
	it('matches trec_eval ndcg with gains 0=0,1=1,2=3,3=7 (2^grade − 1) over the whole ranking, to 1e-9', () => {
		const dir = new URL('../../fixtures/metrics-reference/04_graded/', import.meta.url);
		const qrels = parseQrels(readFileSync(new URL('qrels', dir), 'utf8'));
		const run = parseRun(readFileSync(new URL('run', dir), 'utf8'));
		const reference = readFileSync(new URL('04_graded.ndcg_gains.q.hp.txt', dir), 'utf8')
			.split('\n')
			.filter((l) => l.startsWith('ndcg_0=') && !l.includes('\tall\t'))
			.map((l) => l.split('\t').map((f) => f.trim()));
		expect(reference.length).toBeGreaterThan(0);
		for (const [, qid, value] of reference) {
			const judged = qrels.get(qid!)!;
			const ranking = sortForEvaluation(run.get(qid!) ?? []);
			const judgedGrades = [...judged.values()];
			const r = {
				grades: ranking.map((e) => judged.get(e.docId)),
				relevantCount: judgedGrades.filter((g) => g >= 1).length,
				judgedGrades,
				level: 1
			};
			expect(Math.abs(ndcgAt(r, Infinity, 'exponential') - Number(value)), qid).toBeLessThan(1e-9);
		}
	});
});
