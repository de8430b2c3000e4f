/**
 * Collapse bursts of requests for the same refresh: at most one run of `fn` is in flight; requests
 * made while it runs are served by one more run after it (so the last request always sees a run
 * that started after it). Used to refresh a list as each imported file finishes without queueing
 * one reload per file. A failed run is swallowed (the next request tries again; the caller
 * refreshes once more at the end of its job). `pause`, when given, is awaited after each run
 * before the next may start (requests during it are owed one run after it): it spaces refreshes
 * that are costly at scale.
 */
export function coalesced(fn: () => Promise<void>, pause?: () => Promise<void>): { request(): void; settled(): Promise<void> } {
	let running: Promise<void> | null = null;
	let again = false;
	const loop = async (): Promise<void> => {
		for (;;) {
			again = false;
			await fn().catch(() => {});
			if (pause) await pause();
			if (!again) break;
		}
		running = null;
	};
	return {
		request() {
			if (running) again = true;
			else running = loop();
		},
		/** Resolves when no run is in flight or owed. */
		async settled() {
			while (running) await running;
		}
	};
}
