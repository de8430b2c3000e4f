import { describe, expect, it } from 'vitest';
import { defaultAppConfig, parseAppConfig } from '../../../src/lib/config/index.ts';

describe('semantic search configuration', () => {
	it('defaults to multilingual-e5-small q8 on the Voy index, RRF k 60, depth 100, pool 4 × top-k, reranker off', () => {
		const config = defaultAppConfig();
		expect(config.models).toEqual({ source: { kind: 'hub' }, device: 'auto' });
		expect(config.embedding).toEqual({ modelId: 'Xenova/multilingual-e5-small', dtype: 'q8', batchSize: 16, vectorIndex: 'auto' });
		expect(config.retrieval).toEqual({ rrfK: 60, depth: 100, rerankPoolFactor: 4 });
		expect(config.rerank).toMatchObject({ enabled: false, batchSize: 8 });
	});

	it('rejects a mirror that is not an http(s) URL, naming the field', () => {
		expect(() => parseAppConfig({ models: { source: { kind: 'mirror', baseUrl: 'ftp://example.org/models' } } })).toThrow(
			/models\.source\.baseUrl/
		);
	});

	it('rejects a negative RRF k', () => {
		expect(() => parseAppConfig({ retrieval: { rrfK: -1 } })).toThrow(/retrieval\.rrfK/);
	});
});
