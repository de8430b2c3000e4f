import { parseChunkingConfig, type ChunkingConfig } from '../config/index.ts';
import { chunkDocument } from './chunk-document.ts';
import { splitText } from './split-text.ts';
import { AssayError } from '../shared/errors.ts';
import type { ChunkObserver, TextChunk } from './types.ts';

/**
 * Chunking of parsed documents whose structure the parser made explicit (the parser port's
 * `ParsedDocument` has this shape): sections that chunks never cross (headings, PDF pages),
 * or indivisible units packed in order (table rows, JSON records, code blocks).
 */

/** A range of the text chunked on its own, with its heading path and (PDF) page. */
export interface StructuredSection {
	readonly startOffset: number;
	readonly endOffset: number;
	readonly headingPath: readonly string[];
	readonly page?: number;
}

/** An indivisible unit of a `units` document; `alone` units are never packed with others. */
export interface StructuredUnit {
	readonly startOffset: number;
	readonly endOffset: number;
	readonly headingPath: readonly string[];
	readonly alone?: boolean;
}

/** The structure a parser hands to {@link chunkStructured}. Offsets are UTF-16 code units into `text`. */
export interface StructuredText {
	readonly text: string;
	readonly layout: 'markdown' | 'text' | 'units';
	readonly sections?: readonly StructuredSection[];
	readonly units?: readonly StructuredUnit[];
	/** Repeated as the first line of every chunk of a `units` document (a table header). */
	readonly repeatedHeader?: string;
}

/** Options of {@link chunkStructured}. */
export interface ChunkLimits {
	/**
	 * Most chunks the document may make (≥ 1). Chunking stops as soon as chunk `maxChunks + 1` is
	 * made, so a document that would make a million chunks costs `maxChunks + 1`, not a million.
	 * Absent: no limit.
	 */
	readonly maxChunks?: number;
	/** Called after each chunk with the count so far (after the limit check); may throw to stop (a time budget). */
	readonly onChunk?: ChunkObserver;
}

/**
 * Chunk a structured document:
 * - `markdown`/`text`: each section (default: the whole text) is chunked by `chunkDocument`;
 *   offsets are shifted into the whole text, heading paths are the section's followed by any
 *   Markdown headings inside it, and a section with a `page` gives its chunks
 *   `pageStart = pageEnd = page` — a chunk never crosses a section, hence never a page;
 * - `units`: consecutive units are packed while the chunk (`repeatedHeader` + `\n` + the source
 *   slice from the first unit's start to the last one's end) stays ≤ `chunkSizeChars`; a chunk
 *   holds units of one heading path only, an `alone` unit is always a chunk of its own, and a
 *   unit longer than the room left after the header is split by `splitText` (paragraph →
 *   sentence → word → grapheme), each piece again prefixed with the header. The header is not
 *   repeated when it would take more than half of `chunkSizeChars`. Units carry no overlap.
 * Offsets `[startOffset, endOffset)` always bound the chunk's source part; `text` differs from
 * that slice only by the repeated header (and split Markdown fences, see `chunkDocument`).
 * `limits` bound the work (see {@link ChunkLimits}); the check runs as each chunk is made.
 * @throws AssayError `CONFIG_INVALID` for an invalid `config`; `DOCUMENT_TOO_MANY_CHUNKS` (details
 *   `maxChunks`, `units`: the parser's unit count for a `units` document) past `limits.maxChunks`;
 *   whatever `limits.onChunk` throws.
 */
export function chunkStructured(doc: StructuredText, config: ChunkingConfig, limits: ChunkLimits = {}): TextChunk[] {
	const valid = parseChunkingConfig(config);
	const observe = observer(doc, limits);
	const out: Omit<TextChunk, 'ordinal'>[] = doc.layout === 'units' ? chunkUnits(doc, valid, observe) : chunkSections(doc, valid, observe);
	return out.map((c, ordinal) => ({ ordinal, ...c }));
}

/** The per-chunk check of {@link ChunkLimits}, or `undefined` when there is nothing to check. */
function observer(doc: StructuredText, limits: ChunkLimits): ChunkObserver | undefined {
	const { maxChunks, onChunk } = limits;
	if (maxChunks === undefined && !onChunk) return undefined;
	return (made) => {
		if (maxChunks !== undefined && made > maxChunks) {
			const units = doc.layout === 'units' ? (doc.units?.length ?? 0) : undefined;
			const found = units !== undefined ? ` (the parser found ${units} records/units)` : '';
			throw new AssayError(
				'DOCUMENT_TOO_MANY_CHUNKS',
				`The document makes more than ${maxChunks} chunks${found}; the limit per document is ingest.maxChunksPerDocument = ${maxChunks}.`,
				{
					details: { maxChunks, ...(units !== undefined ? { units } : {}) }
				}
			);
		}
		onChunk?.(made);
	};
}

function chunkSections(doc: StructuredText, config: ChunkingConfig, observe: ChunkObserver | undefined): Omit<TextChunk, 'ordinal'>[] {
	const format = doc.layout === 'markdown' ? 'markdown' : 'text';
	const sections = doc.sections ?? [{ startOffset: 0, endOffset: doc.text.length, headingPath: [] }];
	const out: Omit<TextChunk, 'ordinal'>[] = [];
	for (const s of sections) {
		const before = out.length;
		const inSection = observe ? (made: number) => observe(before + made) : undefined;
		for (const c of chunkDocument(doc.text.slice(s.startOffset, s.endOffset), format, config, inSection)) {
			out.push({
				text: c.text,
				startOffset: c.startOffset + s.startOffset,
				endOffset: c.endOffset + s.startOffset,
				headingPath: [...s.headingPath, ...c.headingPath],
				...(c.overlapChars !== undefined ? { overlapChars: c.overlapChars } : {}),
				...(s.page !== undefined ? { pageStart: s.page, pageEnd: s.page } : {})
			});
		}
	}
	return out;
}

function chunkUnits(doc: StructuredText, config: ChunkingConfig, observe: ChunkObserver | undefined): Omit<TextChunk, 'ordinal'>[] {
	const size = config.chunkSizeChars;
	const header = doc.repeatedHeader && doc.repeatedHeader.length + 1 <= size / 2 ? `${doc.repeatedHeader}\n` : '';
	const room = size - header.length;
	const out: Omit<TextChunk, 'ordinal'>[] = [];
	let group: StructuredUnit[] = [];
	const flush = () => {
		const first = group[0];
		const last = group[group.length - 1];
		group = [];
		if (first && last) {
			out.push({
				text: header + doc.text.slice(first.startOffset, last.endOffset),
				startOffset: first.startOffset,
				endOffset: last.endOffset,
				headingPath: first.headingPath
			});
			observe?.(out.length);
		}
	};
	for (const unit of doc.units ?? []) {
		const length = unit.endOffset - unit.startOffset;
		if (length === 0) continue;
		if (length > room) {
			flush();
			const overlap = Math.min(config.chunkOverlapChars, room - 1);
			for (const piece of splitText(doc.text.slice(unit.startOffset, unit.endOffset), {
				chunkSizeChars: room,
				chunkOverlapChars: overlap,
				trimWhitespace: true
			})) {
				out.push({
					text: header + piece.text,
					startOffset: unit.startOffset + piece.start,
					endOffset: unit.startOffset + piece.end,
					headingPath: unit.headingPath
				});
				observe?.(out.length);
			}
			continue;
		}
		const first = group[0];
		const fits = first !== undefined && unit.endOffset - first.startOffset <= room;
		if (first && (!fits || unit.alone || first.alone || !samePath(first.headingPath, unit.headingPath))) flush();
		group.push(unit);
	}
	flush();
	return out;
}

function samePath(a: readonly string[], b: readonly string[]): boolean {
	return a.length === b.length && a.every((x, i) => x === b[i]);
}
