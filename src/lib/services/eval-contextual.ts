import { chunkDocument } from '../chunking/index.ts';
import { parseChunkingConfig, type ChunkingConfigInput } from '../config/schema.ts';
import { chunkFormatFor } from '../ingest/media-types.ts';
import type { ContextualChunk } from '../search/contextual/index.ts';
import { chunkId } from '../shared/identity.ts';
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
