import { displayName } from '../../lib/shared/display.ts';
import { xmlEscape } from '../../lib/shared/xml.ts';
import { gateCases, junitDocument, type JunitCase } from '../../lib/evals/gate/junit.ts';
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

/** The cases that dropped most on `metric`, as extra lines of a gate failure. */
function dropLines(outcome: EvalOutcome, metric: string): string {
	const drops = largestDrops(outcome, metric);
	return drops.length ? `\ncases that dropped most:\n${drops.map((d) => `  ${d}`).join('\n')}` : '';
}

/** The JUnit XML document of `outcome` (see the module comment). */
export function formatJunit(outcome: EvalOutcome): string {
	const flaky = new Set(outcome.report.repeats?.flakyCaseIds ?? []);
	const caseTests: JunitCase[] = groupByCase(outcome.cases).map((g) => {
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
	const gateTests = gateCases(outcome.gate, (metric) => dropLines(outcome, metric));
	const suites = [{ name: 'assay.cases', cases: caseTests }];
	if (gateTests.length > 0) suites.push({ name: 'assay.gate', cases: gateTests });
	const label = outcome.report.system?.label ?? outcome.report.retrieval.label;
	return junitDocument(`assay eval: ${label}`, suites, outcome.elapsedMs);
}
