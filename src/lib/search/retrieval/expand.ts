import { z } from '../../shared/zod.ts';

/**
 * Parent-document retrieval: small chunks are matched, larger spans are returned.
 * - `none`: each hit is its own chunk (today's behaviour);
 * - `parent-section`: a hit becomes its parent section — the run of consecutive chunks of its
 *   document with the same heading path (`TextChunk.headingPath`; chunks never cross a section) —
 *   when that fits `maxTokens`; a longer section gives a window of neighbours inside it instead;
 * - `neighbours`: a hit becomes itself plus up to `windowChunks` chunks on each side (the whole
 *   document, across sections), grown one chunk at a time, after-side first, while the span fits `maxTokens`.
 */
export const EXPAND_MODES = ['none', 'parent-section', 'neighbours'] as const;

/** One of {@link EXPAND_MODES}. */
export type ExpandMode = (typeof EXPAND_MODES)[number];

/** How hits are expanded after ranking (see {@link EXPAND_MODES}). */
export const ExpandConfigSchema = z.object({
	/** Default `none` (today's behaviour). */
	mode: z.enum(EXPAND_MODES).default('none'),
	/** Token budget of one returned span (counted by the caller's tokenizer), 1–32 768, default 512. */
	maxTokens: z.number().int().min(1).max(32_768).default(512),
	/** Chunks on each side of the hit (`neighbours`; `parent-section` ignores it), 0–64, default 1. */
	windowChunks: z.number().int().min(0).max(64).default(1)
});

/** A validated expansion configuration. */
export type ExpandConfig = z.infer<typeof ExpandConfigSchema>;

/** Expansion that changes nothing: the default. */
export const NO_EXPANSION: ExpandConfig = { mode: 'none', maxTokens: 512, windowChunks: 1 };

/** Where a chunk lies in its document: UTF-16 offsets (`startOffset` inclusive, `endOffset` exclusive) and its heading path. */
export interface ChunkLocation {
	readonly ordinal: number;
	readonly startOffset: number;
	readonly endOffset: number;
	readonly headingPath: readonly string[];
}

/** A document as expansion needs it: its text and its chunks in ordinal order. */
export interface ExpandSource {
	readonly text: string;
	readonly chunks: readonly ChunkLocation[];
}

/**
 * What was returned for a hit: `parent-section` (the whole section), `neighbours` (a window of
 * chunks: the `neighbours` mode, or a section over budget), or `chunk` (expansion `none`, or
 * not even one neighbour fitted the budget).
 */
export type SpanKind = 'parent-section' | 'neighbours' | 'chunk';

/** One returned span: a contiguous part of a document's text. */
export interface ExpandedSpan {
	readonly documentId: string;
	/** UTF-16 offsets into the document text, `startOffset` inclusive, `endOffset` exclusive. */
	readonly startOffset: number;
	readonly endOffset: number;
	/** Tokens of `text` by the caller's `countTokens`. */
	readonly tokens: number;
	readonly kind: SpanKind;
	/** Ordinals of the first and last chunk the span covers. */
	readonly firstOrdinal: number;
	readonly lastOrdinal: number;
	/** `documentText.slice(startOffset, endOffset)`. */
	readonly text: string;
	/** Ids of the hits that collapsed into this span, best first (the first one placed it). */
	readonly hitIds: readonly string[];
}

/** Where a hit's chunk lies (`null` when unknown: the hit is dropped). */
export type LocateChunk = (id: string) => { documentId: string; ordinal: number } | null;

/**
 * The span one chunk expands to (see {@link EXPAND_MODES}). The hit chunk itself is always
 * returned, even when it alone is over `maxTokens` (its real token count is reported).
 * Sections are maximal runs of consecutive chunks with equal heading paths, so two adjacent
 * sections with the same path read as one.
 * @throws RangeError when `ordinal` is not among `source.chunks`.
 */
export function expandChunk(
	source: ExpandSource,
	ordinal: number,
	config: ExpandConfig,
	countTokens: (text: string) => number
): Omit<ExpandedSpan, 'documentId' | 'hitIds'> {
	const { chunks, text } = source;
	const at = chunks.findIndex((c) => c.ordinal === ordinal);
	if (at === -1) throw new RangeError(`No chunk with ordinal ${ordinal} in this document.`);
	const span = (a: number, b: number, kind: SpanKind) => {
		const slice = text.slice(chunks[a]!.startOffset, chunks[b]!.endOffset);
		return {
			startOffset: chunks[a]!.startOffset,
			endOffset: chunks[b]!.endOffset,
			tokens: countTokens(slice),
			kind,
			firstOrdinal: chunks[a]!.ordinal,
			lastOrdinal: chunks[b]!.ordinal,
			text: slice
		};
	};
	if (config.mode === 'none') return span(at, at, 'chunk');
	let lo = 0;
	let hi = chunks.length - 1;
	let window = config.windowChunks;
	if (config.mode === 'parent-section') {
		const path = chunks[at]!.headingPath.join('\u0000');
		lo = at;
		hi = at;
		while (lo > 0 && chunks[lo - 1]!.headingPath.join('\u0000') === path) lo--;
		while (hi < chunks.length - 1 && chunks[hi + 1]!.headingPath.join('\u0000') === path) hi++;
		const whole = span(lo, hi, 'parent-section');
		if (whole.tokens <= config.maxTokens) return whole;
		window = hi - lo;
	}
	let a = at;
	let b = at;
	let growAfter = true;
	let growBefore = true;
	for (let step = 0; step < window && (growAfter || growBefore); step++) {
		if (growAfter && b < hi && span(a, b + 1, 'neighbours').tokens <= config.maxTokens) b++;
		else growAfter = false;
		if (growBefore && a > lo && span(a - 1, b, 'neighbours').tokens <= config.maxTokens) a--;
		else growBefore = false;
	}
	return span(a, b, a === at && b === at ? 'chunk' : 'neighbours');
}

/**
 * Collapse ranked chunk hits (best first) to the spans they expand to: each hit is expanded
 * ({@link expandChunk}); a hit whose chunk lies inside a span already returned (same document,
 * ordinal within its first..last) joins that span instead — several chunks of one parent count
 * once, at the best rank. Hits that `locate` or `load` cannot place are dropped. Stops after `limit` spans.
 * @returns spans best first, at most `limit` (default: all).
 */
export async function expandHits(
	hits: readonly { readonly id: string }[],
	config: ExpandConfig,
	locate: LocateChunk,
	load: (documentId: string) => ExpandSource | undefined | Promise<ExpandSource | undefined>,
	countTokens: (text: string) => number,
	limit: number = Number.POSITIVE_INFINITY
): Promise<ExpandedSpan[]> {
	const out: (ExpandedSpan & { hitIds: string[] })[] = [];
	const sources = new Map<string, ExpandSource | undefined>();
	for (const hit of hits) {
		if (out.length >= limit) break;
		const where = locate(hit.id);
		if (!where) continue;
		const covering = out.find(
			(s) => s.documentId === where.documentId && s.firstOrdinal <= where.ordinal && where.ordinal <= s.lastOrdinal
		);
		if (covering) {
			covering.hitIds.push(hit.id);
			continue;
		}
		if (!sources.has(where.documentId)) sources.set(where.documentId, await load(where.documentId));
		const source = sources.get(where.documentId);
		if (!source || !source.chunks.some((c) => c.ordinal === where.ordinal)) continue;
		out.push({ documentId: where.documentId, ...expandChunk(source, where.ordinal, config, countTokens), hitIds: [hit.id] });
	}
	return out;
}

/** Mean of the spans' `tokens`, `0` for none. */
export function averageTokens(spans: readonly Pick<ExpandedSpan, 'tokens'>[]): number {
	return spans.length === 0 ? 0 : spans.reduce((n, s) => n + s.tokens, 0) / spans.length;
}
