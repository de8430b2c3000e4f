import { chunkDocument } from '../chunking/index.ts';
import { parseChunkingConfig, type ChunkingConfigInput } from '../config/schema.ts';
import { chunkFormatFor } from '../ingest/media-types.ts';
import { contextCacheKey, type ContextualChunk, type ContextualConfig } from '../search/contextual/index.ts';
import { chunkId } from '../shared/identity.ts';
import { z } from '../shared/zod.ts';
import type { LibraryInternals } from './library.ts';

/**
 * The chunks an evaluation with `chunking` indexes, as chunks to contextualise (the same
 * chunker over the same stored texts as the in-memory index of `lexicalIndexFor`, so the ids
 * match): each with its document's name as the title, its heading path, the document text and
 * its offset. Ready documents only, in the store's order. `input` is a retrieval configuration's
 * chunking (defaults filled).
 * @throws AssayError `CONFIG_INVALID` for a chunking the schema refuses.
 */
export async function contextualChunksFor(
	internals: LibraryInternals,
	workspaceId: string,
	input: ChunkingConfigInput
): Promise<ContextualChunk[]> {
	const chunking = parseChunkingConfig(input);
	const store = await internals.store();
	const out: ContextualChunk[] = [];
	for (const doc of (await store.documents.listByWorkspace(workspaceId)).filter((d) => d.status === 'ready')) {
		const text = await store.documents.text(doc.id);
		if (text === undefined) continue;
		for (const c of chunkDocument(text, chunkFormatFor(doc.mediaType), chunking))
			out.push({
				id: chunkId(doc.id, c.ordinal),
				documentTitle: doc.name,
				sectionPath: c.headingPath,
				documentText: text,
				chunkStart: c.startOffset,
				chunkText: c.text
			});
	}
	return out;
}

/** Values of stored contexts, as `contextualizeChunks` writes them. */
const StoredContext = z.object({ context: z.string().min(1) });

/**
 * The contexts `modelId` wrote earlier for `chunks` under `config`, read from the global
 * `responseCache` store only (no model call): chunk id → context, for the chunks that have one.
 * A chunk whose context failed in a run was never stored, so it is absent here as it was
 * indexed without one; a context written later (or a cache cleared since) makes this differ from
 * that run.
 */
export async function storedContextsFor(
	internals: LibraryInternals,
	modelId: string,
	config: ContextualConfig,
	chunks: readonly ContextualChunk[]
): Promise<Record<string, string>> {
	const store = await internals.store();
	const keys = await Promise.all(chunks.map((c) => contextCacheKey(modelId, config, c)));
	const values = await store.responseCache.getMany(keys);
	const out: Record<string, string> = {};
	for (const [i, chunk] of chunks.entries()) {
		const hit = StoredContext.safeParse(values[i]);
		if (hit.success) out[chunk.id] = hit.data.context;
	}
	return out;
}
