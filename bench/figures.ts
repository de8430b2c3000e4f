/**
 * Figures a benchmark reports for the `npm run bench` summary table (`bench/summary.ts`): each
 * bench that has a headline number calls {@link recordFigures} once at the end; the summary
 * runs the benches and reads `bench/out/figures/<bench>.json` back. A figure names its unit and,
 * where an issue set one, the target it is held to (`≤ 3×`, `≥ 0.99`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One headline number of a benchmark run. */
export interface Figure {
	/** What was measured, e.g. `BM25 build SciFact, speed-up vs baseline`. */
	readonly name: string;
	readonly value: number;
	/** `×`, `ms`, `files/s`, `recall@10`, … */
	readonly unit: string;
	/** The target the issue set, if any: the value must be `op` `value`. */
	readonly target?: { readonly op: '<=' | '>='; readonly value: number };
	/** Conditions worth reading next to the number (size, machine state, what was compared). */
	readonly note?: string;
}

/** Where figures are written: `bench/out/figures/`. */
export const FIGURES_DIR = join(fileURLToPath(new URL('./', import.meta.url)), 'out', 'figures');

/** Write the figures of bench `bench` (a file-name-safe id such as `bm25-build`). */
export function recordFigures(bench: string, figures: readonly Figure[]): void {
	mkdirSync(FIGURES_DIR, { recursive: true });
	const at = new Date().toISOString();
	writeFileSync(join(FIGURES_DIR, `${bench}.json`), `${JSON.stringify({ bench, at, node: process.version, figures }, null, 2)}\n`);
}

/** Whether `figure` meets its target (`null` when it has none). */
export function meetsTarget(figure: Figure): boolean | null {
	if (!figure.target) return null;
	return figure.target.op === '<=' ? figure.value <= figure.target.value : figure.value >= figure.target.value;
}
