import type { GateResult } from '../gate/index.ts';
import type { AgentEvalReport } from './report.ts';
import { displayName } from '../../shared/display.ts';
import { gateCases, junitDocument, type JunitCase } from '../gate/junit.ts';

/**
 * JUnit XML of an agent eval, as `junit.ts` writes it for system evals: `<testsuite
 * name="assay.agent.tasks">` with a `<testcase>` per task — `<error>` when the task could not
 * run (its code and message), `<failure>` with every reason when it did not succeed (no final
 * answer, a check failed, the judge scored it low; a person's review decides instead when the
 * task was reviewed), `<skipped>` for tasks an incomplete run never
 * reached — and `<testsuite name="assay.gate">` with a `<testcase>` per gate rule (or one
 * `<error>` when the gate could not be evaluated). Times in seconds. Written by `assay eval`
 * (`src/cli/eval/agent-eval-command.ts`) and by the Agent page's evaluations alike.
 */

/** The gate as the JUnit file reports it: a result, or why it was not evaluated, or none. */
export type AgentGateOutcome = { readonly result: GateResult } | { readonly skipped: string } | null;

/**
 * The JUnit XML document of an agent eval (see the module comment).
 * @param notRun ids of tasks the run never reached (incomplete runs).
 */
export function formatAgentJunit(report: AgentEvalReport, gate: AgentGateOutcome, notRun: readonly string[], elapsedMs: number): string {
	const tasks: JunitCase[] = report.perTask.map((r): JunitCase => {
		const base = { name: displayName(r.id), classname: 'assay.agent.tasks', timeMs: r.durationMs ?? 0 };
		const calls = r.calls.map((c) => `${c.name}:${c.status}`).join(' → ') || 'no tool calls';
		if (r.error)
			return {
				...base,
				kind: 'error',
				type: r.error.code,
				message: `${r.error.code}: ${r.error.message}`,
				body: `${r.task}\n${r.error.message}`
			};
		if (r.review) {
			if (r.review.pass) return { ...base, kind: 'pass' };
			const why = `reviewed as fail${r.review.notes.trim() ? `: ${r.review.notes.trim()}` : ''}`;
			return {
				...base,
				kind: 'failure',
				type: 'review',
				message: why,
				body: `${r.task}\ncalls: ${calls}\n${[why, ...r.failures].join('\n')}`
			};
		}
		if (r.judge && !r.judge.ok)
			return {
				...base,
				kind: 'error',
				type: r.judge.error.code,
				message: `judge: ${r.judge.error.code}: ${r.judge.error.message}`,
				body: `${r.task}\n${r.failures.join('\n')}`
			};
		if (r.metrics['task-success'] === 1 || r.failures.length === 0) return { ...base, kind: 'pass' };
		return {
			...base,
			kind: 'failure',
			type: 'agent',
			message: r.failures[0] ?? 'the task did not succeed',
			body: `${r.task}\ncalls: ${calls}\n${r.failures.join('\n')}`
		};
	});
	for (const id of notRun)
		tasks.push({
			name: displayName(id),
			classname: 'assay.agent.tasks',
			timeMs: 0,
			kind: 'skipped',
			message: 'not run: the run stopped before this task'
		});
	const gates = gateCases(gate ?? {});
	const suites = [{ name: 'assay.agent.tasks', cases: tasks }, ...(gates.length ? [{ name: 'assay.gate', cases: gates }] : [])];
	return junitDocument(`assay eval: ${report.system.label}`, suites, elapsedMs);
}
