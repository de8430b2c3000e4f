import { AssayError } from '$lib/shared/errors.ts';

/**
 * One answer run is worked on by one job at a time, across tabs: a Web Lock (`navigator.locks`,
 * held by the tab while it answers or grades the run, released when the job ends or the tab
 * closes) keeps a second tab from resuming a run the first is still answering — which would
 * answer cases twice.
 */
const name = (runId: string) => `assay-answer-run:${runId}`;

type Locks = {
	request<T>(name: string, options: { ifAvailable: boolean }, fn: (lock: unknown) => Promise<T>): Promise<T>;
	query(): Promise<{ held?: { name?: string }[] }>;
};
const locks = (): Locks | null => (navigator as Navigator & { locks?: Locks }).locks ?? null;

/**
 * Run `fn` holding the run's lock.
 * @throws AssayError `RUN_BUSY` when another tab or job holds it.
 */
export async function withRunLock<T>(runId: string, fn: () => Promise<T>): Promise<T> {
	const l = locks();
	if (!l) return fn(); // No Web Locks (very old browsers): one tab is the supported case there.
	return l.request(name(runId), { ifAvailable: true }, async (lock) => {
		if (!lock)
			throw new AssayError(
				'RUN_BUSY',
				'This run is being answered or graded in another tab; wait for it there, or close that tab and resume here.'
			);
		return fn();
	});
}

/** Ids of the runs whose lock some tab holds now (this one included). */
export async function busyRunIds(): Promise<string[]> {
	const l = locks();
	if (!l) return [];
	const held = (await l.query()).held ?? [];
	const prefix = name('');
	return held.flatMap((h) => (h.name?.startsWith(prefix) ? [h.name.slice(prefix.length)] : []));
}

/** What a stored run is doing, as the runs list shows it. */
export type RunActivity = 'running' | 'running in another tab' | 'interrupted' | 'complete' | 'cancelled';

/**
 * The live state of a run: `running` while this tab's job works on it (`ownRunId`), `running in
 * another tab` while another tab holds its lock (`held`, from {@link busyRunIds}); a run stored
 * as `running` with no live job anywhere was cut off (reload, closed tab) and is `interrupted`;
 * otherwise its stored status.
 */
export function runActivity(
	run: { readonly id: string; readonly status: 'running' | 'complete' | 'cancelled' },
	live: { readonly ownRunId: string | null; readonly held: readonly string[] }
): RunActivity {
	if (live.ownRunId === run.id) return 'running';
	if (live.held.includes(run.id)) return 'running in another tab';
	return run.status === 'running' ? 'interrupted' : run.status;
}
