import { createHttpSystem } from '$lib/evals/system/http-system.ts';
import { createFileSystem } from '$lib/evals/system/file-system.ts';
import { runSystemEval } from '$lib/evals/system/runner.ts';
import { toAnswerRecord } from '$lib/evals/system/records.ts';
import type { SystemEngine } from './answer-system.svelte.ts';

/**
 * The real {@link SystemEngine}: the `http` and `file` adapters (`evals/system/http-system.ts`,
 * `file-system.ts`), the runner (`runner.ts`: concurrency, cache, per-case errors, stop on
 * unreachable, repeats with seed base + r) and the record mapping (`records.ts`), with the
 * page's `fetch` and `performance.now` clock.
 */
export const systemEngine: SystemEngine = {
	http: (settings, label) => createHttpSystem({ type: 'http', label, ...settings }),
	async file(name, text, cases) {
		const built = await createFileSystem({ name, text }, cases);
		return {
			system: built.system,
			outputs: built.parsed.outputs.size,
			badLines: built.parsed.errors.map((e) => ({ line: e.line, reason: e.message })),
			unknownIds: built.unknownIds.map((u) => u.id)
		};
	},
	async run(input) {
		const result = await runSystemEval({
			system: input.system,
			cases: input.cases,
			repeats: input.repeats,
			baseSeed: input.baseSeed,
			concurrency: input.concurrency,
			cache: input.cache,
			clock: () => performance.now(),
			signal: input.signal,
			onResult: input.onResult,
			onProgress: input.onProgress
		});
		return { cacheHits: result.cacheHits, requests: result.requests, cancelled: result.cancelled, stopped: result.stopped };
	},
	record: (run, c, result, createdAtMs) => toAnswerRecord(run.id, c, result, createdAtMs)
};
