/**
 * Builders shared by the storage integration tests (not a test file).
 * Importing this module installs fake-indexeddb's IDB* classes as globals, which idb needs for
 * its `instanceof` checks; each test still opens its own fresh `IDBFactory`.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import type { ChunkRecord, DocumentRecord, WorkspaceRecord } from '../../../src/lib/ingest/types.ts';
import { openAssayDb } from '../../../src/lib/storage/index.ts';
import type { AssayStore, OpenAssayDbOptions } from '../../../src/lib/storage/index.ts';
import type { SpanRecord } from '../../../src/lib/tracing/types.ts';

/** A fresh in-memory IndexedDB factory. */
export function freshFactory(): IDBFactory {
	return new IDBFactory();
}

/** Open a store on a fresh factory (or the given one). */
export async function openTestStore(options: OpenAssayDbOptions = {}): Promise<{ store: AssayStore; factory: IDBFactory }> {
	const factory = options.idbFactory ?? freshFactory();
	const store = await openAssayDb({ ...options, idbFactory: factory });
	return { store, factory };
}

/** A workspace record. */
export function workspace(id: string, createdAtMs = 1): WorkspaceRecord {
	return { id, name: `Workspace ${id}`, createdAtMs, config: { chunking: { maxTokens: 256 } } };
}

/** A ready document; override any field. */
export function document(id: string, overrides: Partial<DocumentRecord> = {}): DocumentRecord {
	return {
		id,
		workspaceId: 'ws1',
		name: `${id}.md`,
		relativePath: `docs/${id}.md`,
		mediaType: 'text/markdown',
		sizeBytes: 100,
		contentHash: `hash-${id}`,
		status: 'ready',
		encoding: 'utf-8',
		charCount: 30,
		chunkCount: 3,
		importedAtMs: 1_700_000_000_000,
		tags: [],
		...overrides
	};
}

/** `count` chunks of `doc`, ids `${doc.id}#${ordinal}`. */
export function chunksOf(doc: DocumentRecord, count: number): ChunkRecord[] {
	return Array.from({ length: count }, (_, ordinal) => ({
		id: `${doc.id}#${ordinal}`,
		workspaceId: doc.workspaceId,
		documentId: doc.id,
		ordinal,
		text: `chunk ${ordinal} of ${doc.id}`,
		startOffset: ordinal * 10,
		endOffset: ordinal * 10 + 10,
		headingPath: ['Intro']
	}));
}

/** A finished span. */
export function span(spanId: string, traceId: string, startTimeMs: number, name = 'search'): SpanRecord {
	return {
		traceId,
		spanId,
		parentSpanId: null,
		name,
		startTimeMs,
		endTimeMs: startTimeMs + 5,
		durationMs: 5,
		status: 'ok',
		attributes: { 'assay.k': 10 },
		events: []
	};
}
