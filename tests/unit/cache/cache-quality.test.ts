import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateCacheQuality, parseCachePairs, type CachePair } from '../../../src/lib/cache/cache-quality.ts';
import { cosineSimilarity, type QuestionEmbedding } from '../../../src/lib/cache/answer-cache.ts';
import { fnv1a32Hex } from '../../../src/lib/shared/hash.ts';

const pairs = parseCachePairs(readFileSync(new URL('../../fixtures/cache/negation-pairs.jsonl', import.meta.url), 'utf8'));

/**
 * A deterministic bag-of-words embedder (term counts hashed into 4096 dimensions): word order and
 * "not" barely move it, as with the mean-pooled embedders that make semantic caches fall for
 * negations and swapped entities.
 */
async function bagOfWords(question: string): Promise<QuestionEmbedding> {
	const vector = new Array<number>(4096).fill(0);
	for (const term of question.toLowerCase().match(/[a-z0-9]+/g) ?? []) vector[parseInt(fnv1a32Hex(term), 16) % 4096]! += 1;
	return { modelKey: 'bag-of-words', vector };
}

/** The system under test answers every question right (its reference), so any score drop is the cache's doing. */
function system(p: readonly CachePair[]) {
	const answers = new Map(
		p.flatMap((x) => [[x.first.question, x.first.reference] as const, [x.second.question, x.second.reference] as const])
	);
	let calls = 0;
	return {
		answer: async (q: string) => {
			calls++;
			return { text: answers.get(q) ?? '', usage: { inputTokens: 50, outputTokens: 10 } };
		},
		calls: () => calls
	};
}

describe('cache-quality evaluation', () => {
	it('reads the negation and swapped-entity fixture', () => {
		expect(pairs.map((p) => p.kind)).toEqual(['negation', 'negation', 'swap', 'swap', 'paraphrase']);
		expect(() => parseCachePairs('{"id":"x"}\n')).toThrow(/Line 1/);
	});

	it('the fixture embedder puts negations and swaps above a loose threshold (cosines 0.894, 0.926, 1, 1; paraphrase 0.875)', async () => {
		const cos = async (p: CachePair) =>
			cosineSimilarity((await bagOfWords(p.first.question)).vector, (await bagOfWords(p.second.question)).vector);
		const values = await Promise.all(pairs.map(cos));
		expect(values.map((v) => Number(v.toFixed(3)))).toEqual([0.894, 0.926, 1, 1, 0.875]);
	});

	it('catches the wrong hits a loose threshold produces: negations and swaps served the other question’s answer', async () => {
		const sut = system(pairs);
		const report = await evaluateCacheQuality({
			pairs,
			answer: sut.answer,
			embed: bagOfWords,
			similarityThreshold: 0.85,
			paired: { resamples: 1000, permutations: 1000 }
		});
		expect(report).toMatchObject({
			questions: 10,
			hits: 5,
			semanticHits: 5,
			wrongHits: 4,
			wrongHitRate: 0.8,
			wrongHitShare: 0.4,
			tokensSaved: 300,
			meanScoreOff: 1,
			meanScoreOn: 0.6,
			wrongHitsByKind: { negation: 2, swap: 2 }
		});
		expect(report.paired.meanDifference).toBeCloseTo(-0.4, 12);
		expect(report.paired.regressed).toBe(4);
		expect(report.rows.filter((r) => r.wrongHit).map((r) => [r.question, r.servedFor])).toEqual([
			['Is remote work not allowed?', 'Is remote work allowed?'],
			['Are pets not allowed in the office?', 'Are pets allowed in the office?'],
			['Does Globex own Acme?', 'Does Acme own Globex?'],
			['Does Lee report to Dana?', 'Does Dana report to Lee?']
		]);
		// The paraphrase hit is right: same reference, score kept.
		expect(report.rows.find((r) => r.pairId === 'para-vacation' && r.hit)).toMatchObject({ wrongHit: false, scoreOn: 1 });
		// 10 questions off + 5 misses on.
		expect(sut.calls()).toBe(15);
	});

	it('at a strict threshold only the swaps still hit, and the exact cache makes no wrong hit', async () => {
		const strict = await evaluateCacheQuality({
			pairs,
			answer: system(pairs).answer,
			embed: bagOfWords,
			similarityThreshold: 0.95,
			paired: { resamples: 1000, permutations: 1000 }
		});
		expect({ hits: strict.hits, wrongHits: strict.wrongHits, wrongHitRate: strict.wrongHitRate, kinds: strict.wrongHitsByKind }).toEqual({
			hits: 2,
			wrongHits: 2,
			wrongHitRate: 1,
			kinds: { swap: 2 }
		});
		const exact = await evaluateCacheQuality({
			pairs,
			answer: system(pairs).answer,
			embed: bagOfWords,
			similarityThreshold: 0.85,
			mode: 'exact',
			paired: { resamples: 1000, permutations: 1000 }
		});
		expect({ hits: exact.hits, wrongHits: exact.wrongHits, diff: exact.paired.meanDifference }).toEqual({ hits: 0, wrongHits: 0, diff: 0 });
	});
});
