import type { ChunkRecord, DocumentRecord } from '../ingest/types.ts';
import { documentIdOf } from '../shared/identity.ts';
import { sourceKeyOf } from './semantic.ts';

/**
 * Chunk records the library worker read recently, so a search does not go back to IndexedDB
 * for chunks it showed moments ago (Chromium's IndexedDB read of ten chunks costs milliseconds,
 * the BM25 search itself a fraction of one). Least recently used first out, bounded by the
 * characters of chunk text held (default 4,000,000 ≈ 8 MB of UTF-16).
 *
 * Self-invalidating: each entry remembers its document's source key (content hash + chunking
 * hash, {@link sourceKeyOf}); a lookup against a document whose key differs — re-imported with
 * new content, re-chunked, or removed — is a miss and drops the entry. No change hook is
 * needed, so changes made by other tabs are covered as soon as this tab's index knows them.
 */
export class ChunkCache {
	private readonly entries = new Map<string, { readonly key: string; readonly chunk: ChunkRecord }>();
	private chars = 0;

	/** @param maxChars budget of chunk text held, ≥ 0 (0 disables the cache). */
	constructor(private readonly maxChars = 4_000_000) {}

	/** Entries held (for tests and the status). */
	get size(): number {
		return this.entries.size;
	}

	/**
	 * The chunks `ids`, in order (`undefined` for an unknown id or a document not in
	 * `documents`), from the cache where valid and from `read` (one call, for the misses only).
	 */
	async getMany(
		ids: readonly string[],
		documents: ReadonlyMap<string, DocumentRecord>,
		read: (ids: readonly string[]) => Promise<readonly (ChunkRecord | undefined)[]>
	): Promise<(ChunkRecord | undefined)[]> {
		const out: (ChunkRecord | undefined)[] = new Array(ids.length);
		const missing: number[] = [];
		ids.forEach((id, i) => {
			const doc = documents.get(documentIdOf(id));
			const entry = this.entries.get(id);
			if (entry && doc && entry.key === sourceKeyOf(doc)) {
				this.entries.delete(id); // re-insert: most recently used last
				this.entries.set(id, entry);
				out[i] = entry.chunk;
			} else {
				if (entry) this.drop(id);
				missing.push(i);
			}
		});
		if (missing.length === 0) return out;
		const fetched = await read(missing.map((i) => ids[i]!));
		missing.forEach((i, j) => {
			const chunk = fetched[j];
			out[i] = chunk;
			const doc = chunk ? documents.get(chunk.documentId) : undefined;
			if (chunk && doc) this.put(chunk, sourceKeyOf(doc));
		});
		return out;
	}

	private put(chunk: ChunkRecord, key: string): void {
		if (chunk.text.length > this.maxChars) return;
		this.drop(chunk.id);
		this.entries.set(chunk.id, { key, chunk });
		this.chars += chunk.text.length;
		for (const [id] of this.entries) {
			if (this.chars <= this.maxChars) break;
			this.drop(id);
		}
	}

	private drop(id: string): void {
		const entry = this.entries.get(id);
		if (!entry) return;
		this.entries.delete(id);
		this.chars -= entry.chunk.text.length;
	}
}
