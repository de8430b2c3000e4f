/**
 * Correlation coefficients, used by the judge length-bias check (does the score rise with the
 * answer's length?). `null` — never NaN — when fewer than two points or a constant variable.
 */

/**
 * Pearson's product-moment correlation
 * r = Σ(xᵢ − x̄)(yᵢ − ȳ) / √(Σ(xᵢ − x̄)² · Σ(yᵢ − ȳ)²), in [−1, 1]
 * (Pearson, 1895; as in e.g. NIST/SEMATECH e-Handbook §7.1.6 / scipy.stats.pearsonr).
 * @throws RangeError when the lengths differ.
 */
export function pearson(x: readonly number[], y: readonly number[]): number | null {
	if (x.length !== y.length) throw new RangeError(`pearson: ${x.length} x values vs ${y.length} y values`);
	const n = x.length;
	if (n < 2) return null;
	const mx = x.reduce((s, v) => s + v, 0) / n;
	const my = y.reduce((s, v) => s + v, 0) / n;
	let sxy = 0;
	let sxx = 0;
	let syy = 0;
	for (let i = 0; i < n; i++) {
		const dx = (x[i] as number) - mx;
		const dy = (y[i] as number) - my;
		sxy += dx * dy;
		sxx += dx * dx;
		syy += dy * dy;
	}
	if (sxx === 0 || syy === 0) return null;
	return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** 1-based ranks with ties given their average rank ("fractional ranking", as scipy.stats.rankdata 'average'). */
export function averageRanks(values: readonly number[]): number[] {
	const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
	const ranks = new Array<number>(values.length);
	for (let i = 0; i < order.length;) {
		let j = i;
		while (j + 1 < order.length && (order[j + 1] as readonly [number, number])[0] === (order[i] as readonly [number, number])[0]) j++;
		const rank = (i + j) / 2 + 1;
		for (let k = i; k <= j; k++) ranks[(order[k] as readonly [number, number])[1]] = rank;
		i = j + 1;
	}
	return ranks;
}

/**
 * Spearman's rank correlation ρ = Pearson's r of the average ranks (Spearman, 1904); with ties
 * this is the tie-corrected form scipy.stats.spearmanr computes, not 1 − 6Σd²/(n(n²−1)).
 */
export function spearman(x: readonly number[], y: readonly number[]): number | null {
	if (x.length !== y.length) throw new RangeError(`spearman: ${x.length} x values vs ${y.length} y values`);
	return pearson(averageRanks(x), averageRanks(y));
}
