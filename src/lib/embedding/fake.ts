import { l2Normalize } from '../search/vector/normalize.ts';
import type { EmbedResult, Embedder, EmbeddingModelSpec, TextKind } from './types.ts';

/**
 * A deterministic fake embedder for tests: each lower-cased word adds a pseudo-random ±1
 * vector (FNV-1a seeded) to a bag; the sum is L2-normalised. Texts that share words are
 * similar; texts that share none are close to orthogonal. Backend `fake`.
 */
export class FakeEmbedder implements Embedder {
	/** @param dims vector length (default 32). */
	constructor(private readonly dims = 32) {}

	async embed(spec: EmbeddingModelSpec, texts: readonly string[], kind: TextKind): Promise<EmbedResult> {
		const prefix = kind === 'query' ? spec.queryPrefix : spec.passagePrefix;
		const vectors = texts.map((t) => this.vector(prefix + t));
		return { vectors, dims: this.dims, modelId: spec.modelId, dtype: spec.dtype, backend: 'fake' };
	}

	private vector(text: string): Float32Array {
		const v = new Float32Array(this.dims);
		for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
			let h = 0x811c9dc5;
			for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
			for (let d = 0; d < this.dims; d++) {
				h = Math.imul(h ^ (h >>> 13), 0x5bd1e995);
				v[d]! += h & 1 ? 1 : -1;
			}
		}
		return l2Normalize(v);
	}
}
