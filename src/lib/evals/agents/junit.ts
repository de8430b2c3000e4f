import type { GateResult } from '../gate/index.ts';
import type { AgentEvalReport } from './report.ts';
import { displayName } from '../../shared/display.ts';
import { xmlEscape } from '../../shared/xml.ts';

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

interface Case {
	name: string;
	classname: string;
	timeMs: number;
	kind: 'pass' | 'failure' | 'error' | 'skipped';
	type?: string;
	message?: string;
	body?: string;
}

const seconds = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3);
const attr = (name: string, value: string | number) => ` ${name}="${xmlEscape(String(value))}"`;

function caseXml(c: Case): string {
	const open = `    <testcase${attr('name', c.name)}${attr('classname', c.classname)}${attr('time', seconds(c.timeMs))}`;
	if (c.kind === 'pass') return `${open}/>\n`;
	const message = (c.message ?? '').split('\n')[0]?.slice(0, 500) ?? '';
	return `${open}>\n      <${c.kind}${attr('message', message)}${c.type ? attr('type', c.type) : ''}>${xmlEscape(c.body ?? '')}</${c.kind}>\n    </testcase>\n`;
}

function suiteXml(name: string, cases: readonly Case[]): string {
	const n = (k: Case['kind']) => cases.filter((c) => c.kind === k).length;
	const time = cases.reduce((s, c) => s + c.timeMs, 0);
	return `  <testsuite${attr('name', name)}${attr('tests', cases.length)}${attr('failures', n('failure'))}${attr('errors', n('error'))}${attr('skipped', n('skipped'))}${attr('time', seconds(time))}>\n${cases.map(caseXml).join('')}  </testsuite>\n`;
}

/** The gate as the JUnit file reports it: a result, or why it was not evaluated, or none. */
export type AgentGateOutcome = { readonly result: GateResult } | { readonly skipped: string } | null;

/**
 * The JUnit XML document of an agent eval (see the module comment).
 * @param notRun ids of tasks the run never reached (incomplete runs).
 */
export function formatAgentJunit(report: AgentEvalReport, gate: AgentGateOutcome, notRun: readonly string[], elapsedMs: number): string {
	const tasks: Case[] = report.perTask.map((r): Case => {
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
	const gates: Case[] = [];
	if (gate && 'result' in gate) {
		for (const m of gate.result.metrics) {
			const name = `${m.metric}: ${m.limit}`;
			gates.push(
				m.pass
					? { name, classname: 'assay.gate', timeMs: 0, kind: 'pass' }
					: {
							name,
							classname: 'assay.gate',
							timeMs: 0,
							kind: 'failure',
							type: 'gate',
							message: `${m.metric} ${m.reason}`,
							body: `${m.metric}: baseline ${m.baselineMean}, candidate ${m.candidateMean}, rule ${m.limit}\n${m.reason}`
						}
			);
		}
	} else if (gate) {
		gates.push({
			name: 'gate',
			classname: 'assay.gate',
			timeMs: 0,
			kind: 'error',
			type: 'GATE_NOT_EVALUATED',
			message: gate.skipped,
			body: gate.skipped
		});
	}
	const suites = [suiteXml('assay.agent.tasks', tasks), ...(gates.length ? [suiteXml('assay.gate', gates)] : [])];
	const all = [...tasks, ...gates];
	const n = (k: Case['kind']) => all.filter((c) => c.kind === k).length;
	return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attr('name', `assay eval: ${report.system.label}`)}${attr('tests', all.length)}${attr('failures', n('failure'))}${attr('errors', n('error'))}${attr('skipped', n('skipped'))}${attr('time', seconds(elapsedMs))}>\n${suites.join('')}</testsuites>\n`;
}
