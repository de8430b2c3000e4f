import { describe, expect, it } from 'vitest';
import { defaultAppConfig, parseAppConfig, sameChunking } from '../../../src/lib/config/schema.ts';
import { AssayError } from '../../../src/lib/shared/errors.ts';

describe('AppConfig', () => {
	it('fills the documented defaults', () => {
		expect(defaultAppConfig()).toMatchObject({
			chunking: { chunkSizeChars: 800, chunkOverlapChars: 96 },
			bm25: { k1: 0.9, b: 0.4, analyzer: 'auto' },
			ingest: {
				maxFileSizeBytes: 20 * 1024 * 1024,
				parseTimeoutMs: 30_000,
				maxInflatedBytes: 200 * 1024 * 1024,
				maxChunksPerDocument: 50_000,
				fileTimeoutMs: 120_000
			},
			search: { topK: 10 }
		});
	});

	it('rejects overlap equal to size with CONFIG_INVALID naming the field', () => {
		try {
			parseAppConfig({ chunking: { chunkSizeChars: 8, chunkOverlapChars: 8 } });
			expect.unreachable();
		} catch (e) {
			expect(e).toBeInstanceOf(AssayError);
			expect((e as AssayError).code).toBe('CONFIG_INVALID');
			expect((e as AssayError).message).toContain('chunking.chunkOverlapChars');
		}
	});

	it('rejects b outside 0..1 and an unknown analyzer together', () => {
		expect(() => parseAppConfig({ bm25: { b: 1.5, analyzer: 'klingon' } })).toThrow(/bm25\.b.*bm25\.analyzer|bm25\.analyzer.*bm25\.b/);
	});
});

describe('sameChunking', () => {
	it('treats an absent mode as recursive, compares sizes only when they are used', () => {
		expect(
			sameChunking({ chunkSizeChars: 800, chunkOverlapChars: 96 }, { mode: 'recursive', chunkSizeChars: 800, chunkOverlapChars: 96 })
		).toBe(true);
		expect(
			sameChunking({ chunkSizeChars: 800, chunkOverlapChars: 96 }, { mode: 'recursive', chunkSizeChars: 800, chunkOverlapChars: 0 })
		).toBe(false);
		expect(
			sameChunking(
				{ mode: 'none', chunkSizeChars: 800, chunkOverlapChars: 96 },
				{ mode: 'none', chunkSizeChars: 100, chunkOverlapChars: 0 }
			)
		).toBe(true);
		expect(sameChunking({ mode: 'none', chunkSizeChars: 800, chunkOverlapChars: 96 }, { chunkSizeChars: 800, chunkOverlapChars: 96 })).toBe(
			false
		);
	});
});

describe('retrieval.rewrite', () => {
	it('is off unless set, fills count and maxTokens, and refuses an unknown technique or a count above 10', () => {
		expect(defaultAppConfig().retrieval).not.toHaveProperty('rewrite');
		expect(parseAppConfig({ retrieval: { rewrite: { technique: 'hyde' } } }).retrieval.rewrite).toEqual({
			technique: 'hyde',
			count: 3,
			maxTokens: 256
		});
		expect(() => parseAppConfig({ retrieval: { rewrite: { technique: 'telepathy' } } })).toThrow(/retrieval.rewrite.technique/);
		expect(() => parseAppConfig({ retrieval: { rewrite: { technique: 'expand', count: 11 } } })).toThrow(/retrieval.rewrite.count/);
	});
});
