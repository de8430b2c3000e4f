import { describe, expect, it } from 'vitest';
import { coalesced } from '../../../src/lib/app/coalesce.ts';

/** A run of the refresh that finishes when the test says so. */
function controlled() {
	const runs: { finish: () => void }[] = [];
	const fn = () => new Promise<void>((resolve) => runs.push({ finish: resolve }));
	return { runs, fn };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('coalesced', () => {
	it('runs at once on the first request, so a list refreshes as soon as the first file finishes', async () => {
		const { runs, fn } = controlled();
		coalesced(fn).request();
		await tick();
		expect(runs).toHaveLength(1);
	});

	it('serves every request made during a run with exactly one more run after it', async () => {
		const { runs, fn } = controlled();
		const c = coalesced(fn);
		c.request();
		await tick();
		c.request();
		c.request();
		c.request();
		expect(runs).toHaveLength(1);
		runs[0]!.finish();
		await tick();
		expect(runs).toHaveLength(2);
		runs[1]!.finish();
		await c.settled();
		expect(runs).toHaveLength(2);
	});

	it('keeps serving requests after a failed run', async () => {
		let calls = 0;
		const c = coalesced(async () => {
			calls++;
			if (calls === 1) throw new Error('worker busy');
		});
		c.request();
		await c.settled();
		c.request();
		await c.settled();
		expect(calls).toBe(2);
	});

	it('holds the next run until the pause after a run ends, however the requests arrive', async () => {
		const { runs, fn } = controlled();
		const pauses: (() => void)[] = [];
		const c = coalesced(fn, () => new Promise<void>((resolve) => pauses.push(resolve)));
		c.request();
		await tick();
		runs[0]!.finish();
		await tick();
		// The run is over but its pause is not: a request now waits for the pause.
		c.request();
		c.request();
		await tick();
		expect(runs).toHaveLength(1);
		expect(pauses).toHaveLength(1);
		pauses[0]!();
		await tick();
		expect(runs).toHaveLength(2);
		runs[1]!.finish();
		await tick();
		pauses[1]!();
		await c.settled();
		expect(runs).toHaveLength(2);
	});
});
