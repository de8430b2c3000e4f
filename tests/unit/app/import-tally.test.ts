import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { batched, ImportTally, isProblem, SHOWN_PROBLEMS_LIMIT, type Schedule } from '../../../src/lib/app/import-tally.ts';
import type { ImportItemResult, ImportOutcome } from '../../../src/lib/services/library-api.ts';
import type { DocumentStatus } from '../../../src/lib/ingest/types.ts';

const OUTCOMES: ImportOutcome[] = [
	'added',
	'replaced',
	'unchanged',
	'duplicate',
	'failed',
	'unsupported',
	'needs-ocr',
	'cancelled',
	'skipped'
];
const STATUSES: DocumentStatus[] = ['ready', 'ready-with-warnings', 'failed'];

function item(i: number, outcome: ImportOutcome, status?: DocumentStatus, overlapShortfalls?: number): ImportItemResult {
	return { relativePath: `f${i}.txt`, name: `f${i}.txt`, outcome, status, overlapShortfalls, durationMs: 1 };
}

/** The counts as the panel computed them before: a full rescan of every item. */
function recount(items: ImportItemResult[]) {
	const counts: Record<string, number> = {};
	const statusCounts: Record<string, number> = {};
	for (const i of items) {
		counts[i.outcome] = (counts[i.outcome] ?? 0) + 1;
		if (i.status) statusCounts[i.status] = (statusCounts[i.status] ?? 0) + 1;
	}
	const problems = items.filter(isProblem);
	return {
		counts: Object.entries(counts),
		statusCounts: Object.entries(statusCounts),
		overlapShortfalls: items.reduce((n, i) => n + (i.overlapShortfalls ?? 0), 0),
		problemCount: problems.length,
		shownProblems: problems.slice(0, SHOWN_PROBLEMS_LIMIT)
	};
}

describe('ImportTally', () => {
	it('counts outcomes, statuses, overlap shortfalls and problems exactly as a full rescan does', () => {
		const arbItem = fc.record({
			outcome: fc.constantFrom(...OUTCOMES),
			status: fc.option(fc.constantFrom(...STATUSES), { nil: undefined }),
			overlap: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined })
		});
		fc.assert(
			fc.property(fc.array(arbItem, { maxLength: 600 }), (specs) => {
				const items = specs.map((s, i) => item(i, s.outcome, s.status, s.overlap));
				const tally = new ImportTally();
				for (const i of items) tally.add(i);
				expect(tally.snapshot()).toEqual(recount(items));
			}),
			{ numRuns: 60 }
		);
	});

	it('lists only the first 200 problem files in full and counts the rest', () => {
		const tally = new ImportTally();
		for (let i = 0; i < 20_000; i++) tally.add(item(i, i % 2 === 0 ? 'failed' : 'added', i % 2 === 0 ? undefined : 'ready'));
		const s = tally.snapshot();
		expect(s.problemCount).toBe(10_000);
		expect(s.shownProblems).toHaveLength(200);
		expect(s.shownProblems[199]!.relativePath).toBe('f398.txt');
		expect(s.counts).toEqual([
			['failed', 10_000],
			['added', 10_000]
		]);
	});

	it('gives a snapshot that later files do not change', () => {
		const tally = new ImportTally();
		tally.add(item(0, 'failed'));
		const before = tally.snapshot();
		tally.add(item(1, 'failed'));
		expect(before.problemCount).toBe(1);
		expect(before.shownProblems).toHaveLength(1);
	});
});

describe('batched', () => {
	/** A schedule that runs its callbacks only when the test says so. */
	function manual() {
		const queue: { run: () => void; delayMs: number }[] = [];
		const schedule: Schedule = (run, delayMs) => queue.push({ run, delayMs });
		return { queue, schedule };
	}

	it('applies a burst of a thousand events in one flush, scheduled once', () => {
		const { queue, schedule } = manual();
		const flushes: number[][] = [];
		const b = batched<number>((events) => flushes.push(events), schedule, 100);
		for (let i = 0; i < 1000; i++) b.push(i);
		expect(queue).toHaveLength(1);
		expect(queue[0]!.delayMs).toBe(100);
		expect(flushes).toHaveLength(0);
		queue[0]!.run();
		expect(flushes).toHaveLength(1);
		expect(flushes[0]).toHaveLength(1000);
		expect(flushes[0]![999]).toBe(999);
	});

	it('schedules again after a flush and delivers pending events at once on flushNow', () => {
		const { queue, schedule } = manual();
		const flushes: number[][] = [];
		const b = batched<number>((events) => flushes.push(events), schedule, 100);
		b.push(1);
		queue[0]!.run();
		b.push(2);
		b.push(3);
		expect(queue).toHaveLength(2);
		b.flushNow();
		expect(flushes).toEqual([[1], [2, 3]]);
		// The timer that was pending finds nothing to deliver.
		queue[1]!.run();
		expect(flushes).toHaveLength(2);
	});
});
