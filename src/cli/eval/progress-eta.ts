/**
 * Progress of `assay eval --config` on stderr. On a terminal (`isTTY` and no `CI` variable): one
 * line rewritten in place (`\r`) with done/total, percent and ETA, at most every 100 ms of the
 * injected clock, finished with a newline. Otherwise (CI logs, pipes): plain lines, one at the
 * start, one per further tenth done and one at the end — no carriage returns.
 */
export interface ProgressOptions {
	readonly label: string;
	readonly write: (text: string) => void;
	readonly tty: boolean;
	/** Milliseconds; default `performance.now`. */
	readonly clock?: () => number;
}

/** `ms` as `1h02m`, `3m05s`, `12s`. */
export function formatEta(ms: number): string {
	const s = Math.max(0, Math.round(ms / 1000));
	if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
	if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
	return `${s}s`;
}

/** A progress callback `(done, total, etaMs)`; call `finish()` once at the end. */
export function createProgress(options: ProgressOptions): {
	update: (done: number, total: number, etaMs: number | null) => void;
	finish: () => void;
} {
	const clock = options.clock ?? (() => performance.now());
	let lastStep = -1;
	let lastDraw = -Infinity;
	let drawn = false;
	return {
		update(done, total, etaMs) {
			const pct = total <= 0 ? 100 : Math.floor((100 * done) / total);
			const eta = etaMs === null || done >= total ? '' : `, ETA ${formatEta(etaMs)}`;
			if (options.tty) {
				const now = clock();
				if (done < total && now - lastDraw < 100) return;
				lastDraw = now;
				drawn = true;
				options.write(`\r\u001b[2K${options.label} ${done}/${total} (${pct}%)${eta}`);
				return;
			}
			const step = total <= 0 ? 10 : Math.floor((done * 10) / total);
			if (step <= lastStep) return;
			lastStep = step;
			options.write(`${options.label} ${done}/${total} (${pct}%)${eta}\n`);
		},
		finish() {
			if (options.tty && drawn) options.write('\n');
		}
	};
}
