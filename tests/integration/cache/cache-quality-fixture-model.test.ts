import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { TransformersEmbedder } from '../../../src/lib/adapters/transformers-embedder.ts';
import { embeddingModelKey } from '../../../src/lib/embedding/index.ts';
import { evaluateCacheQuality, parseCachePairs } from '../../../src/lib/cache/cache-quality.ts';
import { fixtureEmbedSpec } from '../embedding/fixture-models.ts';

const embedder = new TransformersEmbedder();
afterAll(async () => embedder.dispose?.());
const pairs = parseCachePairs(readFileSync(new URL('../../fixtures/cache/negation-pairs.jsonl', import.meta.url), 'utf8'));

describe('cache-quality evaluation with the fixture embedding model', () => {
	it('a loose threshold on the mean-pooled fixture model serves negations and swaps wrong answers, and the evaluation counts them', async () => {
		const spec = fixtureEmbedSpec('static-embed');
		const embed = async (q: string) => ({
			modelKey: embeddingModelKey(spec),
			vector: Array.from((await embedder.embed(spec, [q], 'query')).vectors[0]!)
		});
		const references = new Map(
			pairs.flatMap((p) => [[p.first.question, p.first.reference] as const, [p.second.question, p.second.reference] as const])
		);
		const report = await evaluateCacheQuality({
			pairs,
			answer: async (q) => ({ text: references.get(q) ?? '', usage: { inputTokens: 50, outputTokens: 10 } }),
			embed,
			similarityThreshold: 0.5,
			paired: { resamples: 1000, permutations: 1000 }
		});
		// Every hit of a negation or swap pair is wrong by construction; the evaluation must see them all.
		const trapHits = report.rows.filter((r) => r.hit && r.kind !== 'paraphrase');
		expect(trapHits.length).toBeGreaterThan(0);
		expect(trapHits.every((r) => r.wrongHit && r.scoreOn === 0)).toBe(true);
		expect(report.wrongHits).toBe(report.rows.filter((r) => r.wrongHit).length);
		expect(report.meanScoreOn).toBeLessThan(report.meanScoreOff);
		expect(report.paired.meanDifference).toBeCloseTo(report.meanScoreOn - report.meanScoreOff, 12);
	});
});
