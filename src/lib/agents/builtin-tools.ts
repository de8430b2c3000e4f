import { canonicalJson, fnv1a32Hex } from '../shared/hash.ts';
import type { RetrievalMode } from '../search/retrieval/types.ts';
import type { Tool, ToolDefinition, ToolResult } from './types.ts';

/**
 * Assay's built-in workspace tools for agents: search the workspace, read a chunk, read a
 * range of a document, list documents. Every tool is `read-only` with source `builtin`; its
 * `version` is {@link toolVersion} of its name, description and input schema, so a changed
 * description shows up in every recorded call. Arguments are snake_case, as models expect.
 *
 * The tools run over a {@link WorkspaceToolsPort}: the app implements it over the library
 * worker (`src/lib/app/agent-tools.ts`), the CLI over an in-memory BM25 index of a BEIR
 * dataset or an ingested folder (`src/cli/workspace-tools.ts`), and `assay mcp` serves the
 * same tools over MCP. Document ids the model sees and passes back are portable document
 * references (the BEIR `_id`, else the relative path), as golden sets and reports name them.
 */

/** A search as the tools ask the port for it. */
export interface WorkspaceSearchRequest {
	readonly query: string;
	/** Hits to return, 1–20. */
	readonly topK: number;
	/** One of the port's {@link WorkspaceToolsPort.modes}; absent = the port's first mode. */
	readonly mode?: RetrievalMode;
	/** Restrict hits to these documents (document references); absent/empty = all. */
	readonly documentRefs?: readonly string[];
	/** Restrict hits to documents having at least one of these tags; absent/empty = all. */
	readonly tags?: readonly string[];
	readonly signal?: AbortSignal;
}

/** One search hit: a chunk and its document. */
export interface WorkspaceHit {
	/** Portable document reference (BEIR `_id`, else relative path). */
	readonly documentRef: string;
	readonly title: string;
	readonly chunkId: string;
	/** Retrieval score (BM25, fused or reranked; higher is better). */
	readonly score: number;
	readonly text: string;
}

/** A chunk and where it sits in its document. */
export interface WorkspaceChunk {
	readonly chunkId: string;
	readonly documentRef: string;
	readonly title: string;
	/** 0-based position in the document. */
	readonly ordinal: number;
	readonly text: string;
	/** UTF-16 offsets of the chunk in the document text, `[start, end)`. */
	readonly startOffset: number;
	readonly endOffset: number;
	readonly headingPath: readonly string[];
	/** For PDFs: 1-based pages. */
	readonly pageStart?: number;
	readonly pageEnd?: number;
}

/** A document's whole text. */
export interface WorkspaceDocumentText {
	readonly documentRef: string;
	readonly title: string;
	readonly text: string;
	readonly chunkCount: number;
}

/** A document as listed. */
export interface WorkspaceDocumentSummary {
	readonly documentRef: string;
	readonly title: string;
	readonly chunkCount: number;
}

/**
 * What the built-in tools need of a workspace. The principal a run acts as (the workspace's
 * "Run as") is NOT an argument here and never a model argument: an implementation is built
 * with it and applies its access lists to every method, so a document the principal cannot
 * see is never searched, read or listed — `readChunk`/`readDocument` answer `null` for it,
 * exactly as for an id that does not exist (its existence is not revealed either).
 */
export interface WorkspaceToolsPort {
	/** Retrieval modes ready now, the default first (at least one; typically `['lexical']`). */
	readonly modes: readonly RetrievalMode[];
	/** Ranked hits, best first, at most `topK`. */
	search(request: WorkspaceSearchRequest): Promise<readonly WorkspaceHit[]>;
	/** The chunk with this id, or `null` when there is none the principal may see. */
	readChunk(chunkId: string, signal?: AbortSignal): Promise<WorkspaceChunk | null>;
	/** The document with this reference, or `null` when there is none the principal may see. */
	readDocument(documentRef: string, signal?: AbortSignal): Promise<WorkspaceDocumentText | null>;
	/** Documents the principal may see, in a stable order (the app: by reference; the CLI: corpus order, or path order for a folder). */
	listDocuments(signal?: AbortSignal): Promise<readonly WorkspaceDocumentSummary[]>;
}

/** Options of {@link builtinTools}. */
export interface BuiltinToolsOptions {
	/** Characters of each hit's text the model sees (search results), ≥ 1; default 800. */
	readonly maxHitChars?: number;
}

/** Names of the built-in tools, in the order {@link builtinTools} returns them. */
export const BUILTIN_TOOL_NAMES = ['search_documents', 'read_chunk', 'read_document', 'list_documents'] as const;
export type BuiltinToolName = (typeof BUILTIN_TOOL_NAMES)[number];

/** Limits of the tools' arguments. */
export const BUILTIN_LIMITS = {
	/** `search_documents.top_k`: 1–20, default 5. */
	maxTopK: 20,
	defaultTopK: 5,
	/** `read_document.length`: 1–4000 characters, default 2000. */
	maxReadChars: 4000,
	defaultReadChars: 2000,
	/** `list_documents.limit`: 1–100, default 20. */
	maxListLimit: 100,
	defaultListLimit: 20
} as const;

const DEFAULT_MAX_HIT_CHARS = 800;

/**
 * A tool's version: FNV-1a (32-bit, hex) of the canonical JSON of `{name, description,
 * inputSchema}` — the same text always gives the same 8 characters.
 */
export function toolVersion(definition: Pick<ToolDefinition, 'name' | 'description' | 'inputSchema'>): string {
	return fnv1a32Hex(canonicalJson({ name: definition.name, description: definition.description, inputSchema: definition.inputSchema }));
}

/**
 * JSON Schemas of each built-in tool's `structured` result (MCP `outputSchema`), by name.
 * `search_documents` → `{hits: [{rank, id, chunk_id, title, score, text}]}` where `id` is the
 * document reference (BEIR `_id`).
 */
export const BUILTIN_OUTPUT_SCHEMAS: Readonly<Record<BuiltinToolName, Readonly<Record<string, unknown>>>> = {
	search_documents: {
		type: 'object',
		properties: {
			hits: {
				type: 'array',
				items: {
					type: 'object',
					properties: {
						rank: { type: 'integer' },
						id: { type: 'string' },
						chunk_id: { type: 'string' },
						title: { type: 'string' },
						score: { type: 'number' },
						text: { type: 'string' }
					},
					required: ['rank', 'id', 'chunk_id', 'title', 'score', 'text']
				}
			}
		},
		required: ['hits']
	},
	read_chunk: {
		type: 'object',
		properties: {
			chunk_id: { type: 'string' },
			id: { type: 'string' },
			title: { type: 'string' },
			ordinal: { type: 'integer' },
			start_offset: { type: 'integer' },
			end_offset: { type: 'integer' },
			heading_path: { type: 'array', items: { type: 'string' } },
			text: { type: 'string' }
		},
		required: ['chunk_id', 'id', 'title', 'ordinal', 'start_offset', 'end_offset', 'heading_path', 'text']
	},
	read_document: {
		type: 'object',
		properties: {
			id: { type: 'string' },
			title: { type: 'string' },
			start: { type: 'integer' },
			end: { type: 'integer' },
			total_chars: { type: 'integer' },
			text: { type: 'string' }
		},
		required: ['id', 'title', 'start', 'end', 'total_chars', 'text']
	},
	list_documents: {
		type: 'object',
		properties: {
			total: { type: 'integer' },
			offset: { type: 'integer' },
			documents: {
				type: 'array',
				items: {
					type: 'object',
					properties: { id: { type: 'string' }, title: { type: 'string' }, chunk_count: { type: 'integer' } },
					required: ['id', 'title', 'chunk_count']
				}
			}
		},
		required: ['total', 'offset', 'documents']
	}
};

/**
 * The built-in workspace tools over `port`, in {@link BUILTIN_TOOL_NAMES} order:
 *
 * - `search_documents {query, top_k? (1–20, default 5), mode? (only when the port has more
 *   than one), document_ids?, tags?}` → numbered hits `[1] <id> — <title> (chunk <chunk_id>,
 *   score 1.234)` each followed by the chunk text cut to `maxHitChars`; structured `{hits}`.
 * - `read_chunk {chunk_id}` → the chunk's text and where it sits.
 * - `read_document {document_id, start? (≥ 0, default 0), length? (1–4000, default 2000)}` → a
 *   range of the document's text, saying how to read on.
 * - `list_documents {limit? (1–100, default 20), offset? (default 0)}` → ids, titles, chunk counts.
 *
 * An id that does not exist (or that the port's principal may not see) gives an `isError`
 * result saying so, never a throw; the loop validates arguments against the schemas before a
 * tool runs, and each tool checks them again (an `isError` result), for callers such as the
 * MCP server that call tools directly. Port failures are thrown (the loop records them as
 * `tool_error`).
 */
export function builtinTools(port: WorkspaceToolsPort, options: BuiltinToolsOptions = {}): Tool[] {
	if (port.modes.length === 0) throw new TypeError('WorkspaceToolsPort.modes must name at least one retrieval mode');
	const maxHitChars = Math.max(1, Math.floor(options.maxHitChars ?? DEFAULT_MAX_HIT_CHARS));
	return [searchTool(port, maxHitChars), readChunkTool(port), readDocumentTool(port), listDocumentsTool(port)];
}

function define(name: BuiltinToolName, description: string, inputSchema: Record<string, unknown>): ToolDefinition {
	return {
		name,
		description,
		inputSchema,
		version: toolVersion({ name, description, inputSchema }),
		effect: 'read-only',
		source: { kind: 'builtin' }
	};
}

/** Arguments failed the tool's own check: an error result the model can act on. */
class ArgumentError extends Error {}

function errorResult(message: string): ToolResult {
	return { content: message, isError: true };
}

async function guarded(run: () => Promise<ToolResult>): Promise<ToolResult> {
	try {
		return await run();
	} catch (error) {
		if (error instanceof ArgumentError) return errorResult(error.message);
		throw error;
	}
}

function knownKeys(args: Readonly<Record<string, unknown>>, schema: Record<string, unknown>): void {
	const allowed = Object.keys((schema['properties'] as Record<string, unknown>) ?? {});
	const extra = Object.keys(args).filter((k) => !allowed.includes(k));
	if (extra.length > 0)
		throw new ArgumentError(`Unknown argument(s) ${extra.map((k) => `"${k}"`).join(', ')}; allowed: ${allowed.join(', ')}.`);
}

function stringArg(args: Readonly<Record<string, unknown>>, key: string): string {
	const v = args[key];
	if (typeof v !== 'string' || v.trim() === '') throw new ArgumentError(`"${key}" must be a non-empty string.`);
	return v;
}

function intArg(args: Readonly<Record<string, unknown>>, key: string, min: number, max: number, fallback: number): number {
	const v = args[key];
	if (v === undefined) return fallback;
	if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
		throw new ArgumentError(`"${key}" must be an integer from ${min} to ${max}, received ${JSON.stringify(v)}.`);
	}
	return v;
}

function stringListArg(args: Readonly<Record<string, unknown>>, key: string): string[] | undefined {
	const v = args[key];
	if (v === undefined) return undefined;
	if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new ArgumentError(`"${key}" must be an array of strings.`);
	return v as string[];
}

function cut(text: string, max: number): string {
	return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** A score with 3 decimals, or 4 under 0.1 (fused RRF scores are ~0.016). */
function formatScore(score: number): string {
	return score.toFixed(Math.abs(score) < 0.1 ? 4 : 3);
}

function searchTool(port: WorkspaceToolsPort, maxHitChars: number): Tool {
	const properties: Record<string, unknown> = {
		query: { type: 'string', minLength: 1, description: 'What to look for, in words (keywords or a question).' },
		top_k: {
			type: 'integer',
			minimum: 1,
			maximum: BUILTIN_LIMITS.maxTopK,
			default: BUILTIN_LIMITS.defaultTopK,
			description: `How many hits to return (1–${BUILTIN_LIMITS.maxTopK}, default ${BUILTIN_LIMITS.defaultTopK}).`
		}
	};
	if (port.modes.length > 1) {
		properties['mode'] = {
			type: 'string',
			enum: [...port.modes],
			description: `Retrieval mode (default ${port.modes[0]}): lexical = BM25 keywords; dense = embeddings; hybrid = both fused; hybrid-rerank = hybrid then a cross-encoder.`
		};
	}
	properties['document_ids'] = {
		type: 'array',
		items: { type: 'string' },
		description: 'Only search these documents (ids as returned by this tool or list_documents).'
	};
	properties['tags'] = {
		type: 'array',
		items: { type: 'string' },
		description: 'Only search documents having at least one of these tags.'
	};
	const schema = { type: 'object', properties, required: ['query'], additionalProperties: false };
	const definition = define(
		'search_documents',
		'Search the workspace documents. Returns the best-matching passages (chunks), each with its document id, title, chunk_id and score. Use read_chunk or read_document to read more around a hit, and cite documents by their id.',
		schema
	);
	return {
		definition,
		run: (args, context) =>
			guarded(async () => {
				knownKeys(args, schema);
				const query = stringArg(args, 'query');
				const topK = intArg(args, 'top_k', 1, BUILTIN_LIMITS.maxTopK, BUILTIN_LIMITS.defaultTopK);
				const mode = args['mode'];
				if (mode !== undefined && !port.modes.includes(mode as RetrievalMode)) {
					throw new ArgumentError(`"mode" must be one of ${port.modes.join(', ')}, received ${JSON.stringify(mode)}.`);
				}
				const documentRefs = stringListArg(args, 'document_ids');
				const tags = stringListArg(args, 'tags');
				const hits = (
					await port.search({
						query,
						topK,
						...(mode !== undefined ? { mode: mode as RetrievalMode } : {}),
						...(documentRefs && documentRefs.length > 0 ? { documentRefs } : {}),
						...(tags && tags.length > 0 ? { tags } : {}),
						signal: context.signal
					})
				).slice(0, topK);
				const rows = hits.map((h, i) => ({
					rank: i + 1,
					id: h.documentRef,
					chunk_id: h.chunkId,
					title: h.title,
					score: h.score,
					text: cut(h.text, maxHitChars)
				}));
				const content =
					rows.length === 0
						? `No passages matched "${query}".`
						: rows
								.map(
									(r) => `[${r.rank}] ${r.id} — ${r.title || '(untitled)'} (chunk ${r.chunk_id}, score ${formatScore(r.score)})\n${r.text}`
								)
								.join('\n\n');
				return { content, structured: { hits: rows }, documentRefs: unique(rows.map((r) => r.id)) };
			})
	};
}

function readChunkTool(port: WorkspaceToolsPort): Tool {
	const schema = {
		type: 'object',
		properties: { chunk_id: { type: 'string', minLength: 1, description: 'A chunk_id from search_documents.' } },
		required: ['chunk_id'],
		additionalProperties: false
	};
	const definition = define(
		'read_chunk',
		'Read one passage (chunk) in full by its chunk_id, with the document it belongs to and where it sits.',
		schema
	);
	return {
		definition,
		run: (args, context) =>
			guarded(async () => {
				knownKeys(args, schema);
				const id = stringArg(args, 'chunk_id');
				const chunk = await port.readChunk(id, context.signal);
				if (!chunk) return errorResult(`No chunk with chunk_id "${id}". Use a chunk_id returned by search_documents.`);
				const where = [
					`characters ${chunk.startOffset}–${chunk.endOffset}`,
					...(chunk.pageStart !== undefined
						? [chunk.pageStart === chunk.pageEnd ? `page ${chunk.pageStart}` : `pages ${chunk.pageStart}–${chunk.pageEnd}`]
						: []),
					...(chunk.headingPath.length > 0 ? [`section ${chunk.headingPath.join(' > ')}`] : [])
				].join(', ');
				return {
					content: `Chunk ${chunk.chunkId} (#${chunk.ordinal}) of ${chunk.documentRef} — ${chunk.title || '(untitled)'} (${where})\n${chunk.text}`,
					structured: {
						chunk_id: chunk.chunkId,
						id: chunk.documentRef,
						title: chunk.title,
						ordinal: chunk.ordinal,
						start_offset: chunk.startOffset,
						end_offset: chunk.endOffset,
						heading_path: [...chunk.headingPath],
						text: chunk.text
					},
					documentRefs: [chunk.documentRef]
				};
			})
	};
}

function readDocumentTool(port: WorkspaceToolsPort): Tool {
	const L = BUILTIN_LIMITS;
	const schema = {
		type: 'object',
		properties: {
			document_id: { type: 'string', minLength: 1, description: 'A document id from search_documents or list_documents.' },
			start: { type: 'integer', minimum: 0, default: 0, description: 'First character to read (0-based, default 0).' },
			length: {
				type: 'integer',
				minimum: 1,
				maximum: L.maxReadChars,
				default: L.defaultReadChars,
				description: `Characters to read (1–${L.maxReadChars}, default ${L.defaultReadChars}).`
			}
		},
		required: ['document_id'],
		additionalProperties: false
	};
	const definition = define(
		'read_document',
		'Read a range of a document’s text by its id: start and length in characters. The reply says how to read on.',
		schema
	);
	return {
		definition,
		run: (args, context) =>
			guarded(async () => {
				knownKeys(args, schema);
				const ref = stringArg(args, 'document_id');
				const start = intArg(args, 'start', 0, Number.MAX_SAFE_INTEGER, 0);
				const length = intArg(args, 'length', 1, L.maxReadChars, L.defaultReadChars);
				const doc = await port.readDocument(ref, context.signal);
				if (!doc) return errorResult(`No document with id "${ref}". Use an id returned by search_documents or list_documents.`);
				const total = doc.text.length;
				if (start > total || (start === total && total > 0)) {
					return errorResult(`start ${start} is past the end of ${doc.documentRef} (${total} characters).`);
				}
				const end = Math.min(total, start + length);
				const text = doc.text.slice(start, end);
				const more = end < total ? `\n[${total - end} more characters: call read_document with start=${end}]` : '\n[end of document]';
				return {
					content: `${doc.documentRef} — ${doc.title || '(untitled)'}, characters ${start}–${end} of ${total}\n${text}${more}`,
					structured: { id: doc.documentRef, title: doc.title, start, end, total_chars: total, text },
					documentRefs: [doc.documentRef]
				};
			})
	};
}

function listDocumentsTool(port: WorkspaceToolsPort): Tool {
	const L = BUILTIN_LIMITS;
	const schema = {
		type: 'object',
		properties: {
			limit: {
				type: 'integer',
				minimum: 1,
				maximum: L.maxListLimit,
				default: L.defaultListLimit,
				description: `Documents to list (1–${L.maxListLimit}, default ${L.defaultListLimit}).`
			},
			offset: { type: 'integer', minimum: 0, default: 0, description: 'Documents to skip (default 0), to page through the list.' }
		},
		additionalProperties: false
	};
	const definition = define('list_documents', 'List the workspace documents (id, title, number of chunks), a page at a time.', schema);
	return {
		definition,
		run: (args, context) =>
			guarded(async () => {
				knownKeys(args, schema);
				const limit = intArg(args, 'limit', 1, L.maxListLimit, L.defaultListLimit);
				const offset = intArg(args, 'offset', 0, Number.MAX_SAFE_INTEGER, 0);
				const all = await port.listDocuments(context.signal);
				const page = all.slice(offset, offset + limit);
				const head =
					page.length === 0
						? `No documents at offset ${offset} (${all.length} in all).`
						: `Documents ${offset + 1}–${offset + page.length} of ${all.length}:`;
				const lines = page.map(
					(d) => `${d.documentRef} — ${d.title || '(untitled)'} (${d.chunkCount} ${d.chunkCount === 1 ? 'chunk' : 'chunks'})`
				);
				const next = offset + page.length < all.length ? [`[more: call list_documents with offset=${offset + page.length}]`] : [];
				return {
					content: [head, ...lines, ...next].join('\n'),
					structured: {
						total: all.length,
						offset,
						documents: page.map((d) => ({ id: d.documentRef, title: d.title, chunk_count: d.chunkCount }))
					}
				};
			})
	};
}

function unique(values: readonly string[]): string[] {
	return [...new Set(values)];
}
