import type { EvalOutcome } from './outcome.ts';

/**
 * `results.jsonl`: one JSON line per case × repeat, in golden-set then repeat order —
 * `{id, repeat, answer, contexts, checks, verdicts, error, timings, cached}`. `contexts` are the
 * system's own (`documentRef`, `text`, `score`); `verdicts` by rubric `{score, reason}` or
 * `{error: {code, message}}`; `error` the case's `{code, message}` (then `answer` is null).
 * A case the run never reached has `error: null`, `notRun: true`.
 */
export function formatResultsJsonl(outcome: EvalOutcome): string {
	return outcome.cases
		.map((c) => {
			const verdicts: Record<string, unknown> = {};
			for (const [rubric, v] of Object.entries(c.record?.verdicts ?? {})) {
				if (!v) continue;
				verdicts[rubric] = v.result.ok
					? { score: v.result.verdict.score, reason: v.result.verdict.reason }
					: { error: { code: v.result.error.code, message: v.result.error.message } };
			}
			return JSON.stringify({
				id: c.caseId,
				repeat: c.repeat,
				answer: c.output?.answer ?? null,
				contexts: c.output?.contexts ?? [],
				checks: (c.record?.checks ?? []).map((k) => ({ id: k.id, pass: k.pass, reason: k.reason })),
				verdicts,
				error: c.error ? { code: c.error.code, message: c.error.message } : null,
				timings: c.output?.timings ?? null,
				cached: c.output?.cached === true,
				...(c.notRun ? { notRun: true } : {})
			});
		})
		.map((line) => `${line}\n`)
		.join('');
}
