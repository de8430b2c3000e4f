import { describe, expect, it } from 'vitest';
import { describeRerankerPreset, findRerankerPreset, RERANKER_PRESETS, rerankPoolSize } from '../../../../src/lib/search/rerank/index.ts';
import { defaultAppConfig } from '../../../../src/lib/config/schema.ts';

describe('reranker presets', () => {
	it('start with the app’s default reranker and list each id once', () => {
		expect(RERANKER_PRESETS[0]!.id).toBe(defaultAppConfig().rerank.modelId);
		expect(new Set(RERANKER_PRESETS.map((p) => p.id)).size).toBe(RERANKER_PRESETS.length);
	});

	it('give every licence, parameter count and published score an http(s) source', () => {
		for (const p of RERANKER_PRESETS) {
			const sources = [p.licence?.source, p.parametersM?.source, ...p.published.map((s) => s.source)].filter((s) => s !== undefined);
			for (const source of sources) expect(source).toMatch(/^https:\/\//);
			for (const s of p.published) expect(s.value).toBeGreaterThan(0);
		}
	});

	it('say "not published" for what no source states', () => {
		const jina = findRerankerPreset('jinaai/jina-reranker-v1-tiny-en')!;
		expect(describeRerankerPreset(jina)).toBe('Apache-2.0 · 33M params · size not published · score not published');
		expect(describeRerankerPreset(findRerankerPreset('Xenova/ms-marco-MiniLM-L-6-v2')!)).toBe(
			'Apache-2.0 · params not published · 23 MB (q8) · MRR@10 39.01 (MS MARCO passage dev), NDCG@10 74.3 (TREC DL 2019)'
		);
	});

	it('find nothing for a custom model id', () => {
		expect(findRerankerPreset('my/local-reranker')).toBeUndefined();
	});
});

describe('rerank pool size', () => {
	it('is factor × top-k without a depth (the behaviour before the depth existed)', () => {
		expect(rerankPoolSize({ rerankPoolFactor: 4 }, 10)).toBe(40);
	});

	it('is the depth when one is given, raised to top-k when smaller', () => {
		expect(rerankPoolSize({ rerankPoolFactor: 4, rerankDepth: 25 }, 10)).toBe(25);
		expect(rerankPoolSize({ rerankPoolFactor: 4, rerankDepth: 3 }, 10)).toBe(10);
	});

	it('rejects a depth that is not a positive integer', () => {
		expect(() => rerankPoolSize({ rerankPoolFactor: 4, rerankDepth: 0 }, 10)).toThrow(RangeError);
		expect(() => rerankPoolSize({ rerankPoolFactor: 4, rerankDepth: 2.5 }, 10)).toThrow(/rerankDepth/);
	});
});
