import type { AppConfig } from '../config/schema.ts';
import { chunkStructured, chunkingConfigHash, overlapShortfalls, type ChunkLimits, type StructuredText } from '../chunking/index.ts';
import { chunkFormatFor } from '../ingest/media-types.ts';
import type { ImportSource, PreparedFailure } from '../ingest/prepare.ts';
import { prepareDocument, type PreparedParsed } from '../ingest/prepare-document.ts';
import type { ParseService } from '../ingest/parsers/types.ts';
import { isSearchable, type ChunkRecord, type DocumentRecord, type DocumentStatus } from '../ingest/types.ts';
import { AssayError, toErrorData } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { withSpan } from '../tracing/tracer.ts';
import type { Span, Tracer } from '../tracing/types.ts';
import type { TextChunk } from '../chunking/types.ts';
import type { AssayStore } from '../storage/index.ts';
import type { ImportItemResult } from './library-api.ts';
import type { WorkspaceIndex } from './workspace-index.ts';
import { chunkId } from '../shared/identity.ts';

/** What one import step needs. */
export interface ImportContext {
	readonly store: AssayStore;
	readonly index: WorkspaceIndex;
	readonly config: AppConfig;
	readonly tracer: Tracer;
	readonly parent: Span;
	/** Runs the format parsers (in a terminable worker in the browser). */
	readonly parser: ParseService;
	/** Decode text with this encoding instead of detecting it (re-decode on the user's choice). */
	readonly forcedEncoding?: string;
	/** Read the file as plain text whatever its type (the user's "Read as text"). */
	readonly asText?: boolean;
	/** Monotonic clock for the per-file budget `ingest.fileTimeoutMs`, milliseconds. Default `performance.now`; tests inject a fake. */
	readonly clock?: () => number;
}

/**
 * The time budget of one file (`ingest.fileTimeoutMs`), checked between the stages and as each
 * chunk is made and indexed, so a file that is slow anywhere in its pipeline fails alone.
 */
class FileBudget {
	private readonly deadline: number;

	constructor(
		private readonly name: string,
		private readonly budgetMs: number,
		private readonly now: () => number
	) {
		this.deadline = now() + budgetMs;
	}

	/** Milliseconds left (≥ 1, so a parse always gets a valid budget; the next check fails it). */
	remainingMs(): number {
		return Math.max(1, Math.floor(this.deadline - this.now()));
	}

	/** @throws AssayError `FILE_IMPORT_TIMEOUT` once the deadline has passed; `stage` names where. */
	check(stage: string): void {
		if (this.now() <= this.deadline) return;
		throw new AssayError(
			'FILE_IMPORT_TIMEOUT',
			`Importing “${this.name}” took longer than its budget of ${this.budgetMs} ms (ingest.fileTimeoutMs); it was stopped while ${stage}.`,
			{
				details: { fileTimeoutMs: this.budgetMs, stage }
			}
		);
	}
}

/** Errors that fail one file after it was parsed (its limits), leaving nothing of it stored or indexed. */
function isFileLimitError(error: unknown): error is AssayError {
	return error instanceof AssayError && (error.code === 'FILE_IMPORT_TIMEOUT' || error.code === 'DOCUMENT_TOO_MANY_CHUNKS');
}

/**
 * Import one file into a workspace: read and decode, detect a duplicate (same content hash)
 * or an unchanged re-import (same path, same hash), chunk, then store the document, its text
 * and chunks in one transaction before adding them to the in-memory index. A file that
 * replaces an earlier one at the same path removes the old document in that transaction.
 * Per-file problems become a `failed`/`unsupported` result; only storage errors (quota…)
 * are thrown, because they concern every file after this one too.
 *
 * Limits, so one file never stalls the files after it: chunking stops at chunk
 * `ingest.maxChunksPerDocument + 1` (`DOCUMENT_TOO_MANY_CHUNKS`), and the whole pipeline (read,
 * parse, chunk, store, index) runs against `ingest.fileTimeoutMs`, checked between stages and
 * per chunk (`FILE_IMPORT_TIMEOUT`; the parse itself gets what is left, at most
 * `parseTimeoutMs`). Either way the file is stored as `failed` with the reason, nothing of its
 * chunks stays stored or indexed, and a document it was replacing is gone (as for any failed
 * re-import).
 */
export async function importOne(ctx: ImportContext, source: ImportSource): Promise<ImportItemResult> {
	const now = ctx.clock ?? (() => performance.now());
	const started = now();
	const ingest = ctx.config.ingest;
	const budget = new FileBudget(source.name, ingest.fileTimeoutMs, now);
	return withSpan(
		ctx.tracer,
		'import.file',
		{ parent: ctx.parent, attributes: { 'assay.file.path': source.relativePath, 'assay.file.size_bytes': source.sizeBytes } },
		async (span) => {
			const parseBudget = { ...ingest, parseTimeoutMs: Math.min(ingest.parseTimeoutMs, budget.remainingMs()) };
			const prepared = await prepareDocument(source, parseBudget, ctx.parser, {
				...(ctx.forcedEncoding ? { forcedEncoding: ctx.forcedEncoding } : {}),
				...(ctx.asText ? { asText: true } : {})
			});
			const previous = await ctx.store.documents.findByPath(ctx.index.workspaceId, source.relativePath);
			const base = { relativePath: source.relativePath, name: source.name };
			const finish = (r: Omit<ImportItemResult, 'durationMs' | 'relativePath' | 'name'>): ImportItemResult => {
				span.setAttribute('assay.import.outcome', r.outcome);
				if (r.status) span.setAttribute('assay.document.status', r.status);
				if (r.error) span.setError(`${r.error.code}: ${r.error.message}`);
				return { ...base, ...r, durationMs: now() - started };
			};
			if (prepared.kind === 'parsed') span.setAttributes({ 'assay.parse.format': prepared.format, 'assay.parse.ms': prepared.parseMs });
			if (prepared.kind !== 'parsed' || prepared.parsed.needsOcr) {
				const status: DocumentStatus = prepared.kind === 'parsed' ? 'needs-ocr' : prepared.kind;
				const doc = documentRecord(ctx, source, prepared, { status, chunkCount: 0, charCount: 0 });
				// An unsupported file that looks like text keeps its bytes for "Read as text".
				const { generation } = await ctx.store.documents.saveFailed(
					doc,
					previous?.id,
					prepared.kind !== 'parsed' && prepared.readableAsText ? prepared.bytes : undefined
				);
				if (previous) ctx.index.removeDocument(previous.id);
				ctx.index.noteWrite(generation);
				const outcome = status === 'needs-ocr' ? 'needs-ocr' : (status as 'failed' | 'unsupported');
				return finish({ outcome, status, documentId: doc.id, ...(doc.error ? { error: doc.error } : {}) });
			}
			const status: DocumentStatus = prepared.parsed.warnings.length > 0 ? 'ready-with-warnings' : 'ready';
			const warnings = prepared.parsed.warnings;
			if (!ctx.forcedEncoding && !ctx.asText && previous?.contentHash === prepared.contentHash && isSearchable(previous.status)) {
				return finish({ outcome: 'unchanged', status: previous.status, documentId: previous.id, chunkCount: previous.chunkCount });
			}
			const twin = (await ctx.store.documents.findByHash(ctx.index.workspaceId, prepared.contentHash)).find(
				(d) => d.id !== previous?.id && isSearchable(d.status)
			);
			if (twin) return finish({ outcome: 'duplicate', documentId: twin.id, duplicateOf: twin.relativePath });

			const structure = structureOf(prepared);
			let storedId: string | undefined;
			try {
				budget.check('parsing');
				const limits = { maxChunks: ingest.maxChunksPerDocument, onChunk: () => budget.check('chunking') };
				const chunks = chunkTraced(ctx.tracer, span, { text: prepared.parsed.text, ...structure }, ctx.config, limits);
				const short = overlapShortfalls(chunks, ctx.config.chunking.chunkOverlapChars);
				const doc = documentRecord(ctx, source, prepared, {
					status,
					chunkCount: chunks.length,
					charCount: prepared.parsed.text.length,
					chunkingConfigHash: await chunkingConfigHash(ctx.config.chunking),
					...(short > 0 ? { overlapShortfalls: short } : {})
				});
				const records = toChunkRecords(doc, chunks);
				// The raw bytes stay with the text only while the encoding is uncertain (the user may re-decode).
				const rawBytes = prepared.parsed.encodingCandidates ? { rawBytes: prepared.bytes } : {};
				budget.check('chunking');
				const { generation } = await ctx.store.documents.save({
					document: doc,
					text: prepared.parsed.text,
					structure,
					...rawBytes,
					chunks: records,
					...(previous ? { replaceDocumentId: previous.id } : {})
				});
				storedId = doc.id;
				budget.check('storing');
				await withSpan(ctx.tracer, 'indexing', { parent: span, attributes: { 'assay.chunks': records.length } }, () => {
					if (previous) ctx.index.removeDocument(previous.id);
					ctx.index.addDocument(doc, records, () => budget.check('indexing'));
				});
				ctx.index.noteWrite(generation);
				return finish({
					outcome: previous ? 'replaced' : 'added',
					status,
					documentId: doc.id,
					chunkCount: records.length,
					...(warnings.length > 0 ? { warnings } : {}),
					...(short > 0 ? { overlapShortfalls: short } : {})
				});
			} catch (error) {
				if (!isFileLimitError(error)) throw error;
				// The file fails alone, and nothing of it stays: a stored copy is replaced by the failed record.
				const reason =
					error.code === 'DOCUMENT_TOO_MANY_CHUNKS'
						? new AssayError(error.code, `“${source.name}”: ${error.message}`, error.details ? { details: error.details } : {})
						: error;
				const failed = documentRecord(ctx, source, prepared, { status: 'failed', chunkCount: 0, charCount: 0, error: toErrorData(reason) });
				const { generation } = await ctx.store.documents.saveFailed(failed, storedId ?? previous?.id);
				if (previous) ctx.index.removeDocument(previous.id);
				// After a stored-then-failed file the generation moved twice: the index syncs on next use.
				ctx.index.noteWrite(generation);
				return finish({ outcome: 'failed', status: 'failed', documentId: failed.id, error: toErrorData(reason) });
			}
		}
	);
}

/** The parts of a parsed document the chunker needs besides the text (stored for re-chunking). */
function structureOf(prepared: PreparedParsed): Omit<StructuredText, 'text'> {
	const p = prepared.parsed;
	return {
		layout: p.layout,
		...(p.sections ? { sections: p.sections } : {}),
		...(p.units ? { units: p.units } : {}),
		...(p.repeatedHeader !== undefined ? { repeatedHeader: p.repeatedHeader } : {})
	};
}

/** Chunk a document's text inside a `chunking` span (see `chunkStructured` for `limits`). */
function chunkTraced(tracer: Tracer, parent: Span, doc: StructuredText, config: AppConfig, limits: ChunkLimits = {}): TextChunk[] {
	const span = tracer.startSpan('chunking', {
		parent,
		attributes: {
			'assay.chunking.size_chars': config.chunking.chunkSizeChars,
			'assay.chunking.overlap_chars': config.chunking.chunkOverlapChars
		}
	});
	try {
		const out = chunkStructured(doc, config.chunking, limits);
		span.setAttribute('assay.chunks', out.length);
		return out;
	} finally {
		span.end();
	}
}

function toChunkRecords(doc: DocumentRecord, chunks: readonly TextChunk[]): ChunkRecord[] {
	return chunks.map((c) => ({
		id: chunkId(doc.id, c.ordinal),
		workspaceId: doc.workspaceId,
		documentId: doc.id,
		ordinal: c.ordinal,
		text: c.text,
		startOffset: c.startOffset,
		endOffset: c.endOffset,
		headingPath: c.headingPath,
		...(c.pageStart !== undefined ? { pageStart: c.pageStart, pageEnd: c.pageEnd ?? c.pageStart } : {})
	}));
}

/**
 * Re-chunk every ready document of a workspace from its stored text with `config.chunking`
 * (each document rewritten in its own transaction, keeping its id). The caller rebuilds the
 * index afterwards. Returns the number of documents re-chunked.
 */
export async function rechunkWorkspace(
	store: AssayStore,
	workspaceId: string,
	config: AppConfig,
	tracer: Tracer,
	parent: Span
): Promise<number> {
	const hash = await chunkingConfigHash(config.chunking);
	let count = 0;
	for (const doc of await store.documents.listByWorkspace(workspaceId)) {
		if (!isSearchable(doc.status) || doc.chunkingConfigHash === hash) continue;
		const stored = await store.documents.textRecord(doc.id);
		if (stored === undefined) continue;
		// Documents stored before parsers existed have no structure: plain text or Markdown by media type.
		const structure = stored.structure ?? { layout: chunkFormatFor(doc.mediaType) };
		const chunks = chunkTraced(tracer, parent, { text: stored.text, ...structure }, config);
		const { overlapShortfalls: _old, ...rest } = doc;
		const short = overlapShortfalls(chunks, config.chunking.chunkOverlapChars);
		const updated: DocumentRecord = {
			...rest,
			chunkCount: chunks.length,
			chunkingConfigHash: hash,
			...(short > 0 ? { overlapShortfalls: short } : {})
		};
		await store.documents.save({ document: updated, text: stored.text, structure, chunks: toChunkRecords(updated, chunks) });
		count++;
	}
	return count;
}

function documentRecord(
	ctx: ImportContext,
	source: ImportSource,
	prepared: PreparedParsed | PreparedFailure,
	fields: Pick<DocumentRecord, 'status' | 'chunkCount' | 'charCount'> & {
		chunkingConfigHash?: string;
		overlapShortfalls?: number;
		error?: DocumentRecord['error'];
	}
): DocumentRecord {
	const p = prepared.kind === 'parsed' ? prepared.parsed : null;
	const { error, ...rest } = fields;
	return {
		id: newId('doc'),
		workspaceId: ctx.index.workspaceId,
		name: source.name,
		relativePath: source.relativePath,
		mediaType: prepared.mediaType,
		sizeBytes: source.sizeBytes,
		contentHash: prepared.contentHash,
		...rest,
		...(prepared.kind === 'parsed' ? { parseMs: prepared.parseMs } : { error: toErrorData(prepared.error) }),
		...(error ? { error } : {}),
		...(p?.encoding ? { encoding: p.encoding } : {}),
		...(p?.encodingCandidates ? { encodingCandidates: p.encodingCandidates } : {}),
		...(p && p.warnings.length > 0 ? { warnings: p.warnings } : {}),
		...(p?.language ? { language: p.language } : {}),
		...(typeof p?.metadata['pageCount'] === 'number' ? { pageCount: p.metadata['pageCount'] } : {}),
		importedAtMs: Date.now(),
		tags: []
	};
}

/** True for errors that stop the whole import (storage full, database gone), not one file. */
export function isFatalImportError(error: unknown): boolean {
	return error instanceof AssayError && error.code.startsWith('STORAGE_');
}
