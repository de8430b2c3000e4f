import { displayName } from '../../lib/shared/display.ts';
import { xmlEscape } from '../../lib/shared/xml.ts';
import { failureReasons, groupByCase, largestDrops, type EvalOutcome } from './outcome.ts';

/**
 * JUnit XML of a run, the format CI systems show as test results (GitHub, GitLab, Jenkins): one
 * `<testsuite name="assay.cases">` with a `<testcase>` per golden case — `<error>` when the
 * system failed on it (code and message), `<failure>` when an answer failed a check, a judge
 * scored it below the pass threshold, or its verdict flipped across repeats (all reasons, one per
 * line), `<skipped>` when the run stopped before it — and one `<testsuite name="assay.gate">`
 * with a `<testcase>` per gate rule (`<failure>` with the gate's reason and the cases that dropped
 * most from the baseline when it fails). Times in
 * seconds. Text is XML-escaped and characters XML 1.0 forbids (controls other than tab, LF, CR;
 * lone surrogates; U+FFFE/U+FFFF) are removed, so any answer makes a well-formed file; a case id's
 * bidi and control characters are shown as visible `<U+202E>` escapes (displayName), so an id cannot
 * reorder or hide the text of a CI test list.
 */

export { xmlEscape };

const seconds = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3);
const attr = (name: string, value: string | number) => ` ${name}="${xmlEscape(String(value))}"`;
/** A message attribute: the first line, at most 500 characters. */
const short = (text: string) => (text.split('\n')[0] ?? '').slice(0, 500);

interface TestCase {
	name: string;
	classname: string;
	timeMs: number;
	kind: 'pass' | 'failure' | 'error' | 'skipped';
	type?: string;
	message?: string;
	body?: string;
}

function testcaseXml(t: TestCase): string {
	const open = `    <testcase${attr('name', t.name)}${attr('classname', t.classname)}${attr('time', seconds(t.timeMs))}`;
	if (t.kind === 'pass') return `${open}/>\n`;
	const tag = t.kind;
	const typeAttr = t.type ? attr('type', t.type) : '';
	const inner = t.body ? `${xmlEscape(t.body)}` : '';
	return `${open}>\n      <${tag}${attr('message', short(t.message ?? ''))}${typeAttr}>${inner}</${tag}>\n    </testcase>\n`;
}

function suiteXml(name: string, cases: readonly TestCase[]): string {
	const count = (k: TestCase['kind']) => cases.filter((c) => c.kind === k).length;
	const time = cases.reduce((s, c) => s + c.timeMs, 0);
	return `  <testsuite${attr('name', name)}${attr('tests', cases.length)}${attr('failures', count('failure'))}${attr('errors', count('error'))}${attr('skipped', count('skipped'))}${attr('time', seconds(time))}>\n${cases.map(testcaseXml).join('')}  </testsuite>\n`;
}

/** The cases that dropped most on `metric`, as extra lines of a gate failure. */
function dropLines(outcome: EvalOutcome, metric: string): string {
	const drops = largestDrops(outcome, metric);
	return drops.length ? `\ncases that dropped most:\n${drops.map((d) => `  ${d}`).join('\n')}` : '';
}

/** The JUnit XML document of `outcome` (see the module comment). */
export function formatJunit(outcome: EvalOutcome): string {
	const flaky = new Set(outcome.report.repeats?.flakyCaseIds ?? []);
	const caseTests: TestCase[] = groupByCase(outcome.cases).map((g) => {
		const base = {
			name: displayName(g.caseId),
			classname: 'assay.cases',
			timeMs: g.repeats.reduce((s, r) => s + (r.output?.timings.totalMs ?? 0), 0)
		};
		const errored = g.repeats.filter((r) => r.error !== null);
		if (errored.length > 0) {
			const first = errored[0]?.error;
			const lines = errored.map((r) => `repeat ${r.repeat}: ${r.error?.code}: ${r.error?.message}`);
			return {
				...base,
				kind: 'error',
				type: first?.code ?? 'INTERNAL',
				message: `${first?.code}: ${first?.message}`,
				body: `${g.query}\n${lines.join('\n')}`
			};
		}
		if (g.repeats.every((r) => r.notRun))
			return { ...base, kind: 'skipped', message: 'not run: the run stopped before this case (system unreachable)' };
		const reasons: string[] = [];
		for (const r of g.repeats) {
			if (!r.record) continue;
			const prefix = g.repeats.length > 1 ? `repeat ${r.repeat}: ` : '';
			for (const reason of failureReasons(r.record, outcome.passThreshold)) reasons.push(`${prefix}${reason}`);
		}
		if (flaky.has(g.caseId)) reasons.unshift(`flaky: the verdict flips across the ${g.repeats.length} repeats`);
		if (reasons.length === 0) return { ...base, kind: 'pass' };
		return {
			...base,
			kind: 'failure',
			type: flaky.has(g.caseId) ? 'flaky' : 'answer',
			message: reasons[0] as string,
			body: `${g.query}\n${reasons.join('\n')}`
		};
	});
	const gateTests: TestCase[] = [];
	const { gate } = outcome;
	if (gate.result) {
		for (const m of gate.result.metrics) {
			const name = `${m.metric}: ${m.limit}`;
			gateTests.push(
				m.pass
					? { name, classname: 'assay.gate', timeMs: 0, kind: 'pass' }
					: {
							name,
							classname: 'assay.gate',
							timeMs: 0,
							kind: 'failure',
							type: 'gate',
							message: `${m.metric} ${m.reason}`,
							body: `${m.metric}: baseline ${m.baselineMean}, candidate ${m.candidateMean}, rule ${m.limit}\n${m.reason}${dropLines(outcome, m.metric)}`
						}
			);
		}
	} else if (gate.skipped) {
		gateTests.push({
			name: 'gate',
			classname: 'assay.gate',
			timeMs: 0,
			kind: 'error',
			type: 'GATE_NOT_EVALUATED',
			message: gate.skipped,
			body: gate.skipped
		});
	}
	const suites = [suiteXml('assay.cases', caseTests)];
	if (gateTests.length > 0) suites.push(suiteXml('assay.gate', gateTests));
	const all = [...caseTests, ...gateTests];
	const count = (k: TestCase['kind']) => all.filter((c) => c.kind === k).length;
	const label = outcome.report.system?.label ?? outcome.report.retrieval.label;
	return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attr('name', `assay eval: ${label}`)}${attr('tests', all.length)}${attr('failures', count('failure'))}${attr('errors', count('error'))}${attr('skipped', count('skipped'))}${attr('time', seconds(outcome.elapsedMs))}>\n${suites.join('')}</testsuites>\n`;
}
