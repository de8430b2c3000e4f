import type { ChunkRecord, DocumentRecord } from '../ingest/types.ts';
import { documentIdOf } from '../shared/identity.ts';
import { sourceKeyOf } from './semantic.ts';

/**
 * Chunk records the library worker read recently, so a search does not go back to IndexedDB
 * for chunks it showed moments ago (Chromium's IndexedDB read of ten chunks costs milliseconds,
 * the BM25 search itself a fraction of one). Least recently used first out, bounded by the
 * characters of chunk text held (default {@link defaultChunkCacheChars}).
 *
 * Filled two ways: by the searches' own reads, and by {@link warmChunkCache}, which reads an
 * opened workspace's chunks in the background while the budget allows — the counterpart of
 * the operating system's page cache under a search engine's stored fields: at 50,000 chunks
 * the hits' texts then come from memory, not from one IndexedDB transaction per query.
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
	constructor(readonly maxChars = defaultChunkCacheChars()) {}

	/** Entries held (for tests and the status). */
	get size(): number {
		return this.entries.size;
	}

	/** Characters of chunk text held, ≤ `maxChars`. */
	get heldChars(): number {
		return this.chars;
	}

	/**
	 * Add chunks read ahead of any search (see {@link warmChunkCache}) as the most recently used
	 * entries, never evicting (so a warm-up cannot push out what searches read): stops at the first chunk that does not fit the remaining
	 * budget. Chunks already held, or whose document is not in `documents`, are skipped.
	 * @returns whether every chunk was considered (false: the budget is full).
	 */
	fill(chunks: readonly ChunkRecord[], documents: ReadonlyMap<string, DocumentRecord>): boolean {
		for (const chunk of chunks) {
			if (this.entries.has(chunk.id)) continue;
			const doc = documents.get(chunk.documentId);
			if (!doc) continue;
			if (this.chars + chunk.text.length > this.maxChars) return false;
			this.entries.set(chunk.id, { key: sourceKeyOf(doc), chunk });
			this.chars += chunk.text.length;
		}
		return true;
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

/**
 * The default budget of {@link ChunkCache}, in characters of chunk text: 6,000,000 per GiB of
 * device memory (`navigator.deviceMemory`, which Chromium rounds and caps at 8), from 4,000,000
 * to 48,000,000; 32,000,000 when the browser does not say. V8 keeps Latin-1 text at one byte per
 * character and other text at two, so 32M characters cost 32–64 MB: about 70,000 chunks of
 * SciFact abstracts (≈ 445 characters per chunk).
 */
export function defaultChunkCacheChars(deviceMemoryGiB = deviceMemory()): number {
	if (deviceMemoryGiB === undefined || !Number.isFinite(deviceMemoryGiB) || deviceMemoryGiB <= 0) return 32_000_000;
	return Math.min(48_000_000, Math.max(4_000_000, Math.round(deviceMemoryGiB * 6_000_000)));
}

function deviceMemory(): number | undefined {
	const nav = (globalThis as { navigator?: { deviceMemory?: unknown } }).navigator;
	return typeof nav?.deviceMemory === 'number' ? nav.deviceMemory : undefined;
}

/** What one {@link warmChunkCache} pass did. */
export interface WarmReport {
	/** Documents whose chunks were read. */
	readonly documents: number;
	/** Chunks added to the cache. */
	readonly chunks: number;
	/** How it ended: every document read, the budget full, or stopped by `shouldStop`. */
	readonly outcome: 'complete' | 'budget' | 'stopped';
}

/**
 * Read the chunks of `documents` into `cache` in batches of `batchDocuments` documents (one
 * `readBatch` call each, e.g. one IndexedDB transaction), yielding (`pause`) between batches so
 * a search arriving meanwhile waits for at most one batch. Stops when the budget is full or
 * `shouldStop()` is true (checked before each batch: the workspace was closed or changed).
 * Errors from `readBatch` propagate; what was added stays valid (entries self-invalidate).
 */
export async function warmChunkCache(
	cache: ChunkCache,
	documents: ReadonlyMap<string, DocumentRecord>,
	readBatch: (documentIds: readonly string[]) => Promise<readonly ChunkRecord[]>,
	options: { batchDocuments?: number; pause?: () => Promise<void>; shouldStop?: () => boolean } = {}
): Promise<WarmReport> {
	const batch = Math.max(1, options.batchDocuments ?? 100);
	const pause = options.pause ?? (() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
	const ids = [...documents.keys()];
	let read = 0;
	const before = cache.size;
	for (let i = 0; i < ids.length; i += batch) {
		if (options.shouldStop?.()) return { documents: read, chunks: cache.size - before, outcome: 'stopped' };
		if (cache.heldChars >= cache.maxChars) return { documents: read, chunks: cache.size - before, outcome: 'budget' };
		const slice = ids.slice(i, i + batch);
		const chunks = await readBatch(slice);
		read += slice.length;
		if (!cache.fill(chunks, documents)) return { documents: read, chunks: cache.size - before, outcome: 'budget' };
		await pause();
	}
	return { documents: read, chunks: cache.size - before, outcome: 'complete' };
}

/** The chunk cache as seen from the page (`LibraryApi.chunkCacheStatus`). */
export interface ChunkCacheStatus {
	/** Chunks held, all workspaces. */
	readonly chunks: number;
	/** Characters of chunk text held, and the budget. */
	readonly chars: number;
	readonly maxChars: number;
	/** This workspace's background read: not started, running, or how it ended. */
	readonly warm: 'idle' | 'running' | WarmReport['outcome'];
	/** Documents and chunks read by the last finished pass, when there was one. */
	readonly warmedDocuments?: number;
	readonly warmedChunks?: number;
}

/**
 * Runs {@link warmChunkCache} for one workspace at a time: opening another stops the running
 * pass; a workspace is warmed once per load of its index ({@link stop} forgets it, so the next
 * open warms again). Failures are kept in the status as `stopped`, never thrown.
 */
export class ChunkCacheWarmer {
	private readonly runs = new Map<string, { stop: boolean; report: WarmReport | null }>();

	constructor(
		private readonly cache: ChunkCache,
		private readonly readBatch: (documentIds: readonly string[]) => Promise<readonly ChunkRecord[]>
	) {}

	/** Start warming `workspaceId` unless it is running or done; resolves when this pass ends. */
	start(workspaceId: string, documents: ReadonlyMap<string, DocumentRecord>): Promise<void> {
		if (this.runs.has(workspaceId) || this.cache.maxChars === 0) return Promise.resolve();
		for (const [id, run] of this.runs) if (run.report === null && id !== workspaceId) this.stop(id);
		const run = { stop: false, report: null as WarmReport | null };
		this.runs.set(workspaceId, run);
		return warmChunkCache(this.cache, documents, this.readBatch, { shouldStop: () => run.stop }).then(
			(report) => void (run.report = report),
			() => void (run.report = { documents: 0, chunks: 0, outcome: 'stopped' })
		);
	}

	/** Stop and forget `workspaceId`'s pass (index reloaded, workspace deleted or left). */
	stop(workspaceId: string): void {
		const run = this.runs.get(workspaceId);
		if (run) run.stop = true;
		this.runs.delete(workspaceId);
	}

	/** The cache's size and `workspaceId`'s warm state. */
	status(workspaceId: string): ChunkCacheStatus {
		const run = this.runs.get(workspaceId);
		const base = { chunks: this.cache.size, chars: this.cache.heldChars, maxChars: this.cache.maxChars };
		if (!run) return { ...base, warm: 'idle' };
		if (!run.report) return { ...base, warm: 'running' };
		return { ...base, warm: run.report.outcome, warmedDocuments: run.report.documents, warmedChunks: run.report.chunks };
	}
}
