import { AssayError } from '../shared/errors.ts';
import { Packer } from './packer.ts';
import { packRange } from './recursive.ts';
import { SPLIT_LEVEL_ORDER, TextIndex, type SplitLevel } from './text-index.ts';

/** Levels used when none are given: paragraph → sentence → word → grapheme. */
export const DEFAULT_SPLIT_LEVELS: readonly SplitLevel[] = ['paragraph', 'sentence', 'word', 'grapheme'];

/**
 * Options of {@link splitText}.
 * - `chunkSizeChars`: maximum span length, UTF-16 code units; integer ≥ 1. Required.
 * - `chunkOverlapChars`: code units repeated from the end of the previous span; integer,
 *   0 ≤ overlap < size; default 0.
 * - `levels`: which boundaries may split the text, any subset of {@link SplitLevel}; always used
 *   strongest first whatever the order given, and `grapheme` is always added as the last resort.
 *   Default {@link DEFAULT_SPLIT_LEVELS}. `['grapheme']` packs grapheme clusters only (the
 *   `separators: [""]` of LangChain's recursive splitter).
 * - `trimWhitespace`: trim each span's leading/trailing whitespace and drop whitespace-only
 *   spans; default false, in which case spans are contiguous and join back to the input
 *   exactly when the overlap is 0.
 */
export interface SplitOptions {
	readonly chunkSizeChars: number;
	readonly chunkOverlapChars?: number;
	readonly levels?: readonly SplitLevel[];
	readonly trimWhitespace?: boolean;
}

/** A span of the input: `text === input.slice(start, end)`; offsets in UTF-16 code units. */
export interface TextSpan {
	readonly start: number;
	readonly end: number;
	readonly text: string;
}

/**
 * Split plain `text` into spans of at most `chunkSizeChars` UTF-16 code units, recursively:
 * whole pieces of the strongest level are packed greedily; a piece longer than the size is split
 * at the next level. A span is longer than the size only when it is a single grapheme cluster
 * longer than the size (clusters and surrogate pairs are never split). Each span after the first
 * starts with up to `chunkOverlapChars` of the preceding text, snapped to a word boundary (a
 * grapheme boundary only inside one long token) and shortened so the span fits; span starts
 * strictly increase. O(n log n) time, deterministic.
 * Empty text gives `[]`.
 * @throws AssayError `CONFIG_INVALID` for a size < 1, an overlap outside 0..size−1, non-integers,
 *   or an unknown level name.
 */
export function splitText(text: string, options: SplitOptions): TextSpan[] {
	const { size, overlap, levels, trim } = validateSplitOptions(options);
	const index = new TextIndex(text);
	const packer = new Packer(index, { size, overlap, trim });
	packer.startSection(0);
	packRange({ index, packer, size }, 0, text.length, levels);
	packer.flush();
	return packer.chunks;
}

interface ValidOptions {
	readonly size: number;
	readonly overlap: number;
	readonly levels: readonly SplitLevel[];
	readonly trim: boolean;
}

function validateSplitOptions(options: SplitOptions): ValidOptions {
	const size = options.chunkSizeChars;
	const overlap = options.chunkOverlapChars ?? 0;
	if (!Number.isInteger(size) || size < 1) {
		throw new AssayError('CONFIG_INVALID', `chunkSizeChars must be an integer ≥ 1; received ${String(size)}`);
	}
	if (!Number.isInteger(overlap) || overlap < 0 || overlap >= size) {
		throw new AssayError(
			'CONFIG_INVALID',
			`chunkOverlapChars must be an integer with 0 ≤ overlap < chunkSizeChars (${size}); received ${String(overlap)}`
		);
	}
	return { size, overlap, levels: normaliseLevels(options.levels ?? DEFAULT_SPLIT_LEVELS), trim: options.trimWhitespace ?? false };
}

/** Canonical order, no duplicates, `grapheme` last. */
function normaliseLevels(levels: readonly SplitLevel[]): SplitLevel[] {
	for (const level of levels) {
		if (!SPLIT_LEVEL_ORDER.includes(level)) {
			throw new AssayError(
				'CONFIG_INVALID',
				`Unknown split level: expected one of ${SPLIT_LEVEL_ORDER.join(', ')}; received ${JSON.stringify(level)}`
			);
		}
	}
	return SPLIT_LEVEL_ORDER.filter((level) => level === 'grapheme' || levels.includes(level));
}
