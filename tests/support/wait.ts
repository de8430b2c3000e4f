/**
 * Polls `check` until it returns true, then resolves. A bound, not a speed check: the
 * default 60 s is far above any healthy wait on a busy 2-core machine, and running out of it
 * throws, so a hang fails loudly with what was awaited instead of passing silently.
 * @param check resolves true once the awaited state holds
 * @param what words for the failure message ("the import job to finish")
 * @param options `timeoutMs` (default 60,000), `intervalMs` between polls (default 10)
 * @throws Error `Timed out after … waiting for <what>`
 */
export async function waitUntil(
	check: () => boolean | Promise<boolean>,
	what: string,
	{ timeoutMs = 60_000, intervalMs = 10 }: { timeoutMs?: number; intervalMs?: number } = {}
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
}
