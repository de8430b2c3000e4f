import { describe, expect, it } from 'vitest';
import { parseDocument } from 'htmlparser2';
import { DomUtils } from 'htmlparser2';
import type { Element } from 'domhandler';
import { formatJunit, xmlEscape } from '../../../src/cli/eval/junit.ts';
import { formatResultsJsonl } from '../../../src/cli/eval/results-jsonl.ts';
import { escapeHtml, formatReportHtml } from '../../../src/cli/eval/report-html.ts';
import { HOSTILE, sampleOutcome } from '../../support/system-eval-outcome.ts';

/** Parse XML strictly enough to catch what CI parsers refuse: unescaped markup, forbidden characters, unbalanced tags. */
function parseXml(xml: string) {
	// eslint-disable-next-line no-control-regex
	expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
	expect(xml).not.toMatch(/[\uD800-\uDFFF](?![\uDC00-\uDFFF])/u);
	expect(xml.replace(/&(amp|lt|gt|quot|apos);/g, '')).not.toMatch(/&/);
	const doc = parseDocument(xml, { xmlMode: true });
	const open = (xml.match(/<[a-z][^>]*[^/]>|<[a-z]+>/g) ?? []).filter((t) => !t.startsWith('<?')).length;
	const close = (xml.match(/<\/[a-z]+>/g) ?? []).length;
	expect(open).toBe(close);
	return doc;
}

describe('junit.xml', () => {
	it('has a testcase per case and per gate rule, with failures, errors and their reasons', async () => {
		const xml = formatJunit(await sampleOutcome());
		const doc = parseXml(xml);
		const cases = DomUtils.getElementsByTagName('testcase', doc);
		expect(cases.map((c) => `${c.attribs.classname}/${c.attribs.name}`)).toEqual([
			'assay.cases/q1',
			'assay.cases/q2',
			'assay.cases/q3',
			'assay.gate/recall@10: mean ≥ 0.9',
			'assay.gate/judge.faithfulness: mean ≥ 1'
		]);
		const kind = (c: Element) => (DomUtils.getChildren(c).find((n) => (n as Element).name) as Element | undefined)?.name ?? 'pass';
		expect(cases.map(kind)).toEqual(['pass', 'failure', 'error', 'failure', 'pass']);
		const failure = DomUtils.getElementsByTagName('failure', cases[1] as Element)[0] as Element;
		expect(failure.attribs.message).toBe('check cite failed: no citation <in> answer');
		expect(DomUtils.textContent(failure)).toContain('judge.faithfulness = 2 < 4: scored 2');
		const error = DomUtils.getElementsByTagName('error', cases[2] as Element)[0] as Element;
		expect([error.attribs.type, error.attribs.message]).toEqual(['SYSTEM_REQUEST_FAILED', 'SYSTEM_REQUEST_FAILED: HTTP 500 <oops>']);
		const gateFailure = DomUtils.getElementsByTagName('failure', cases[3] as Element)[0] as Element;
		expect(gateFailure.attribs.message).toMatch(/^recall@10 candidate mean 0\.3333 is below the floor 0\.9/);
		const root = DomUtils.getElementsByTagName('testsuites', doc)[0] as Element;
		expect([root.attribs.tests, root.attribs.failures, root.attribs.errors, root.attribs.time]).toEqual(['5', '2', '1', '1.234']);
	});

	it('escapes markup and removes characters XML 1.0 forbids', () => {
		expect(xmlEscape(HOSTILE)).toBe(
			'&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt; &amp; &quot;quotes&quot;   end'
		);
		expect(xmlEscape('\uFFFE\uFFFF😀\t\n')).toBe('😀\t\n');
	});
});

describe('results.jsonl', () => {
	it('has one line per case × repeat with answer, contexts, checks, verdicts and error', async () => {
		const lines = formatResultsJsonl(await sampleOutcome())
			.trimEnd()
			.split('\n')
			.map((l) => JSON.parse(l) as Record<string, unknown>);
		expect(lines.map((l) => l.id)).toEqual(['q1', 'q2', 'q3']);
		expect(lines[0]).toMatchObject({
			repeat: 0,
			answer: HOSTILE,
			contexts: [{ documentRef: 'd1', text: 'one', score: 2 }],
			verdicts: { faithfulness: { score: 5 } },
			error: null
		});
		expect(lines[1]?.checks).toEqual([{ id: 'cite', pass: false, reason: 'no citation <in> answer' }]);
		expect(lines[2]).toMatchObject({ answer: null, error: { code: 'SYSTEM_REQUEST_FAILED', message: 'HTTP 500 <oops>' } });
	});
});

describe('report.html', () => {
	it('renders a hostile answer as text: no script, no element from the answer, no external URL', async () => {
		const html = formatReportHtml(await sampleOutcome());
		const doc = parseDocument(html);
		expect(DomUtils.getElementsByTagName('script', doc)).toHaveLength(0);
		expect(DomUtils.getElementsByTagName('img', doc)).toHaveLength(0);
		expect(DomUtils.getElementsByTagName('b', doc)).toHaveLength(0);
		expect(DomUtils.textContent(doc)).toContain('<script>alert(1)</script><img src=x onerror=alert(2)>');
		expect(html).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
		expect(html).not.toMatch(/url\(/i);
		expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
	});

	it('shows the summary, the gate verdict with its rules, the charts and every case', async () => {
		const doc = parseDocument(formatReportHtml(await sampleOutcome()));
		const text = (id: string) => DomUtils.textContent(DomUtils.getElementById(id, doc) as Element);
		expect(text('verdict')).toBe('Gate: FAIL');
		expect(text('summary')).toContain('fake <app> (http)');
		expect(text('summary')).toContain('1 (SYSTEM_REQUEST_FAILED 1)');
		expect(text('gate')).toContain('candidate mean 0.3333 is below the floor 0.9');
		expect(DomUtils.getElementsByTagName('svg', DomUtils.getElementById('metrics', doc) as Element)).toHaveLength(2);
		const rows = DomUtils.getElementsByTagName('tr', DomUtils.getElementById('cases', doc) as Element).slice(1);
		expect(rows.map((r) => DomUtils.textContent(r.children[0] as Element))).toEqual(['q1', 'q2', 'q3']);
		expect(DomUtils.textContent(rows[2] as Element)).toContain('error SYSTEM_REQUEST_FAILED');
	});

	it('shows a case id with a bidi override or a control character as visible escapes, in report.html and junit.xml', async () => {
		const sample = await sampleOutcome();
		const outcome = { ...sample, cases: sample.cases.map((c) => (c.caseId === 'q1' ? { ...c, caseId: 'inv\u202Efdp.exe\u0007' } : c)) };
		const doc = parseDocument(formatReportHtml(outcome));
		const rows = DomUtils.getElementsByTagName('tr', DomUtils.getElementById('cases', doc) as Element).slice(1);
		expect(DomUtils.textContent(rows[0]?.children[0] as Element)).toBe('inv<U+202E>fdp.exe<U+0007>');
		const names = DomUtils.getElementsByTagName('testcase', parseXml(formatJunit(outcome))).map((c) => c.attribs.name);
		expect(names[0]).toBe('inv<U+202E>fdp.exe<U+0007>');
	});

	it('shows no baseline value and no delta for a floor checked on the candidate alone (the baseline lacks the metric)', async () => {
		const sample = await sampleOutcome();
		const result = sample.gate.result;
		if (!result) throw new Error('the sample has a gate');
		const outcome = {
			...sample,
			gate: {
				...sample.gate,
				result: { ...result, metrics: result.metrics.map((m, i) => (i === 0 ? { ...m, baselineLacksMetric: true as const } : m)) }
			}
		};
		const doc = parseDocument(formatReportHtml(outcome));
		const rows = DomUtils.getElementsByTagName('tr', DomUtils.getElementById('gate', doc) as Element).slice(1);
		const cells = (r: Element | undefined) => DomUtils.getElementsByTagName('td', r as Element).map((c) => DomUtils.textContent(c));
		expect(cells(rows[0]).slice(1, 4)).toEqual(['—', result.metrics[0]?.candidateMean.toFixed(4), '—']);
		expect(cells(rows[1])[1]).toBe(result.metrics[1]?.baselineMean.toFixed(4));
	});

	it('escapes the five HTML-special characters', () => {
		expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
	});
});
