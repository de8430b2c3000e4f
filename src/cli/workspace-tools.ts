import { resolve, basename } from 'node:path';
import {
	builtinTools,
	type BuiltinToolsOptions,
	type WorkspaceChunk,
	type WorkspaceDocumentSummary,
	type WorkspaceHit,
	type WorkspaceSearchRequest,
	type WorkspaceToolsPort
} from '../lib/agents/builtin-tools.ts';
import type { Tool } from '../lib/agents/types.ts';
import { defaultAppConfig, parseAppConfig, type AnalyzerName, type AppConfig } from '../lib/config/schema.ts';
import type { BeirDocument } from '../lib/evals/index.ts';
import { Bm25Index } from '../lib/search/bm25/index.ts';
import { createAnalyzer } from '../lib/search/index.ts';
import { AssayError } from '../lib/shared/errors.ts';
import { chunkId, documentIdOf } from '../lib/shared/identity.ts';
import { loadBeirDataset } from './beir-files.ts';
import { ingestFile, listFiles, type FileReport, type IngestedChunk } from './ingest-command.ts';

/**
 * The CLI's {@link WorkspaceToolsPort}s: an in-memory BM25 index over a BEIR dataset folder or
 * over a folder of files parsed and chunked as `assay ingest` does. There is no principal on
 * the CLI (no access lists): the caller sees everything it could read from disk. Only the
 * `lexical` mode is offered.
 *
 * - **Dataset** (`--dataset DIR`): each corpus document is one item indexed as
 *   `"<title> <text>"` with the app's BM25 defaults — exactly what `assay bm25` does with its
 *   defaults (`--chunking none`), so `search_documents` top-k ids equal `assay bm25`'s run.
 *   Document id = BEIR `_id`; its one chunk is `<_id>#0`.
 * - **Folder** (`--folder DIR`): files are chunked as `assay ingest` (the app's chunking
 *   defaults) and each chunk is indexed; hits are chunks. Document id = the path
 *   `<folder name>/<relative path>`, chunk ids `<path>#<ordinal>`.
 */

/** BM25 settings of a CLI port; defaults are the app's (`defaultAppConfig().bm25`). */
export interface CliIndexOptions {
	readonly k1?: number;
	readonly b?: number;
	readonly analyzer?: AnalyzerName;
}

/** A CLI port plus what it holds, for messages. */
export interface CliWorkspace {
	readonly port: WorkspaceToolsPort;
	/** e.g. `dataset cranfield (1400 documents)`. */
	readonly description: string;
	readonly documentCount: number;
	readonly itemCount: number;
	/** Folder mode: how each file fared (failed, unsupported, …). */
	readonly files?: readonly FileReport[];
}

interface StoredDocument {
	readonly ref: string;
	readonly title: string;
	readonly text: string;
	readonly tags: readonly string[];
	readonly chunks: readonly WorkspaceChunk[];
}

/** A port over documents already chunked; `documentLevel` ranks documents by their best chunk. */
function memoryPort(documents: readonly StoredDocument[], index: Bm25Index, documentLevel: boolean): WorkspaceToolsPort {
	const byRef = new Map(documents.map((d) => [d.ref, d]));
	const chunks = new Map(documents.flatMap((d) => d.chunks.map((c) => [c.chunkId, c] as const)));
	return {
		modes: ['lexical'],
		async search(request: WorkspaceSearchRequest): Promise<readonly WorkspaceHit[]> {
			if (request.mode !== undefined && request.mode !== 'lexical') {
				throw new AssayError('SEARCH_MODE_UNAVAILABLE', `The CLI index offers only lexical search, not ${request.mode}.`);
			}
			const refs = request.documentRefs && request.documentRefs.length > 0 ? new Set(request.documentRefs) : null;
			const tags = request.tags && request.tags.length > 0 ? request.tags : null;
			const filter =
				refs || tags
					? (id: string) => {
							const ref = documentLevel ? id : documentIdOf(id);
							if (refs && !refs.has(ref)) return false;
							return !tags || tags.some((t) => byRef.get(ref)?.tags.includes(t));
						}
					: undefined;
			const hits = index.search(request.query, { topK: request.topK, ...(filter ? { filter } : {}) });
			return hits.map((h) => {
				const chunk = documentLevel ? chunks.get(chunkId(h.id, 0))! : chunks.get(h.id)!;
				const doc = byRef.get(chunk.documentRef)!;
				return { documentRef: doc.ref, title: doc.title, chunkId: chunk.chunkId, score: h.score, text: chunk.text };
			});
		},
		async readChunk(id: string): Promise<WorkspaceChunk | null> {
			return chunks.get(id) ?? null;
		},
		async readDocument(ref: string) {
			const doc = byRef.get(ref);
			return doc ? { documentRef: doc.ref, title: doc.title, text: doc.text, chunkCount: doc.chunks.length } : null;
		},
		async listDocuments(): Promise<readonly WorkspaceDocumentSummary[]> {
			return documents.map((d) => ({ documentRef: d.ref, title: d.title, chunkCount: d.chunks.length }));
		}
	};
}

function bm25(options: CliIndexOptions): Bm25Index {
	const defaults = defaultAppConfig().bm25;
	return new Bm25Index(
		{ k1: options.k1 ?? defaults.k1, b: options.b ?? defaults.b },
		createAnalyzer(options.analyzer ?? defaults.analyzer)
	);
}

/**
 * A port over a BEIR corpus, indexed as `assay bm25` does by default (see the module comment).
 * @throws AssayError `DATASET_INVALID` for a duplicate `_id`.
 */
export function beirWorkspace(corpus: readonly BeirDocument[], name: string, options: CliIndexOptions = {}): CliWorkspace {
	const index = bm25(options);
	const documents: StoredDocument[] = [];
	const seen = new Set<string>();
	for (const doc of corpus) {
		if (seen.has(doc.id))
			throw new AssayError('DATASET_INVALID', `Duplicate corpus _id "${doc.id}" in ${name}`, { details: { id: doc.id } });
		seen.add(doc.id);
		index.add(doc.id, `${doc.title} ${doc.text}`);
		const chunk: WorkspaceChunk = {
			chunkId: chunkId(doc.id, 0),
			documentRef: doc.id,
			title: doc.title,
			ordinal: 0,
			text: doc.text,
			startOffset: 0,
			endOffset: doc.text.length,
			headingPath: []
		};
		documents.push({ ref: doc.id, title: doc.title, text: doc.text, tags: [], chunks: [chunk] });
	}
	return {
		port: memoryPort(documents, index, true),
		description: `dataset ${name} (${documents.length} documents)`,
		documentCount: documents.length,
		itemCount: index.size
	};
}

/**
 * A port over the BEIR folder `dir` (corpus.jsonl[.gz]; queries and qrels are not needed but
 * must be readable when present, as `loadBeirDataset` reads them).
 * @throws AssayError `DATASET_INVALID` / `FILE_READ` as {@link loadBeirDataset}.
 */
export function datasetWorkspace(dir: string, options: CliIndexOptions = {}): CliWorkspace {
	const dataset = loadBeirDataset(dir);
	return beirWorkspace(dataset.corpus, dataset.name, options);
}

/**
 * A port over every file under `dir`, parsed and chunked as `assay ingest` does (the app's
 * configuration unless `config` is given). Files that fail or are unsupported are left out and
 * listed in `files`.
 * @throws UsageError when `dir` cannot be read.
 */
export async function folderWorkspace(dir: string, options: CliIndexOptions & { readonly config?: AppConfig } = {}): Promise<CliWorkspace> {
	const config = options.config ?? parseAppConfig(defaultAppConfig());
	const index = bm25(options);
	const files = await listFiles(resolve(dir), basename(resolve(dir)));
	const documents: StoredDocument[] = [];
	const reports: FileReport[] = [];
	for (const file of files) {
		const pieces: IngestedChunk[] = [];
		let text = '';
		reports.push(
			await ingestFile(
				file,
				config,
				false,
				(c) => pieces.push(c),
				(t) => (text = t)
			)
		);
		if (pieces.length === 0) continue;
		const title = file.path.split('/').pop() ?? file.path;
		const chunks = pieces.map((c): WorkspaceChunk => {
			index.add(c.id, c.text);
			return {
				chunkId: c.id,
				documentRef: file.path,
				title,
				ordinal: c.ordinal,
				text: c.text,
				startOffset: c.startOffset,
				endOffset: c.endOffset,
				headingPath: c.headingPath,
				...(c.pageStart !== undefined ? { pageStart: c.pageStart } : {}),
				...(c.pageEnd !== undefined ? { pageEnd: c.pageEnd } : {})
			};
		});
		documents.push({ ref: file.path, title, text, tags: [], chunks });
	}
	return {
		port: memoryPort(documents, index, false),
		description: `folder ${basename(resolve(dir))} (${documents.length} documents, ${index.size} chunks)`,
		documentCount: documents.length,
		itemCount: index.size,
		files: reports
	};
}

/** Where the CLI's workspace comes from: exactly one of a BEIR dataset folder or a folder of files. */
export type CliWorkspaceSource =
	{ readonly dataset: string; readonly folder?: undefined } | { readonly folder: string; readonly dataset?: undefined };

/**
 * The CLI workspace for `source` (for `assay mcp` and `assay eval` with `system.type: "agent"`).
 * @throws AssayError / UsageError as {@link datasetWorkspace} and {@link folderWorkspace}.
 */
export async function loadCliWorkspace(source: CliWorkspaceSource, options: CliIndexOptions = {}): Promise<CliWorkspace> {
	return source.dataset !== undefined ? datasetWorkspace(source.dataset, options) : folderWorkspace(source.folder, options);
}

/** The built-in agent tools over the CLI workspace for `source`. */
export async function cliBuiltinTools(
	source: CliWorkspaceSource,
	options: CliIndexOptions & BuiltinToolsOptions = {}
): Promise<{ tools: Tool[]; workspace: CliWorkspace }> {
	const workspace = await loadCliWorkspace(source, options);
	return { tools: builtinTools(workspace.port, options.maxHitChars !== undefined ? { maxHitChars: options.maxHitChars } : {}), workspace };
}
