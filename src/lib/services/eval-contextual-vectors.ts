import { embeddingModelKey, runInBatches, type Embedder, type EmbeddingModelSpec } from '../embedding/index.ts';
import { ExactVectorIndex } from '../search/vector/index.ts';
import { AssayError } from '../shared/errors.ts';
import { canonicalJson, sha256Text } from '../shared/hash.ts';
import { z } from '../shared/zod.ts';

/**
 * Vectors of contextual chunks (`context + "\n\n" + chunk`, see `contextualText`) for dense
 * evaluations: the workspace's stored vectors are of the original chunks, so a contextual
 * configuration embeds its own passages with the workspace's embedding model (in the model
 * worker) and keeps them in the global `responseCache` store, one record per chunk and text.
 */

/** Where contextual vectors are kept: the app's `responseCache` store (`ResponseCacheRepository`) or memory. Values are validated when read. */
export interface VectorCache {
	/** The values stored under `keys`, in order (`undefined` when missing). */
	getMany(keys: readonly string[]): Promise<unknown[]>;
	/** Store every pair; `storedAtMs` is epoch ms. */
	putMany(entries: readonly (readonly [string, unknown])[], storedAtMs: number): Promise<void>;
}

/** What {@link contextualVectorsFor} built and did. */
export interface ContextualVectors {
	/** One unit vector per chunk (exact index); `null` for an empty corpus. */
	readonly index: ExactVectorIndex | null;
	/** Passages embedded in this run. */
	readonly embedded: number;
	/** Passages read from the cache (no embedding call). */
	readonly cached: number;
	/** Backends that computed the vectors (this run's and the cached ones'), sorted, distinct. */
	readonly backends: readonly string[];
}

const CachedVector = z.object({ vector: z.instanceof(Float32Array), backend: z.string() });

/**
 * The cache key of one contextual passage's vector: `ctxvec:` + SHA-256 hex of canonical JSON of
 * the embedding model key (`embeddingModelKey`: model id, dtype, pooling, passage prefix), the
 * chunk id and the SHA-256 of the text embedded — so a new context, a changed chunk or another
 * model gets a new vector.
 */
export async function contextualVectorKey(spec: EmbeddingModelSpec, chunkId: string, text: string): Promise<string> {
	const identity = { kind: 'assay.contextual-vector', modelKey: embeddingModelKey(spec), chunkId, textHash: await sha256Text(text) };
	return `ctxvec:${await sha256Text(canonicalJson(identity))}`;
}

/** Options of {@link contextualVectorsFor}. */
export interface ContextualVectorOptions {
	/** Passages per embedding call; default 32. */
	readonly batchSize?: number;
	/** Checked between batches. */
	readonly isCancelled?: () => boolean;
	/** `(done, total)` in passages, cached ones included. */
	readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Embed `texts` (chunk id → the text to index, e.g. `contextualText(context, chunk)`) as passages
 * with `spec`, reading each vector from `cache` first and storing each new batch there as soon as
 * it is embedded (an interrupted run resumes: what was embedded is not embedded again), and put
 * all of them in one exact vector index, in `texts`' order. A cached value that is not a
 * `Float32Array` of the embedder's length is embedded again.
 * @throws AssayError `DATASET_INVALID` when `isCancelled` turns true (between batches), and the
 *   embedder's errors (`MODEL_LOAD_FAILED`, `WORKER_FAILED`).
 */
export async function contextualVectorsFor(
	embedder: Embedder,
	spec: EmbeddingModelSpec,
	cache: VectorCache,
	texts: ReadonlyMap<string, string>,
	options: ContextualVectorOptions = {}
): Promise<ContextualVectors> {
	const ids = [...texts.keys()];
	const keys = await Promise.all(ids.map((id) => contextualVectorKey(spec, id, texts.get(id)!)));
	const stored = await cache.getMany(keys);
	const vectors = new Map<string, Float32Array>();
	const backends = new Set<string>();
	const missing: number[] = [];
	for (const [i, id] of ids.entries()) {
		const hit = CachedVector.safeParse(stored[i]);
		if (hit.success) {
			vectors.set(id, hit.data.vector);
			backends.add(hit.data.backend);
		} else missing.push(i);
	}
	let done = ids.length - missing.length;
	options.onProgress?.(done, ids.length);
	let dims = 0;
	const embed = (positions: readonly number[]) =>
		runInBatches(
			positions,
			async (batch) => {
				if (options.isCancelled?.())
					throw new AssayError('DATASET_INVALID', 'The evaluation was cancelled while embedding the contextual chunks.');
				const result = await embedder.embed(
					spec,
					batch.map((i) => texts.get(ids[i]!)!),
					'passage'
				);
				dims = result.dims;
				backends.add(result.backend);
				const entries = batch.map((i, j) => {
					vectors.set(ids[i]!, result.vectors[j]!);
					return [keys[i]!, { vector: result.vectors[j]!, backend: result.backend }] as const;
				});
				await cache.putMany(entries, Date.now());
				done += batch.length;
				options.onProgress?.(done, ids.length);
			},
			{ batchSize: options.batchSize ?? 32 }
		);
	await embed(missing);
	// A cached vector of another length than the embedder's (a model replaced under the same id) is embedded again.
	const stale = dims > 0 ? ids.flatMap((id, i) => (vectors.get(id)!.length !== dims ? [i] : [])) : [];
	await embed(stale);
	dims ||= vectors.get(ids[0] ?? '')?.length ?? 0;
	const mixed = ids.some((id) => vectors.get(id)!.length !== dims);
	if (mixed)
		throw new AssayError(
			'EMBEDDINGS_MISSING',
			'The stored contextual vectors have different lengths: clear the response cache and run again.'
		);
	const index = dims > 0 ? new ExactVectorIndex(dims) : null;
	index?.add(ids.map((id) => ({ id, vector: vectors.get(id)! })));
	return {
		index,
		embedded: missing.length + stale.length,
		cached: ids.length - missing.length - stale.length,
		backends: [...backends].sort()
	};
}
