// The stage runner behind `npm test` (scripts/test-all.mjs), apart so it can be tested with a
// fake `run`: every stage runs even when an earlier one fails; a stage whose `needs` did not
// pass is skipped (never run against a stale build); the summary names every stage.

/**
 * @typedef {{ name: string, cmd: string[], needs?: string }} Stage
 * @typedef {{ name: string, status: 'passed' | 'failed' | 'skipped', ms: number, why?: string }} StageResult
 * @typedef {{ status: number | null, signal?: string | null, error?: Error }} RunOutcome
 */

/**
 * Run `stages` in order with `run` and collect one result per stage.
 * @param {Stage[]} stages
 * @param {(stage: Stage) => RunOutcome} run runs one stage's command (spawnSync-shaped outcome)
 * @param {() => number} now milliseconds clock (default Date.now), for the durations shown
 * @returns {StageResult[]} in stage order; `why` says `exit N`, `killed by SIG…`, the spawn
 *   error, or for a skipped stage which dependency did not pass
 */
export function runStages(stages, run, now = Date.now) {
	/** @type {StageResult[]} */
	const results = [];
	for (const stage of stages) {
		const dependency = stage.needs ? results.find((result) => result.name === stage.needs) : undefined;
		if (dependency && dependency.status !== 'passed') {
			results.push({ name: stage.name, status: 'skipped', ms: 0, why: `${stage.needs} ${dependency.status}` });
			continue;
		}
		const started = now();
		const outcome = run(stage);
		const ms = now() - started;
		const failed = outcome.status !== 0;
		const why = outcome.error
			? outcome.error.message
			: outcome.signal
				? `killed by ${outcome.signal}`
				: failed
					? `exit ${outcome.status}`
					: undefined;
		results.push({ name: stage.name, status: failed ? 'failed' : 'passed', ms, ...(why ? { why } : {}) });
	}
	return results;
}

/**
 * The summary printed after every stage: one line per stage, then the verdict.
 * @param {StageResult[]} results
 * @returns {{ lines: string[], exitCode: 0 | 1 }} exit code 1 when any stage did not pass
 */
export function summarise(results) {
	const lines = results.map((r) => `${r.status.padEnd(7)} ${r.name.padEnd(12)} ${(r.ms / 1000).toFixed(0)} s${r.why ? ` (${r.why})` : ''}`);
	const bad = results.filter((r) => r.status !== 'passed');
	if (bad.length > 0)
		return {
			lines: [...lines, '', `${bad.length} of ${results.length} stages did not pass: ${bad.map((r) => r.name).join(', ')}`],
			exitCode: 1
		};
	return { lines: [...lines, '', `All ${results.length} stages passed.`], exitCode: 0 };
}
