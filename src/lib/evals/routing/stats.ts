import { AssayError } from '../../shared/errors.ts';

/**
 * Paired pass/fail statistics for routing: the exact McNemar test and a one-sided exact
 * non-inferiority test on the discordant pairs. Pairs are (candidate, reference) verdicts on the
 * same golden case: `b` = reference passed and candidate failed, `c` = candidate passed and
 * reference failed, `n = b + c` discordant pairs out of `total`.
 */

/** log Γ(x) for x > 0 (Lanczos, g = 7, 9 coefficients; relative error below 1e-15). */
function logGamma(x: number): number {
	const g = [
		0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
		-0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7
	];
	if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
	const z = x - 1;
	let a = g[0] as number;
	const t = z + 7.5;
	for (let i = 1; i < 9; i++) a += (g[i] as number) / (z + i);
	return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * P(X ≤ k) for X ~ Binomial(n, p), summed term by term from the mode-free recurrence in log
 * space (exact to double precision for n up to 10⁶). `k < 0` → 0, `k ≥ n` → 1.
 * @throws AssayError `CONFIG_INVALID` when n is not a non-negative integer or p is outside [0, 1].
 */
export function binomialCdf(k: number, n: number, p: number): number {
	if (!Number.isInteger(n) || n < 0) throw new AssayError('CONFIG_INVALID', `n must be a non-negative integer, received ${n}`);
	if (!(p >= 0 && p <= 1)) throw new AssayError('CONFIG_INVALID', `p must be in [0, 1], received ${p}`);
	const kk = Math.floor(k);
	if (kk < 0) return 0;
	if (kk >= n) return 1;
	if (p === 0) return 1;
	if (p === 1) return 0;
	const lnN = logGamma(n + 1);
	const lp = Math.log(p);
	const lq = Math.log1p(-p);
	let sum = 0;
	for (let i = 0; i <= kk; i++) sum += Math.exp(lnN - logGamma(i + 1) - logGamma(n - i + 1) + i * lp + (n - i) * lq);
	return Math.min(1, sum);
}

/** The discordant counts of paired pass/fail verdicts. */
export interface DiscordantCounts {
	/** Pairs. */
	readonly total: number;
	/** Reference passed, candidate failed. */
	readonly b: number;
	/** Candidate passed, reference failed. */
	readonly c: number;
}

/**
 * Count discordant pairs of `candidate[i]` vs `reference[i]` pass/fail verdicts.
 * @throws AssayError `DATASET_INVALID` when the lengths differ.
 */
export function discordantCounts(candidate: readonly boolean[], reference: readonly boolean[]): DiscordantCounts {
	if (candidate.length !== reference.length)
		throw new AssayError('DATASET_INVALID', `Paired verdicts need the same cases: ${candidate.length} vs ${reference.length}`);
	let b = 0;
	let c = 0;
	candidate.forEach((pass, i) => {
		if (reference[i] && !pass) b++;
		else if (pass && !reference[i]) c++;
	});
	return { total: candidate.length, b, c };
}

/**
 * Exact McNemar test (two-sided): under H0 each discordant pair is equally likely either way,
 * so `b ~ Binomial(b + c, ½)`; p = min(1, 2·P(X ≤ min(b, c))). 1 when there is no discordant
 * pair. Same as statsmodels `mcnemar(table, exact=True)` (McNemar 1947; the exact form in
 * Fagerland, Lydersen & Laake 2013, "The McNemar test for binary matched-pairs data").
 */
export function mcnemarExact({ b, c }: DiscordantCounts): number {
	const n = b + c;
	if (n === 0) return 1;
	return Math.min(1, 2 * binomialCdf(Math.min(b, c), n, 0.5));
}

/**
 * One-sided exact non-inferiority test of the paired pass-rate difference
 * D = p(candidate) − p(reference) = (c − b)/total against a margin δ ≥ 0:
 * H0: D ≤ −δ versus H1: D > −δ. Conditional on the n = b + c discordant pairs, with the
 * discordance rate ψ = n/total taken from the data, D = ψ(1 − 2θ) where θ is the chance that a
 * discordant pair favours the reference, so H0 is θ ≥ θ0 = (1 + δ/ψ)/2 and the p-value is the
 * exact binomial tail P(X ≤ b), X ~ Binomial(n, θ0). With δ = 0 this is the one-sided exact
 * McNemar test. θ0 ≥ 1 (δ ≥ ψ: even all discordant pairs against the candidate stay inside the
 * margin) gives 0; no discordant pair gives 0 for δ > 0 and 1 for δ = 0. (The conditional
 * approach of Liu, Hsueh, Hsieh & Chen 2002, "Tests for equivalence or non-inferiority for paired
 * binary data", Stat. Med. 21:231–245, with the plug-in discordance rate.)
 * @throws AssayError `CONFIG_INVALID` when δ is not in [0, 1).
 */
export function nonInferiorityExact({ total, b, c }: DiscordantCounts, margin: number): number {
	if (!(margin >= 0 && margin < 1)) throw new AssayError('CONFIG_INVALID', `margin must be in [0, 1), received ${margin}`);
	const n = b + c;
	if (n === 0) return margin > 0 ? 0 : 1;
	const theta0 = (1 + margin / (n / total)) / 2;
	if (theta0 >= 1) return 0;
	return binomialCdf(b, n, theta0);
}
