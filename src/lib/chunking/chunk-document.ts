import { parseChunkingConfig, type ChunkingConfig } from '../config/index.ts';
import { AssayError } from '../shared/errors.ts';
import { canonicalJson, sha256Text } from '../shared/hash.ts';
import { parseMarkdown, type MarkdownSection } from './markdown.ts';
import { Packer } from './packer.ts';
import { packMarkdownBlocks, packRange } from './recursive.ts';
import { DEFAULT_SPLIT_LEVELS } from './split-text.ts';
import { TextIndex } from './text-index.ts';
import type { ChunkFormat, ChunkObserver, TextChunk } from './types.ts';

/**
 * Version of the chunking algorithm. Part of {@link chunkingConfigHash}: bump it whenever a
 * change to the chunker can change its output, so stored chunks and indexes built with the old
 * algorithm are recognised as stale.
 */
export const CHUNKER_VERSION = 'assay-recursive-chunker/2';

/**
 * Cut a document's text into chunks for indexing.
 *
 * - `markdown`: ATX headings (outside code fences) open sections; fences inside list items are
 *   recognised, and a split one is closed with its own indentation and re-opened (continuation
 *   chunks dedented by the item's content column) so each piece renders as the same code block; chunks never cross a section
 *   and carry its `headingPath`. Within a section, blocks (paragraphs, heading lines, code
 *   fences) are packed whole while they fit; a longer paragraph is split by sentence → word →
 *   grapheme; a longer code fence by line → word → grapheme, each piece re-opened with the
 *   fence's opening line and closed with its marker (so `text` differs from the source slice).
 * - `text`: one section, `headingPath` `[]`; paragraph (blank line) → sentence → word → grapheme.
 * - `config.mode === 'none'`: the whole text is one chunk (offsets 0 and `text.length`), sizes unused.
 *
 * Lengths are UTF-16 code units. `text.length ≤ config.chunkSizeChars` for every chunk except a
 * single grapheme cluster longer than the size (never split; inside a split fence it keeps its
 * fence lines). Chunks are trimmed of leading/trailing whitespace (split-fence chunks keep the
 * first line's indentation); whitespace-only text gives `[]`. Every chunk after the first of a
 * section starts with up to `chunkOverlapChars` from the end of the previous one, snapped to a
 * word boundary (a line start first inside a split fence; a grapheme boundary only when the
 * overlap window lies inside one long token, so words are not cut), shortened or dropped when
 * the chunk would not fit, and never taken from inside an earlier code fence. Overlap between
 * consecutive chunks is therefore at most `chunkOverlapChars`, possibly 0; what was applied is
 * recorded as `overlapChars` on every chunk after the first of its section. Parts of a paragraph
 * or fence longer than the size are packed together with neighbouring blocks when they fit (a
 * heading is not left alone). `startOffset` strictly increases (also across sections), every
 * non-whitespace character lies in some chunk, and `text === source.slice(startOffset, endOffset)`
 * except for split-fence chunks, whose offsets still bound the source part. Deterministic.
 * `onChunk` (optional) is called after each chunk is made, with the count so far; an error it
 * throws stops chunking and propagates (see {@link ChunkObserver}).
 * @throws AssayError `CONFIG_INVALID` when `config` is invalid (e.g. overlap ≥ size) or `format`
 *   is unknown; whatever `onChunk` throws.
 */
export function chunkDocument(text: string, format: ChunkFormat, config: ChunkingConfig, onChunk?: ChunkObserver): TextChunk[] {
	const { chunkSizeChars: size, chunkOverlapChars: overlap } = parseChunkingConfig(config);
	if (format !== 'markdown' && format !== 'text') {
		throw new AssayError('CONFIG_INVALID', `Unknown chunk format: expected 'markdown' or 'text'; received ${JSON.stringify(format)}`);
	}
	if (!/\S/.test(text)) return [];
	// Mode `none`: the whole document is one chunk (BEIR evaluates documents whole).
	if (config.mode === 'none') {
		onChunk?.(1);
		return [{ ordinal: 0, text, startOffset: 0, endOffset: text.length, headingPath: [] }];
	}
	const index = new TextIndex(text);
	const packer = new Packer(index, { size, overlap, trim: true, ...(onChunk ? { onChunk } : {}) });
	const ctx = { index, packer, size };
	const chunks: TextChunk[] = [];
	const sections: MarkdownSection[] | undefined = format === 'markdown' ? parseMarkdown(text) : undefined;
	for (const section of sections ?? [{ start: 0, end: text.length, headingPath: [], blocks: [] }]) {
		packer.startSection(section.start);
		const first = packer.chunks.length;
		if (sections) packMarkdownBlocks(ctx, section.blocks);
		else packRange(ctx, section.start, section.end, DEFAULT_SPLIT_LEVELS);
		packer.flush();
		let previous: (typeof packer.chunks)[number] | undefined;
		for (const c of packer.chunks.slice(first)) {
			const overlap = previous ? { overlapChars: Math.max(0, previous.end - c.start) } : {};
			chunks.push({
				ordinal: chunks.length,
				text: c.text,
				startOffset: c.start,
				endOffset: c.end,
				headingPath: section.headingPath,
				...overlap
			});
			previous = c;
		}
	}
	return chunks;
}

/**
 * Identity of a chunking setup: SHA-256 (64 lowercase hex characters) of the canonical JSON of
 * `{ chunker: CHUNKER_VERSION, config }`, with `config` validated and defaults filled first, so
 * equal settings hash equally and an algorithm change changes the hash.
 * @throws AssayError `CONFIG_INVALID` when `config` is invalid.
 */
export async function chunkingConfigHash(config: ChunkingConfig): Promise<string> {
	const valid = parseChunkingConfig(config);
	return sha256Text(canonicalJson({ chunker: CHUNKER_VERSION, config: valid }));
}
