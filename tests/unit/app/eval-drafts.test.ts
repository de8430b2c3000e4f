import { describe, expect, it } from 'vitest';
import { draftFromConfig, loadDrafts, saveDrafts } from '../../../src/lib/app/eval-drafts.ts';
import { MemoryStorage } from '../../support/memory-storage.ts';

describe('stored experiment matrix', () => {
	it('restores the configurations saved for a workspace, field for field', () => {
		const s = new MemoryStorage();
		const drafts = [
			draftFromConfig('BM25', null),
			{ ...draftFromConfig('hybrid k=20', null), mode: 'hybrid' as const, rrfK: 20, analyzer: 'english' as const }
		];
		saveDrafts(s, 'ws1', drafts);
		expect(loadDrafts(s, 'ws1')).toEqual({ drafts, notice: null });
		expect(loadDrafts(s, 'ws2')).toEqual({ drafts: null, notice: null });
	});

	it('ignores stored data that is not a JSON list, with a notice instead of an error', () => {
		const s = new MemoryStorage();
		s.setItem('assay.evalDrafts.ws1', '{oops');
		expect(loadDrafts(s, 'ws1')).toEqual({ drafts: null, notice: expect.stringContaining('could not be read') });
		s.setItem('assay.evalDrafts.ws1', JSON.stringify({ mode: 'lexical' }));
		expect(loadDrafts(s, 'ws1').drafts).toBeNull();
	});

	it('drops drafts of the wrong shape one by one and keeps the others', () => {
		const s = new MemoryStorage();
		const good = draftFromConfig('ok', null);
		s.setItem(
			'assay.evalDrafts.ws1',
			JSON.stringify([good, { ...good, key: 'x', mode: 'telepathy' }, { ...good, key: 'y', k1: null }, 42])
		);
		const { drafts, notice } = loadDrafts(s, 'ws1');
		expect(drafts).toEqual([good]);
		expect(notice).toContain('3 of the 4');
	});
});

describe('matrix defaults', () => {
	it('starts a draft without a workspace configuration from the one AppConfig default the CLI also uses', async () => {
		const { defaultAppConfig } = await import('../../../src/lib/config/schema.ts');
		const { DEFAULT_ANALYZER } = await import('../../../src/lib/app/eval-drafts.ts');
		const d = defaultAppConfig();
		expect(draftFromConfig('x', null)).toMatchObject({
			analyzer: d.bm25.analyzer,
			chunkSizeChars: d.chunking.chunkSizeChars,
			chunkOverlapChars: d.chunking.chunkOverlapChars,
			k1: d.bm25.k1,
			b: d.bm25.b,
			rrfK: d.retrieval.rrfK,
			depth: d.retrieval.depth
		});
		expect(DEFAULT_ANALYZER).toBe(d.bm25.analyzer);
	});
});

describe('fusion in the experiment matrix', () => {
	it('leaves plain RRF out of the configuration and carries the other methods with weights and normalisation', async () => {
		const { toRetrievalConfig } = await import('../../../src/lib/app/eval-drafts.ts');
		const hybrid = { ...draftFromConfig('h', null), mode: 'hybrid' as const };
		expect(toRetrievalConfig(hybrid)).not.toHaveProperty('fusion');
		const mnz = { ...hybrid, fusion: 'combmnz' as const, normalization: 'zscore' as const, weightLexical: 0.3, weightDense: 0.7 };
		expect(toRetrievalConfig(mnz).fusion).toEqual({ method: 'combmnz', normalization: 'zscore', weights: { lexical: 0.3, dense: 0.7 } });
		expect(toRetrievalConfig({ ...mnz, fusion: 'weighted-rrf' }).fusion).toEqual({
			method: 'weighted-rrf',
			weights: { lexical: 0.3, dense: 0.7 }
		});
		expect(toRetrievalConfig({ ...mnz, mode: 'lexical' })).not.toHaveProperty('fusion');
	});

	it('reads drafts stored before fusion was configurable as plain RRF with weights 1', () => {
		const s = new MemoryStorage();
		const { fusion: _f, normalization: _n, weightLexical: _l, weightDense: _d, ...old } = draftFromConfig('old', null);
		s.setItem('assay.evalDrafts.ws1', JSON.stringify([old]));
		expect(loadDrafts(s, 'ws1').drafts?.[0]).toMatchObject({ fusion: 'rrf', normalization: 'minmax', weightLexical: 1, weightDense: 1 });
	});
});

describe('query rewriting in the experiment matrix', () => {
	it('switches rewriting on per configuration and leaves it out of the configuration when off', async () => {
		const { toRetrievalConfig } = await import('../../../src/lib/app/eval-drafts.ts');
		const draft = draftFromConfig('bm25', null);
		expect(draft.rewrite).toBe('off');
		expect(toRetrievalConfig(draft)).not.toHaveProperty('rewrite');
		expect(toRetrievalConfig({ ...draft, rewrite: 'multi-query', rewriteCount: 4 }).rewrite).toEqual({
			technique: 'multi-query',
			count: 4
		});
	});

	it('reads drafts stored before rewriting existed as rewriting off', () => {
		const s = new MemoryStorage();
		const { rewrite: _r, rewriteCount: _c, ...old } = draftFromConfig('old', null);
		s.setItem('assay.evalDrafts.ws1', JSON.stringify([old]));
		expect(loadDrafts(s, 'ws1').drafts?.[0]).toMatchObject({ rewrite: 'off', rewriteCount: 3 });
	});
});

describe('rerank pool depth in the experiment matrix', () => {
	it('carries a pool depth only for hybrid-rerank drafts that set one', async () => {
		const { toRetrievalConfig } = await import('../../../src/lib/app/eval-drafts.ts');
		const draft = draftFromConfig('r', null);
		expect(draft.rerankDepth).toBeNull();
		expect(toRetrievalConfig({ ...draft, mode: 'hybrid-rerank' })).not.toHaveProperty('rerankDepth');
		expect(toRetrievalConfig({ ...draft, mode: 'hybrid', rerankDepth: 30 })).not.toHaveProperty('rerankDepth');
		expect(toRetrievalConfig({ ...draft, mode: 'hybrid-rerank', rerankDepth: 30 })).toMatchObject({ rerankDepth: 30 });
	});
});

describe('parent-document retrieval in the experiment matrix', () => {
	it('leaves expansion out of the configuration unless the draft expands, and carries budget and window when it does', async () => {
		const { toRetrievalConfig } = await import('../../../src/lib/app/eval-drafts.ts');
		const plain = draftFromConfig('p', null);
		expect(toRetrievalConfig(plain)).not.toHaveProperty('expand');
		const parent = { ...plain, expandMode: 'neighbours' as const, expandMaxTokens: 200, expandWindowChunks: 2 };
		expect(toRetrievalConfig(parent).expand).toEqual({ mode: 'neighbours', maxTokens: 200, windowChunks: 2 });
	});

	it('reads drafts stored before expansion existed as no expansion', () => {
		const s = new MemoryStorage();
		const old: Record<string, unknown> = { ...draftFromConfig('old', null) };
		for (const field of ['expandMode', 'expandMaxTokens', 'expandWindowChunks']) delete old[field];
		s.setItem('assay.evalDrafts.ws1', JSON.stringify([old]));
		expect(loadDrafts(s, 'ws1').drafts?.[0]).toMatchObject({ expandMode: 'none', expandMaxTokens: 512, expandWindowChunks: 1 });
	});
});

describe('contextual chunks in the experiment matrix', () => {
	it('leaves contexts out of the configuration unless the draft switches them on, and parses it with the defaults when on', async () => {
		const { toRetrievalConfig } = await import('../../../src/lib/app/eval-drafts.ts');
		const { parseRetrievalConfig } = await import('../../../src/lib/evals/runner/index.ts');
		const draft = draftFromConfig('bm25', null);
		expect(draft.contextual).toBe(false);
		expect(toRetrievalConfig(draft)).not.toHaveProperty('contextual');
		expect(parseRetrievalConfig(toRetrievalConfig({ ...draft, contextual: true })).contextual).toEqual({
			maxTokens: 160,
			excerptTokens: 3000
		});
	});

	it('reads drafts stored before contextual chunks existed as off', () => {
		const s = new MemoryStorage();
		const { contextual: _c, ...old } = draftFromConfig('old', null);
		s.setItem('assay.evalDrafts.ws1', JSON.stringify([old]));
		expect(loadDrafts(s, 'ws1').drafts?.[0]).toMatchObject({ contextual: false });
	});
});
