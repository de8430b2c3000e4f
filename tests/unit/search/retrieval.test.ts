import { describe, expect, it } from 'vitest';
import {
	describeRerankTruncation,
	explainBest,
	retrieve,
	type RetrievalParams,
	type RetrievalPorts
} from '../../../src/lib/search/retrieval/index.ts';
import { compileAllow, type FilterableDocument } from '../../../src/lib/search/filters/index.ts';

/** Ports over fixed lists that apply `allow` like the real ones, and record what reached the reranker. */
function ports(lexical: string[], dense: string[], rerankScores: Record<string, number> = {}) {
	const sentToModel: string[] = [];
	const p: RetrievalPorts = {
		lexical: async (_q, depth, allow) =>
			lexical
				.filter(allow)
				.slice(0, depth)
				.map((id, i) => ({ id, score: 10 - i })),
		dense: async (_q, depth, allow) =>
			dense
				.filter(allow)
				.slice(0, depth)
				.map((id, i) => ({ id, similarity: 0.9 - i / 10 })),
		passages: async (ids) => ids.map((id) => `text of ${id}`),
		rerank: async (_q, passages) => {
			sentToModel.push(...passages);
			return passages.map((t) => rerankScores[t.slice('text of '.length)] ?? 0.5);
		}
	};
	return { p, sentToModel };
}

const params = (mode: RetrievalParams['mode'], extra: Partial<RetrievalParams> = {}): RetrievalParams => ({
	mode,
	topK: 3,
	depth: 10,
	rrfK: 60,
	rerankPool: 12,
	...extra
});

describe('retrieve', () => {
	it('returns the lexical list alone in lexical mode, with no dense or fused stage', async () => {
		const out = await retrieve('q', params('lexical'), ports(['a#0', 'b#0'], ['c#0']).p);
		expect(out.results.map((r) => r.id)).toEqual(['a#0', 'b#0']);
		expect(out.stages.dense).toBeNull();
		expect(out.results[0]).toMatchObject({ lexical: { rank: 1, score: 10 }, dense: null, fused: null, finalRank: 1 });
	});

	it('fuses both lists with RRF in hybrid mode and explains each stage', async () => {
		const out = await retrieve('q', params('hybrid'), ports(['a#0', 'b#0'], ['b#0', 'c#0']).p);
		expect(out.results.map((r) => r.id)).toEqual(['b#0', 'a#0', 'c#0']);
		expect(out.results[0]).toMatchObject({ lexical: { rank: 2 }, dense: { rank: 1 }, fused: { rank: 1, score: 1 / 62 + 1 / 61 } });
	});

	it('reorders the fused pool by reranker score in hybrid-rerank mode', async () => {
		const out = await retrieve(
			'q',
			params('hybrid-rerank'),
			ports(['a#0', 'b#0'], ['b#0', 'c#0'], { 'c#0': 0.99, 'a#0': 0.1, 'b#0': 0.2 }).p
		);
		expect(out.results.map((r) => r.id)).toEqual(['c#0', 'b#0', 'a#0']);
		expect(out.results[0]).toMatchObject({ fused: { rank: 3 }, rerank: { rank: 1, score: 0.99 }, finalRank: 1 });
	});

	it('sends only the rerank pool to the reranker', async () => {
		const { p, sentToModel } = ports(['a#0', 'b#0', 'c#0', 'd#0'], []);
		await retrieve('q', params('hybrid-rerank', { rerankPool: 2 }), p);
		expect(sentToModel).toEqual(['text of a#0', 'text of b#0']);
	});

	it('tells where a document that missed the results stood in each stage', async () => {
		const out = await retrieve('q', params('hybrid', { topK: 1 }), ports(['a#0', 'b#0'], ['b#0', 'c#0', 'z#1']).p);
		expect(explainBest(['z#0', 'z#1'], out.stages)).toMatchObject({
			lexical: null,
			dense: { rank: 3 },
			fused: { rank: 4 },
			bestIds: { dense: 'z#1' }
		});
	});
});

describe('access control', () => {
	const docs = new Map<string, FilterableDocument>(
		['public', 'secret', 'hr'].map((id) => [id, { id, tags: id === 'hr' ? ['people'] : [], mediaType: 'text/plain', importedAtMs: 1 }])
	);
	const acls = { secret: { users: ['alice'], groups: [] }, hr: { users: [], groups: ['hr'] } };

	it('never lets a forbidden document reach any stage, the results, or the reranker', async () => {
		const { p, sentToModel } = ports(['secret#0', 'public#0', 'hr#0'], ['secret#0', 'hr#1', 'public#1']);
		const allow = compileAllow(docs, undefined, { user: 'bob', groups: ['hr'] }, acls);
		const out = await retrieve('q', params('hybrid-rerank'), p, allow);
		const everything = [
			...Object.values(out.stages).flatMap((s: readonly { id: string }[] | null) => (s ?? []).map((h) => h.id)),
			...out.results.map((r) => r.id),
			...sentToModel
		];
		expect(everything.some((id) => id.includes('secret'))).toBe(false);
		expect(out.results.map((r) => r.id).sort()).toEqual(['hr#0', 'hr#1', 'public#0']);
	});

	it('drops a forbidden id even when a retriever ignores the filter', async () => {
		const leaky: RetrievalPorts = { ...ports([], []).p, dense: async () => [{ id: 'secret#0', similarity: 1 }] };
		const out = await retrieve('q', params('hybrid'), leaky, compileAllow(docs, undefined, { user: 'bob', groups: [] }, acls));
		expect(out.stages.dense).toEqual([]);
		expect(out.results).toEqual([]);
	});

	it('lets the named user and the owner see a restricted document', () => {
		expect(compileAllow(docs, undefined, { user: 'alice', groups: [] }, acls)('secret#0')).toBe(true);
		expect(compileAllow(docs, undefined, null, acls)('secret#0')).toBe(true);
	});

	it('filters by tag', () => {
		const allow = compileAllow(docs, { tags: ['people'] }, null, acls);
		expect(['public#0', 'hr#0'].filter(allow)).toEqual(['hr#0']);
	});
});

describe('metadata filters', () => {
	const doc = { id: 'd', tags: ['hr', 'policy'], mediaType: 'text/markdown', importedAtMs: 1_000 };

	it('keeps a document matching every given field (any tag, any type, date in [from, to))', () => {
		expect(
			compileAllow(
				new Map([['d', doc]]),
				{ tags: ['policy', 'x'], mediaTypes: ['text/markdown'], importedFromMs: 1_000, importedToMs: 1_001 },
				null,
				{}
			)('d#3')
		).toBe(true);
	});

	it('drops a document outside the date range or of another type', () => {
		const docs = new Map([['d', doc]]);
		expect(compileAllow(docs, { importedToMs: 1_000 }, null, {})('d#0')).toBe(false);
		expect(compileAllow(docs, { importedFromMs: 1_001 }, null, {})('d#0')).toBe(false);
		expect(compileAllow(docs, { mediaTypes: ['text/plain'] }, null, {})('d#0')).toBe(false);
	});

	it('refuses chunks of documents it does not know (removed ones)', () => {
		expect(compileAllow(new Map([['d', doc]]), undefined, null, {})('gone#0')).toBe(false);
	});
});

describe('rerank truncation', () => {
	it('is reported by the pipeline with the pool size when the reranker counts it', async () => {
		const { p } = ports(['a#0', 'b#0'], ['b#0', 'c#0']);
		const counting: RetrievalPorts = {
			...p,
			rerank: async (_q, passages) => ({ scores: passages.map(() => 0.5), truncatedPairs: 2, queryTruncated: false, maxTokens: 512 })
		};
		const out = await retrieve('q', params('hybrid-rerank'), counting);
		expect(out.rerank).toEqual({ pairs: 3, truncatedPairs: 2, queryTruncated: false, maxTokens: 512 });
		expect((await retrieve('q', params('hybrid'), counting)).rerank).toBeNull();
		expect((await retrieve('q', params('hybrid-rerank'), p)).rerank).toEqual({
			pairs: 3,
			truncatedPairs: 0,
			queryTruncated: false,
			maxTokens: null
		});
	});

	it('reads as "N of M passages truncated to fit L tokens" in the explain view, and is silent when nothing was cut', () => {
		expect(describeRerankTruncation({ pairs: 20, truncatedPairs: 3, queryTruncated: false, maxTokens: 512 })).toBe(
			'3 of 20 passages truncated to fit 512 tokens'
		);
		expect(describeRerankTruncation({ pairs: 1, truncatedPairs: 1, queryTruncated: true, maxTokens: null })).toBe(
			'1 of 1 passage truncated to fit the model; the query was cut too'
		);
		expect(describeRerankTruncation({ pairs: 20, truncatedPairs: 0, queryTruncated: false, maxTokens: 512 })).toBeNull();
		expect(describeRerankTruncation(null)).toBeNull();
	});
});
