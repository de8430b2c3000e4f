import type { AppConfig } from '../config/schema.ts';
import { chunkDocument, chunkingConfigHash } from '../chunking/index.ts';
import { chunkFormatFor } from '../ingest/media-types.ts';
import { prepareText, type ImportSource, type PreparedFailure, type PreparedText } from '../ingest/prepare.ts';
import type { ChunkRecord, DocumentRecord } from '../ingest/types.ts';
import { AssayError, toErrorData } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { withSpan } from '../tracing/tracer.ts';
import type { Span, Tracer } from '../tracing/types.ts';
import type { TextChunk } from '../chunking/types.ts';
import type { AssayStore } from '../storage/index.ts';
import type { ImportItemResult } from './library-api.ts';
import type { WorkspaceIndex } from './workspace-index.ts';

/** What one import step needs. */
export interface ImportContext {
	readonly store: AssayStore;
	readonly index: WorkspaceIndex;
	readonly config: AppConfig;
	readonly tracer: Tracer;
	readonly parent: Span;
}

/**
 * Import one file into a workspace: read and decode, detect a duplicate (same content hash)
 * or an unchanged re-import (same path, same hash), chunk, then store the document, its text
 * and chunks in one transaction before adding them to the in-memory index. A file that
 * replaces an earlier one at the same path removes the old document in that transaction.
 * Per-file problems become a `failed`/`unsupported` result; only storage errors (quota…)
 * are thrown, because they concern every file after this one too.
 */
export async function importOne(ctx: ImportContext, source: ImportSource): Promise<ImportItemResult> {
	const started = performance.now();
	return withSpan(ctx.tracer, 'import.file', { parent: ctx.parent, attributes: { 'assay.file.path': source.relativePath, 'assay.file.size_bytes': source.sizeBytes } }, async (span) => {
		const prepared = await prepareText(source, ctx.config.ingest);
		const previous = await ctx.store.documents.findByPath(ctx.index.workspaceId, source.relativePath);
		const base = { relativePath: source.relativePath, name: source.name };
		const finish = (r: Omit<ImportItemResult, 'durationMs' | 'relativePath' | 'name'>): ImportItemResult => {
			span.setAttribute('assay.import.outcome', r.outcome);
			if (r.error) span.setError(`${r.error.code}: ${r.error.message}`);
			return { ...base, ...r, durationMs: performance.now() - started };
		};
		if (prepared.kind !== 'text') {
			const doc = documentRecord(ctx, source, prepared, { status: prepared.kind, chunkCount: 0, charCount: 0 });
			await ctx.store.documents.saveFailed(doc, previous?.id);
			if (previous) ctx.index.removeDocument(previous.id);
			return finish({ outcome: prepared.kind, documentId: doc.id, error: toErrorData(prepared.error) });
		}
		if (previous?.contentHash === prepared.contentHash && previous.status === 'ready') {
			return finish({ outcome: 'unchanged', documentId: previous.id, chunkCount: previous.chunkCount });
		}
		const twin = (await ctx.store.documents.findByHash(ctx.index.workspaceId, prepared.contentHash)).find((d) => d.id !== previous?.id && d.status === 'ready');
		if (twin) return finish({ outcome: 'duplicate', documentId: twin.id, duplicateOf: twin.relativePath });

		const chunks = chunkTraced(ctx.tracer, span, prepared.text, prepared.mediaType, ctx.config);
		const doc = documentRecord(ctx, source, prepared, { status: 'ready', chunkCount: chunks.length, charCount: prepared.text.length, chunkingConfigHash: await chunkingConfigHash(ctx.config.chunking) });
		const records = toChunkRecords(doc, chunks);
		await ctx.store.documents.save({ document: doc, text: prepared.text, chunks: records, ...(previous ? { replaceDocumentId: previous.id } : {}) });
		await withSpan(ctx.tracer, 'indexing', { parent: span, attributes: { 'assay.chunks': records.length } }, () => {
			if (previous) ctx.index.removeDocument(previous.id);
			ctx.index.addDocument(doc, records);
		});
		return finish({ outcome: previous ? 'replaced' : 'added', documentId: doc.id, chunkCount: records.length });
	});
}

/** Chunk a document's text inside a `chunking` span. */
function chunkTraced(tracer: Tracer, parent: Span, text: string, mediaType: string, config: AppConfig): TextChunk[] {
	const span = tracer.startSpan('chunking', { parent, attributes: { 'assay.chunking.size_chars': config.chunking.chunkSizeChars, 'assay.chunking.overlap_chars': config.chunking.chunkOverlapChars } });
	try {
		const out = chunkDocument(text, chunkFormatFor(mediaType), config.chunking);
		span.setAttribute('assay.chunks', out.length);
		return out;
	} finally {
		span.end();
	}
}

function toChunkRecords(doc: DocumentRecord, chunks: readonly TextChunk[]): ChunkRecord[] {
	return chunks.map((c) => ({ id: `${doc.id}#${c.ordinal}`, workspaceId: doc.workspaceId, documentId: doc.id, ordinal: c.ordinal, text: c.text, startOffset: c.startOffset, endOffset: c.endOffset, headingPath: c.headingPath }));
}

/**
 * Re-chunk every ready document of a workspace from its stored text with `config.chunking`
 * (each document rewritten in its own transaction, keeping its id). The caller rebuilds the
 * index afterwards. Returns the number of documents re-chunked.
 */
export async function rechunkWorkspace(store: AssayStore, workspaceId: string, config: AppConfig, tracer: Tracer, parent: Span): Promise<number> {
	const hash = await chunkingConfigHash(config.chunking);
	let count = 0;
	for (const doc of await store.documents.listByWorkspace(workspaceId)) {
		if (doc.status !== 'ready' || doc.chunkingConfigHash === hash) continue;
		const text = await store.documents.text(doc.id);
		if (text === undefined) continue;
		const chunks = chunkTraced(tracer, parent, text, doc.mediaType, config);
		const updated: DocumentRecord = { ...doc, chunkCount: chunks.length, chunkingConfigHash: hash };
		await store.documents.save({ document: updated, text, chunks: toChunkRecords(updated, chunks) });
		count++;
	}
	return count;
}

function documentRecord(
	ctx: ImportContext,
	source: ImportSource,
	prepared: PreparedText | PreparedFailure,
	fields: Pick<DocumentRecord, 'status' | 'chunkCount' | 'charCount'> & { chunkingConfigHash?: string }
): DocumentRecord {
	return {
		id: newId('doc'),
		workspaceId: ctx.index.workspaceId,
		name: source.name,
		relativePath: source.relativePath,
		mediaType: prepared.mediaType,
		sizeBytes: source.sizeBytes,
		contentHash: prepared.contentHash,
		...fields,
		...(prepared.kind === 'text' ? { encoding: prepared.encoding } : { error: toErrorData(prepared.error) }),
		importedAtMs: Date.now(),
		tags: []
	};
}

/** True for errors that stop the whole import (storage full, database gone), not one file. */
export function isFatalImportError(error: unknown): boolean {
	return error instanceof AssayError && error.code.startsWith('STORAGE_');
}
