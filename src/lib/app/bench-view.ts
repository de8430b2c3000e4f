/**
 * The Benchmarks page's logic outside Svelte (unit-tested): the form's comma lists, the sweep
 * grid (the CLI's order: prompt length × output length × rate × concurrency), point labels,
 * the results rows, the pairing of two reports' points for a side-by-side comparison, and the
 * series of the two plots.
 */
import { AssayError } from '$lib/shared/errors.ts';
import type { ServingBenchReport } from '$lib/bench/serving/index.ts';

/** One point of a report. */
export type BenchPoint = ServingBenchReport['points'][number];

/** The most connections a browser opens to one origin over HTTP/1.1 (Chromium, Firefox, Safari). */
export const BROWSER_CONNECTIONS_PER_ORIGIN = 6;

/**
 * A comma list of positive numbers (`inf` allowed when `allowInf`), e.g. `"1,2,4"`.
 * @throws AssayError `CONFIG_INVALID` naming the field for an empty list or a bad entry.
 */
export function parseNumberList(text: string, field: string, opts: { integer: boolean; allowInf?: boolean }): number[] {
	const parts = text.split(',').map((p) => p.trim());
	return parts.map((v) => {
		if (opts.allowInf && v === 'inf') return Infinity;
		const n = Number(v);
		if (v === '' || !Number.isFinite(n) || n <= 0 || (opts.integer && !Number.isInteger(n)))
			throw new AssayError(
				'CONFIG_INVALID',
				`${field} takes a comma list of positive ${opts.integer ? 'integers' : 'numbers'}${opts.allowInf ? ' or inf' : ''}; received "${text}".`
			);
		return n;
	});
}

/** One point of the sweep to run. */
export interface GridPoint {
	readonly promptTokens: number;
	readonly outputTokens: number;
	/** Requests per second; Infinity = all at once. */
	readonly requestRate: number;
	/** Most requests in flight; null = no limit. */
	readonly maxConcurrency: number | null;
}

/** Every combination, in the CLI's order (prompt × output × rate × concurrency). */
export function sweepGrid(
	promptLengths: readonly number[],
	outputLengths: readonly number[],
	rates: readonly number[],
	concurrencies: readonly (number | null)[]
): GridPoint[] {
	return promptLengths.flatMap((promptTokens) =>
		outputLengths.flatMap((outputTokens) =>
			rates.flatMap((requestRate) => concurrencies.map((maxConcurrency) => ({ promptTokens, outputTokens, requestRate, maxConcurrency })))
		)
	);
}

/** Browser warnings for a sweep over HTTP: concurrency above {@link BROWSER_CONNECTIONS_PER_ORIGIN} queues in the browser. */
export function browserLimitWarning(concurrencies: readonly (number | null)[], baseUrl: string): string | null {
	const over = concurrencies.some((c) => c === null || c > BROWSER_CONNECTIONS_PER_ORIGIN);
	if (!over || !baseUrl.startsWith('http:')) return null;
	return `Over HTTP/1.1 the browser opens at most ${BROWSER_CONNECTIONS_PER_ORIGIN} connections to one origin: requests above that queue in the browser and their TTFT includes the wait. Use assay bench-serving for higher concurrency.`;
}

const rateText = (r: number | 'inf') => (r === 'inf' ? 'inf' : String(r));

/** A point's short label, e.g. `c=2`, `rate 4/s · c=∞`, `p256 o128 · c=1` (lengths only when `withLengths`). */
export function pointLabel(p: BenchPoint, withLengths: boolean): string {
	const parts: string[] = [];
	if (withLengths) parts.push(`p${p.promptTokens} o${p.outputTokens}`);
	if (p.requestRate !== 'inf') parts.push(`rate ${rateText(p.requestRate)}/s`);
	parts.push(`c=${p.concurrency ?? '∞'}`);
	return parts.join(' · ');
}

/** Whether a report sweeps more than one prompt or output length (labels then name them). */
export function sweepsLengths(report: ServingBenchReport): boolean {
	return report.settings.promptTokens.length > 1 || report.settings.outputTokens.length > 1;
}

/** The metrics of the results and comparison tables: key, label, unit, and whether lower is better. */
export const BENCH_METRICS = [
	...(['ttftMs', 'tpotMs', 'itlMs', 'e2eMs'] as const).flatMap((key) =>
		(['p50', 'p95', 'p99'] as const).map((q) => ({
			id: `${key}.${q}`,
			label: `${{ ttftMs: 'TTFT', tpotMs: 'TPOT', itlMs: 'ITL', e2eMs: 'E2E' }[key]} ${q} (ms)`,
			lowerIsBetter: true,
			value: (p: BenchPoint): number | null => p[key][q]
		}))
	),
	{ id: 'outputTokensPerS', label: 'output tok/s', lowerIsBetter: false, value: (p: BenchPoint): number | null => p.outputTokensPerS },
	{ id: 'requestsPerS', label: 'req/s', lowerIsBetter: false, value: (p: BenchPoint): number | null => p.requestsPerS },
	{
		id: 'goodputRequestsPerS',
		label: 'goodput (req/s)',
		lowerIsBetter: false,
		value: (p: BenchPoint): number | null => p.goodputRequestsPerS
	}
] as const;

/** A number for a table cell: 2 decimals, `—` for null. */
export function cell(value: number | null): string {
	return value === null ? '—' : value.toFixed(2);
}

/** The key pairing points of two reports: lengths, rate and concurrency. */
function pointKey(p: BenchPoint): string {
	return JSON.stringify([p.promptTokens, p.outputTokens, p.requestRate, p.concurrency]);
}

/** One row of the comparison: a point present in A, in B or in both. */
export interface PairedPoint {
	readonly label: string;
	readonly a: BenchPoint | null;
	readonly b: BenchPoint | null;
}

/** Points of A and B paired by (prompt length, output length, rate, concurrency): A's order, then B's points A lacks. */
export function pairPoints(a: ServingBenchReport, b: ServingBenchReport): PairedPoint[] {
	const withLengths = sweepsLengths(a) || sweepsLengths(b);
	const bByKey = new Map(b.points.map((p) => [pointKey(p), p]));
	const aKeys = new Set(a.points.map(pointKey));
	return [
		...a.points.map((p) => ({ label: pointLabel(p, withLengths), a: p, b: bByKey.get(pointKey(p)) ?? null })),
		...b.points.filter((p) => !aKeys.has(pointKey(p))).map((p) => ({ label: pointLabel(p, withLengths), a: null, b: p }))
	];
}

/** B / A, or null when either is missing or A is 0. */
export function ratio(a: number | null, b: number | null): number | null {
	return a === null || b === null || a === 0 ? null : b / a;
}

/** An (x, y) point of a plot, with its point's label. */
export interface PlotPoint {
	readonly x: number;
	readonly y: number;
	readonly label: string;
}

/** A named line of a plot. */
export interface PlotSeries {
	readonly name: string;
	readonly points: readonly PlotPoint[];
}

/** Which latency the latency–throughput curve plots. */
export type CurveLatency = 'e2eMs' | 'tpotMs';

/**
 * The latency–throughput curve of a report: per point with completed requests, x = output
 * tokens/s, y = p50 and p99 of `latency` (ms); in point order (increasing load).
 */
export function latencyThroughputSeries(report: ServingBenchReport, latency: CurveLatency, name: string): PlotSeries[] {
	const withLengths = sweepsLengths(report);
	const done = report.points.filter((p) => p.completed > 0);
	const short = latency === 'e2eMs' ? 'E2E' : 'TPOT';
	return (['p50', 'p99'] as const).map((q) => ({
		name: `${name} ${short} ${q}`,
		points: done.map((p) => ({ x: p.outputTokensPerS, y: p[latency][q], label: pointLabel(p, withLengths) }))
	}));
}

/** TTFT p50 (ms) against the point's requested prompt length (words), sorted by length. */
export function ttftByPromptSeries(report: ServingBenchReport, name: string): PlotSeries {
	const withLengths = sweepsLengths(report);
	return {
		name: `${name} TTFT p50`,
		points: report.points
			.filter((p) => p.completed > 0)
			.map((p) => ({ x: p.promptTokens, y: p.ttftMs.p50, label: pointLabel(p, withLengths) }))
			.sort((u, v) => u.x - v.x)
	};
}
