import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Embedder, EmbeddingModelSpec, EmbedResult } from '../../../src/lib/embedding/index.ts';
import { contextualVectorKey, contextualVectorsFor, type VectorCache } from '../../../src/lib/services/eval-contextual-vectors.ts';
import { chunkId } from '../../../src/lib/shared/identity.ts';

const SPEC: EmbeddingModelSpec = {
	modelId: 'static-embed',
	dtype: 'fp32',
	device: 'wasm',
	source: { kind: 'local' },
	pooling: 'mean',
	queryPrefix: '',
	passagePrefix: ''
};

/** A 2-d embedder: a text's vector points at (1, 0) when it mentions "dog", else at (0, 1). Records every call's texts. */
class TwoWayEmbedder implements Embedder {
	readonly calls: string[][] = [];
	async embed(_spec: EmbeddingModelSpec, texts: readonly string[]): Promise<EmbedResult> {
		this.calls.push([...texts]);
		const vectors = texts.map((t) => Float32Array.from(t.includes('dog') ? [1, 0] : [0, 1]));
		return { vectors, dims: 2, modelId: SPEC.modelId, dtype: SPEC.dtype, backend: 'wasm' };
	}
}

/** A cache in memory that counts writes. */
class MemoryVectorCache implements VectorCache {
	readonly values = new Map<string, unknown>();
	writes = 0;
	async getMany(keys: readonly string[]): Promise<unknown[]> {
		return keys.map((k) => this.values.get(k));
	}
	async putMany(entries: readonly (readonly [string, unknown])[]): Promise<void> {
		this.writes++;
		for (const [k, v] of entries) this.values.set(k, v);
	}
}

const A = chunkId('doc-a', 0);
const B = chunkId('doc-b', 0);
const C = chunkId('doc-c', 0);
const TEXTS = new Map([
	[A, 'A note about a pet dog.\n\nthe puppy barked'],
	[B, 'our kitten purrs'],
	[C, 'soup with garlic']
]);

describe('contextual passage vectors', () => {
	it('keys a vector by SHA-256 of canonical JSON of the model key, the chunk id and the SHA-256 of the text', async () => {
		const sha = (s: string) => createHash('sha256').update(s).digest('hex');
		const json = `{"chunkId":${JSON.stringify(A)},"kind":"assay.contextual-vector","modelKey":"static-embed|fp32|mean|","textHash":"${sha('dog text')}"}`;
		expect(await contextualVectorKey(SPEC, A, 'dog text')).toBe(`ctxvec:${sha(json)}`);
		const others = [
			await contextualVectorKey(SPEC, A, 'dog text!'),
			await contextualVectorKey(SPEC, B, 'dog text'),
			await contextualVectorKey({ ...SPEC, dtype: 'q8' }, A, 'dog text'),
			await contextualVectorKey({ ...SPEC, passagePrefix: 'passage: ' }, A, 'dog text')
		];
		expect(new Set([await contextualVectorKey(SPEC, A, 'dog text'), ...others]).size).toBe(5);
	});

	it('embeds every text as a passage in batches, searches them in an exact index, and a second run over the same cache embeds nothing', async () => {
		const embedder = new TwoWayEmbedder();
		const cache = new MemoryVectorCache();
		const first = await contextualVectorsFor(embedder, SPEC, cache, TEXTS, { batchSize: 2 });
		expect(embedder.calls).toEqual([[TEXTS.get(A), TEXTS.get(B)], [TEXTS.get(C)]]);
		expect(first).toMatchObject({ embedded: 3, cached: 0, backends: ['wasm'] });
		expect(first.index!.search(Float32Array.from([1, 0]), 1)).toEqual([{ id: A, similarity: 1 }]);
		expect(cache.values.size).toBe(3);

		const again = new TwoWayEmbedder();
		const second = await contextualVectorsFor(again, SPEC, cache, TEXTS, { batchSize: 2 });
		expect(again.calls).toEqual([]);
		expect(second).toMatchObject({ embedded: 0, cached: 3, backends: ['wasm'] });
		expect(second.index!.search(Float32Array.from([1, 0]), 1)).toEqual([{ id: A, similarity: 1 }]);
	});

	it('embeds again only the chunk whose text changed (a new context), and reports progress in passages with the cached ones done', async () => {
		const cache = new MemoryVectorCache();
		await contextualVectorsFor(new TwoWayEmbedder(), SPEC, cache, TEXTS);
		const changed = new Map(TEXTS).set(B, 'A note about a dog.\n\nour kitten purrs');
		const embedder = new TwoWayEmbedder();
		const progress: [number, number][] = [];
		const run = await contextualVectorsFor(embedder, SPEC, cache, changed, { onProgress: (d, t) => progress.push([d, t]) });
		expect(embedder.calls).toEqual([[changed.get(B)]]);
		expect(run).toMatchObject({ embedded: 1, cached: 2 });
		expect(progress).toEqual([
			[2, 3],
			[3, 3]
		]);
		expect(run.index!.search(Float32Array.from([1, 0]), 3).map((h) => h.id)).toEqual([A, B, C]);
	});

	it('stops between batches when cancelled, keeping what it embedded, so the next run embeds only the rest', async () => {
		const cache = new MemoryVectorCache();
		let batches = 0;
		const embedder = new TwoWayEmbedder();
		const counting: Embedder = { embed: (s, t) => (batches++, embedder.embed(s, t)) };
		await expect(
			contextualVectorsFor(counting, SPEC, cache, TEXTS, { batchSize: 2, isCancelled: () => batches >= 1 })
		).rejects.toMatchObject({ code: 'DATASET_INVALID' });
		expect(cache.values.size).toBe(2);
		const rest = new TwoWayEmbedder();
		const resumed = await contextualVectorsFor(rest, SPEC, cache, TEXTS, { batchSize: 2 });
		expect(rest.calls).toEqual([[TEXTS.get(C)]]);
		expect(resumed).toMatchObject({ embedded: 1, cached: 2 });
	});

	it('embeds again a cached value that is not a vector, and one of another length than the embedder gives', async () => {
		const cache = new MemoryVectorCache();
		cache.values.set(await contextualVectorKey(SPEC, A, TEXTS.get(A)!), { vector: [1, 0], backend: 'wasm' });
		cache.values.set(await contextualVectorKey(SPEC, B, TEXTS.get(B)!), { vector: Float32Array.from([0, 0, 1]), backend: 'webgpu' });
		const embedder = new TwoWayEmbedder();
		const run = await contextualVectorsFor(embedder, SPEC, cache, TEXTS);
		expect(embedder.calls).toEqual([[TEXTS.get(A), TEXTS.get(C)], [TEXTS.get(B)]]);
		expect(run).toMatchObject({ embedded: 3, cached: 0 });
		expect(run.index!.dims).toBe(2);
	});
});
