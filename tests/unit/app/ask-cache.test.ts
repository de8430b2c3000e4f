import { describe, expect, it } from 'vitest';
import { cacheHitLabel, cacheStatsLabel, loadAnswerCacheSettings, saveAnswerCacheSettings } from '../../../src/lib/app/ask-cache.ts';

function memoryStorage(): Storage {
	const m = new Map<string, string>();
	return {
		get length() {
			return m.size;
		},
		clear: () => m.clear(),
		getItem: (k) => m.get(k) ?? null,
		key: (i) => [...m.keys()][i] ?? null,
		removeItem: (k) => void m.delete(k),
		setItem: (k, v) => void m.set(k, v)
	};
}

describe('Ask page answer cache helpers', () => {
	it('keeps the setting per workspace and reads anything malformed as off at 0.95', () => {
		const s = memoryStorage();
		expect(loadAnswerCacheSettings(s, 'w1')).toEqual({ mode: 'off', similarityThreshold: 0.95 });
		saveAnswerCacheSettings(s, 'w1', { mode: 'semantic', similarityThreshold: 0.9 });
		expect(loadAnswerCacheSettings(s, 'w1')).toEqual({ mode: 'semantic', similarityThreshold: 0.9 });
		expect(loadAnswerCacheSettings(s, 'w2').mode).toBe('off');
		s.setItem('assay.answerCache.w3', JSON.stringify({ mode: 'always', similarityThreshold: 7 }));
		expect(loadAnswerCacheSettings(s, 'w3')).toEqual({ mode: 'off', similarityThreshold: 0.95 });
		expect(() => saveAnswerCacheSettings(s, 'w1', { mode: 'semantic', similarityThreshold: -1 })).toThrow(/\[0, 1\]/);
	});

	it('labels a hit and the counters', () => {
		const t = (ms: number) => `t${ms}`;
		expect(cacheHitLabel({ kind: 'exact', similarity: 1, createdAtMs: 5 }, t)).toBe('From cache (exact, cached t5)');
		expect(cacheHitLabel({ kind: 'semantic', similarity: 0.9712, createdAtMs: 5 }, t)).toBe(
			'From cache (semantic, similarity 0.97, cached t5)'
		);
		expect(cacheStatsLabel({ lookups: 3, hits: 1, hitRate: 1 / 3, tokensSaved: 120 })).toBe(
			'Answer cache: hit rate 33 % (1 of 3 lookups), 120 tokens saved'
		);
	});
});
