import { xmlEscape } from '../../shared/xml.ts';
import type { GateResult } from './index.ts';

/**
 * The JUnit XML pieces every `assay eval` report shares (system, retrieval and agent evals):
 * one `<testcase>` per item, `<testsuite>` totals, the `<testsuites>` document, and the
 * `assay.gate` suite with a `<testcase>` per gate rule. The format is the one CI systems read as
 * test results (GitHub, GitLab, Jenkins; the Ant JUnit schema): times in seconds with three
 * decimals, `failures` / `errors` / `skipped` counts on each suite and on the document. Text is
 * XML-escaped by `xmlEscape`, which also drops characters XML 1.0 forbids, so any answer makes a
 * well-formed file.
 */

/** One `<testcase>`: `kind` picks the child element (none for a pass). `timeMs` ≥ 0. */
export interface JunitCase {
	name: string;
	classname: string;
	timeMs: number;
	kind: 'pass' | 'failure' | 'error' | 'skipped';
	/** The child's `type` attribute (an error code, `gate`, `answer`, …). */
	type?: string;
	/** The child's `message` attribute: only its first line, at most 500 characters, is kept. */
	message?: string;
	/** The child's text. */
	body?: string;
}

const seconds = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3);
const attr = (name: string, value: string | number) => ` ${name}="${xmlEscape(String(value))}"`;
/** A message attribute: the first line, at most 500 characters. */
const short = (text: string) => (text.split('\n')[0] ?? '').slice(0, 500);
const counts = (cases: readonly JunitCase[]) => {
	const n = (k: JunitCase['kind']) => cases.filter((c) => c.kind === k).length;
	return `${attr('tests', cases.length)}${attr('failures', n('failure'))}${attr('errors', n('error'))}${attr('skipped', n('skipped'))}`;
};

function caseXml(c: JunitCase): string {
	const open = `    <testcase${attr('name', c.name)}${attr('classname', c.classname)}${attr('time', seconds(c.timeMs))}`;
	if (c.kind === 'pass') return `${open}/>\n`;
	const type = c.type ? attr('type', c.type) : '';
	return `${open}>\n      <${c.kind}${attr('message', short(c.message ?? ''))}${type}>${xmlEscape(c.body ?? '')}</${c.kind}>\n    </testcase>\n`;
}

function suiteXml(name: string, cases: readonly JunitCase[]): string {
	const time = cases.reduce((s, c) => s + c.timeMs, 0);
	return `  <testsuite${attr('name', name)}${counts(cases)}${attr('time', seconds(time))}>\n${cases.map(caseXml).join('')}  </testsuite>\n`;
}

/** A named suite of cases, as `junitDocument` takes them. */
export interface JunitSuite {
	name: string;
	cases: readonly JunitCase[];
}

/**
 * The whole `<testsuites>` document, the suites in the order given (an empty one is written as an
 * empty suite: leave it out to omit it). The document's counts are over all cases and its `time`
 * is `elapsedMs` (the run's wall time, not the sum of the cases).
 */
export function junitDocument(name: string, suites: readonly JunitSuite[], elapsedMs: number): string {
	const all = suites.flatMap((s) => s.cases);
	const body = suites.map((s) => suiteXml(s.name, s.cases)).join('');
	return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attr('name', name)}${counts(all)}${attr('time', seconds(elapsedMs))}>\n${body}</testsuites>\n`;
}

/** The gate as a JUnit file reports it: a result, or why it was not evaluated, or neither. */
export interface JunitGate {
	readonly result?: GateResult | null;
	readonly skipped?: string | null;
}

/**
 * The `assay.gate` cases: one per rule (`<failure type="gate">` with the baseline and candidate
 * means, the rule and its reason, then `details(metric)` when given), or one
 * `<error type="GATE_NOT_EVALUATED">` saying why the gate was skipped; none without a gate.
 */
export function gateCases(gate: JunitGate, details: (metric: string) => string = () => ''): JunitCase[] {
	const base = { classname: 'assay.gate', timeMs: 0 } as const;
	if (gate.result)
		return gate.result.metrics.map((m): JunitCase => {
			const name = `${m.metric}: ${m.limit}`;
			if (m.pass) return { ...base, name, kind: 'pass' };
			const body = `${m.metric}: baseline ${m.baselineMean}, candidate ${m.candidateMean}, rule ${m.limit}\n${m.reason}${details(m.metric)}`;
			return { ...base, name, kind: 'failure', type: 'gate', message: `${m.metric} ${m.reason}`, body };
		});
	if (gate.skipped)
		return [{ ...base, name: 'gate', kind: 'error', type: 'GATE_NOT_EVALUATED', message: gate.skipped, body: gate.skipped }];
	return [];
}
