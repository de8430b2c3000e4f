import type { Analyzer, AnalyzerName } from './types.ts';
import { AnalyzerNameSchema } from '../../config/schema.ts';
import { AssayError } from '../../shared/errors.ts';
import { createAutoAnalyzer } from './auto.ts';
import { createCjkAnalyzer } from './cjk.ts';
import { createEnglishAnalyzer } from './english.ts';
import { createSegmenterAnalyzer } from './segmenter.ts';

export type { Analyzer, AnalyzedToken, AnalyzerName } from './types.ts';
export { createAutoAnalyzer } from './auto.ts';
export { createCjkAnalyzer } from './cjk.ts';
export { createEnglishAnalyzer } from './english.ts';
export { createSegmenterAnalyzer } from './segmenter.ts';
export { LUCENE_ENGLISH_STOP_WORDS } from './latin.ts';
export { isCjkCodePoint } from './scripts.ts';

/**
 * A new analyzer by name (`auto` | `english` | `cjk` | `segmenter`; see each factory).
 * Each call returns a fresh instance with its own stem cache.
 * @throws AssayError `CONFIG_INVALID` for any other name.
 */
export function createAnalyzer(name: AnalyzerName): Analyzer {
	switch (name) {
		case 'auto':
			return createAutoAnalyzer();
		case 'english':
			return createEnglishAnalyzer();
		case 'cjk':
			return createCjkAnalyzer();
		case 'segmenter':
			return createSegmenterAnalyzer();
		default:
			throw new AssayError(
				'CONFIG_INVALID',
				`Unknown analyzer "${String(name)}": expected one of ${AnalyzerNameSchema.options.join(', ')}`,
				{ details: { analyzer: name } }
			);
	}
}
