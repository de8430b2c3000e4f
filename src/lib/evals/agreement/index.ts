import { AssayError } from '../../shared/errors.ts';

/**
 * Agreement between two raters (human and judge) on the same items: accuracy, Cohen's κ,
 * weighted κ for ordinal scales, and the confusion matrix. `null` — never NaN — where a
 * coefficient is undefined (chance agreement of 1: both raters used one and the same label).
 */

/** Confusion matrix: `counts[i][j]` = items rater 1 labelled `categories[i]` and rater 2 `categories[j]`. */
export interface ConfusionMatrix<C> {
	readonly categories: readonly C[];
	readonly counts: number[][];
	readonly n: number;
}

/** Disagreement weights of weighted κ: linear |i−j|/(k−1) or quadratic (i−j)²/(k−1)² (Cohen, 1968; Fleiss & Cohen, 1973). */
export type KappaWeights = 'linear' | 'quadratic';

/** Agreement summary of {@link agreement}. */
export interface Agreement<C> {
	readonly n: number;
	/** Observed agreement p_o = Σᵢ nᵢᵢ / n, in [0, 1]. */
	readonly accuracy: number;
	/** Cohen's κ; `null` when p_e = 1. */
	readonly kappa: number | null;
	/** Weighted κ (linear weights); `null` when undefined or fewer than 2 categories. */
	readonly weightedKappaLinear: number | null;
	/** Weighted κ (quadratic weights). */
	readonly weightedKappaQuadratic: number | null;
	readonly confusion: ConfusionMatrix<C>;
}

/**
 * Count label pairs into a confusion matrix over `categories` (order = ordinal order).
 * @throws AssayError `DATASET_INVALID` when the label lists differ in length, are empty, or hold
 *   a label not in `categories`.
 */
export function confusionMatrix<C>(rater1: readonly C[], rater2: readonly C[], categories: readonly C[]): ConfusionMatrix<C> {
	if (rater1.length !== rater2.length)
		throw new AssayError('DATASET_INVALID', `Agreement needs the same items: ${rater1.length} vs ${rater2.length} labels`);
	if (rater1.length === 0) throw new AssayError('DATASET_INVALID', 'Agreement over zero items');
	const index = new Map(categories.map((c, i) => [c, i] as const));
	const counts = categories.map(() => categories.map(() => 0));
	for (let t = 0; t < rater1.length; t++) {
		const i = index.get(rater1[t] as C);
		const j = index.get(rater2[t] as C);
		if (i === undefined || j === undefined)
			throw new AssayError(
				'DATASET_INVALID',
				`Label ${String(i === undefined ? rater1[t] : rater2[t])} of item ${t} is not one of ${categories.map(String).join(', ')}`
			);
		(counts[i] as number[])[j]! += 1;
	}
	return { categories, counts, n: rater1.length };
}

function weight(i: number, j: number, k: number, kind: KappaWeights | 'identity'): number {
	if (kind === 'identity') return i === j ? 0 : 1;
	const d = Math.abs(i - j) / (k - 1);
	return kind === 'linear' ? d : d * d;
}

/**
 * κ from a confusion matrix with disagreement weights w:
 * κ_w = 1 − Σᵢⱼ wᵢⱼ oᵢⱼ / Σᵢⱼ wᵢⱼ eᵢⱼ, with oᵢⱼ = nᵢⱼ/n and eᵢⱼ = (nᵢ· n·ⱼ)/n² (Cohen, 1968).
 * With identity weights (0 on the diagonal, 1 elsewhere) this equals Cohen's (1960)
 * κ = (p_o − p_e)/(1 − p_e). Returns `null` when the expected disagreement is 0.
 */
export function kappaFromMatrix<C>(m: ConfusionMatrix<C>, weights: KappaWeights | 'identity' = 'identity'): number | null {
	const k = m.categories.length;
	if (k < 2) return null;
	const rows = m.counts.map((r) => r.reduce((s, v) => s + v, 0));
	const cols = m.categories.map((_, j) => m.counts.reduce((s, r) => s + (r[j] as number), 0));
	let observed = 0;
	let expected = 0;
	for (let i = 0; i < k; i++) {
		for (let j = 0; j < k; j++) {
			const w = weight(i, j, k, weights);
			observed += (w * ((m.counts[i] as number[])[j] as number)) / m.n;
			expected += (w * (rows[i] as number) * (cols[j] as number)) / (m.n * m.n);
		}
	}
	return expected === 0 ? null : 1 - observed / expected;
}

/**
 * Accuracy, Cohen's κ, linear and quadratic weighted κ and the confusion matrix of two raters.
 * Weighted κ treats `categories` as ordered (for 1–5 scores pass `[1, 2, 3, 4, 5]`).
 * @throws AssayError `DATASET_INVALID` as {@link confusionMatrix}.
 */
export function agreement<C>(rater1: readonly C[], rater2: readonly C[], categories: readonly C[]): Agreement<C> {
	const confusion = confusionMatrix(rater1, rater2, categories);
	const diagonal = confusion.counts.reduce((s, row, i) => s + (row[i] as number), 0);
	return {
		n: confusion.n,
		accuracy: diagonal / confusion.n,
		kappa: kappaFromMatrix(confusion),
		weightedKappaLinear: kappaFromMatrix(confusion, 'linear'),
		weightedKappaQuadratic: kappaFromMatrix(confusion, 'quadratic'),
		confusion
	};
}
