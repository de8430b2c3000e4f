import type { ImportItemResult } from '$lib/services/library-api.ts';

/** How many problem files the progress panel lists in full; the rest are counted (all are in the exported report). */
export const SHOWN_PROBLEMS_LIMIT = 200;

/**
 * True for a file the user should look at: a failure, an unsupported format, a duplicate, a
 * scanned PDF without text, a skipped file, or text stored with warnings.
 */
export function isProblem(item: ImportItemResult): boolean {
	return (
		item.outcome === 'failed' ||
		item.outcome === 'unsupported' ||
		item.outcome === 'duplicate' ||
		item.outcome === 'needs-ocr' ||
		item.outcome === 'skipped' ||
		item.status === 'ready-with-warnings'
	);
}

/** What the import panel shows, as plain data (one snapshot per flush). */
export interface ImportTallySnapshot {
	/** Files per outcome, in first-seen order. */
	readonly counts: readonly (readonly [string, number])[];
	/** Stored documents per status, in first-seen order. */
	readonly statusCounts: readonly (readonly [string, number])[];
	/** Sum of `overlapShortfalls` over the items. */
	readonly overlapShortfalls: number;
	/** Number of problem files (see `isProblem`). */
	readonly problemCount: number;
	/** The first `SHOWN_PROBLEMS_LIMIT` problem files, in arrival order. */
	readonly shownProblems: readonly ImportItemResult[];
}

/**
 * Counts of an import kept incrementally: `add` is O(1) per file whatever the import's size (the
 * page used to rescan every item on each progress event, O(n²) over an import, which stalled a
 * 20,000-file import after about 5,000). Holds no item except the first problems shown.
 */
export class ImportTally {
	private readonly counts = new Map<string, number>();
	private readonly statusCounts = new Map<string, number>();
	private overlap = 0;
	private problems = 0;
	private readonly shown: ImportItemResult[] = [];

	/** Count one finished file. */
	add(item: ImportItemResult): void {
		this.counts.set(item.outcome, (this.counts.get(item.outcome) ?? 0) + 1);
		if (item.status) this.statusCounts.set(item.status, (this.statusCounts.get(item.status) ?? 0) + 1);
		this.overlap += item.overlapShortfalls ?? 0;
		if (!isProblem(item)) return;
		this.problems++;
		if (this.shown.length < SHOWN_PROBLEMS_LIMIT) this.shown.push(item);
	}

	/** The current counts as fresh plain data (cost bounded by the number of outcomes and `SHOWN_PROBLEMS_LIMIT`). */
	snapshot(): ImportTallySnapshot {
		return {
			counts: [...this.counts],
			statusCounts: [...this.statusCounts],
			overlapShortfalls: this.overlap,
			problemCount: this.problems,
			shownProblems: this.shown.slice()
		};
	}
}

/** Runs `run` once, about `delayMs` milliseconds later (a timer); injected so tests control time. */
export type Schedule = (run: () => void, delayMs: number) => void;

/**
 * Collects events and hands them to `flush` at most once per `delayMs`: a burst of a thousand
 * progress events costs one update of the page. `push` is O(1); `flushNow` delivers what is
 * pending at once (at the end of a job).
 */
export function batched<T>(flush: (events: T[]) => void, schedule: Schedule, delayMs: number): { push(event: T): void; flushNow(): void } {
	let pending: T[] = [];
	let scheduled = false;
	const deliver = () => {
		scheduled = false;
		if (pending.length === 0) return;
		const events = pending;
		pending = [];
		flush(events);
	};
	return {
		push(event) {
			pending.push(event);
			if (scheduled) return;
			scheduled = true;
			schedule(deliver, delayMs);
		},
		flushNow: deliver
	};
}
