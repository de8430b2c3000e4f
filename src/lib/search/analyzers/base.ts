import type { Analyzer, AnalyzedToken, TermSink } from './types.ts';
import { normalizeText, originalRange, type NormalizeOptions } from './normalize.ts';

/** What makes an analyzer: a normalising transform and a scanner over the normalised text. */
export interface AnalyzerParts {
	readonly name: string;
	readonly fingerprint: string;
	/** Per-character transform (NFKC, lowercase…), applied with {@link normalizeText}. */
	readonly transform: (s: string) => string;
	readonly lengthPreserving?: boolean;
	/** Emits terms with offsets into the normalised text it is given. */
	readonly scan: (normalized: string, emit: TermSink) => void;
	/** The scanner's term-key epoch, when it passes keys (see `Analyzer.termKeyEpoch`). */
	readonly termKeyEpoch?: () => number;
}

/**
 * Build an {@link Analyzer} whose `analyze` and `tokens` share one code path: the same
 * normalisation and scanner run for both, so their terms are identical by construction.
 * An empty term is never emitted, whatever the scanner does: it would be indexed as a real
 * term (every `''` matching every other) and has nothing to highlight.
 */
export function composeAnalyzer(parts: AnalyzerParts): Analyzer {
	const normalize = (text: string, withOffsets: boolean) => {
		const options: NormalizeOptions = { withOffsets, lengthPreserving: parts.lengthPreserving ?? false };
		return normalizeText(text, parts.transform, options);
	};
	return {
		name: parts.name,
		fingerprint: parts.fingerprint,
		analyze(text: string): string[] {
			const terms: string[] = [];
			parts.scan(normalize(text, false).text, (term) => {
				if (term !== '') terms.push(term);
			});
			return terms;
		},
		forEachTerm(text: string, sink: (term: string, key: number) => void): void {
			parts.scan(normalize(text, false).text, (term, _start, _end, key) => {
				if (term !== '') sink(term, key ?? -1);
			});
		},
		...(parts.termKeyEpoch ? { termKeyEpoch: parts.termKeyEpoch } : {}),
		tokens(text: string): AnalyzedToken[] {
			const normalized = normalize(text, true);
			const tokens: AnalyzedToken[] = [];
			parts.scan(normalized.text, (term, start, end) => {
				if (term === '') return;
				const [s, e] = originalRange(normalized, start, end);
				tokens.push({ term, start: s, end: e });
			});
			return tokens;
		}
	};
}
