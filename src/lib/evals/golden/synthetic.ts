import type { GoldenCase, SyntheticCaseSource } from './types.ts';

/**
 * Synthetic cases in a golden set: which cases are generated, and which of them may be evaluated.
 * A synthetic case counts only once a person accepted it (`source.review === 'accepted'`); a
 * pending or rejected one — kept in `GoldenSetRecord.synthetic`, or imported from a file into
 * `cases` — is never evaluated.
 */

/** The case's synthetic provenance, or `null` for a real (written, imported or promoted) case. */
export function syntheticSource(c: GoldenCase): SyntheticCaseSource | null {
	return c.source?.kind === 'synthetic' ? c.source : null;
}

/** The cases an evaluation runs, in order: every real case and the accepted synthetic ones. */
export function evaluableCases(cases: readonly GoldenCase[]): GoldenCase[] {
	return cases.filter((c) => {
		const s = syntheticSource(c);
		return s === null || s.review === 'accepted';
	});
}

/** How many of `cases` are synthetic (of any review state). */
export function syntheticCount(cases: readonly GoldenCase[]): number {
	return cases.reduce((n, c) => n + (syntheticSource(c) ? 1 : 0), 0);
}
