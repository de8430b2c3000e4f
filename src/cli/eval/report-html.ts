import { displayName } from '../../lib/shared/display.ts';
import { failureReasons, groupByCase, type EvalOutcome } from './outcome.ts';

/**
 * `report.html`: ONE self-contained file that opens offline in any browser — inline CSS, charts
 * as inline SVG, no script, no external URL (a `Content-Security-Policy` meta tag with
 * `default-src 'none'` makes the browser refuse any load even if one slipped in). It shows the
 * summary, the gate verdict and rules, the aggregate metrics (bar charts: 0–1 metrics and 1–5
 * judge scores) and a per-case table. Every string from the run — answers, queries, ids, error
 * messages, labels — goes through {@link escapeHtml}, so a hostile answer renders as text.
 */

/** `text` safe as HTML text and attribute values (`& < > " '` escaped; NUL removed). */
export function escapeHtml(text: string): string {
	return (
		text
			// eslint-disable-next-line no-control-regex -- NUL is what is removed
			.replace(/\u0000/g, '')
			.replace(/&/g, '&amp;')
			.replace(/</g, '&lt;')
			.replace(/>/g, '&gt;')
			.replace(/"/g, '&quot;')
			.replace(/'/g, '&#39;')
	);
}

const e = (v: unknown) => escapeHtml(String(v));
/** A case id as shown: bidi and control characters as visible `<U+202E>` escapes (displayName), then escaped. */
const eid = (id: string) => e(displayName(id));
const fmt = (x: number | null | undefined, digits = 4) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(digits));
const clip = (text: string, n: number) => (text.length > n ? `${text.slice(0, n)}…` : text);

/** Metrics shown in the per-case table and the 0–1 chart, when the report has them. */
const HEADLINE = ['recall@5', 'recall@10', 'ndcg@10', 'mrr@10', 'precision@5', 'checks.pass-rate', 'consistency'];

/** A horizontal bar chart as inline SVG: one bar per `[label, value]` on `[0, max]`. */
export function barChartSvg(title: string, bars: readonly (readonly [string, number])[], max: number): string {
	const rowH = 22;
	const labelW = 170;
	const barW = 360;
	const h = bars.length * rowH + 30;
	const rows = bars
		.map(([label, value], i) => {
			const y = 24 + i * rowH;
			const w = Math.max(0, Math.min(1, value / max)) * barW;
			return `<text x="${labelW - 8}" y="${y + 14}" text-anchor="end">${e(label)}</text><rect x="${labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="14" rx="2" class="bar"/><text x="${(labelW + w + 6).toFixed(1)}" y="${y + 14}">${e(fmt(value, 3))}</text>`;
		})
		.join('');
	return `<svg role="img" aria-label="${e(title)}" xmlns="http://www.w3.org/2000/svg" width="${labelW + barW + 60}" height="${h}" viewBox="0 0 ${labelW + barW + 60} ${h}"><text x="0" y="14" class="title">${e(title)}</text><line x1="${labelW}" y1="22" x2="${labelW}" y2="${h - 4}" class="axis"/>${rows}</svg>`;
}

const CSS = `body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:1.8rem 0 .6rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;width:100%;margin:.4rem 0}th,td{border:1px solid #ddd;padding:.3rem .45rem;text-align:left;vertical-align:top}th{background:#f4f4f4}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}.verdict{display:inline-block;padding:.15rem .6rem;border-radius:4px;font-weight:700;color:#fff}
.PASS{background:#1e7b34}.FAIL{background:#b3261e}.INCOMPLETE,.ERROR{background:#8a5a00}.NONE{background:#666}
.ok{color:#1e7b34}.bad{color:#b3261e;font-weight:600}.warn{color:#8a5a00;font-weight:600}.answer{white-space:pre-wrap;word-break:break-word;max-width:28rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}dd{margin:0}
svg text{font:12px system-ui,sans-serif;fill:#1a1a1a}svg .title{font-weight:700}svg .bar{fill:#3b6fb6}svg .axis{stroke:#999}
.reason{font-size:.85rem;color:#444}`;

/** The whole report page (see the module comment). */
export function formatReportHtml(outcome: EvalOutcome): string {
	const { report, gate } = outcome;
	const label = report.system?.label ?? report.retrieval.label;
	const incomplete = report.status !== 'complete';
	const verdict = incomplete ? 'INCOMPLETE' : gate.result ? gate.result.verdict : gate.skipped ? 'ERROR' : 'NONE';
	const verdictText = {
		PASS: 'Gate: PASS',
		FAIL: 'Gate: FAIL',
		INCOMPLETE: 'Run incomplete',
		ERROR: 'Gate not evaluated',
		NONE: 'No gate configured'
	}[verdict];
	const agg = report.metrics.aggregate;
	const errors = report.errors ?? { count: outcome.cases.filter((c) => c.error).length, byCode: {} };
	const flaky = new Set(report.repeats?.flakyCaseIds ?? []);
	const summary: [string, string][] = [
		['System', `${label} (${report.system?.type ?? report.retrieval.mode})`],
		['Golden set', `${report.dataset.name} — ${report.dataset.cases} cases, ${report.dataset.evaluatedCases} evaluated`],
		['Status', report.status + (report.incomplete ? ` — ${report.incomplete.reason}; ${report.incomplete.notRun} not run` : '')],
		[
			'Case errors',
			`${errors.count}${
				Object.keys(errors.byCode).length
					? ` (${Object.entries(errors.byCode)
							.map(([c, n]) => `${c} ${n}`)
							.join(', ')})`
					: ''
			}`
		],
		['Repeats', `${report.repeats?.n ?? 1}${flaky.size ? ` — flaky: ${[...flaky].map(displayName).join(', ')}` : ''}`],
		['Cache', report.cache ? `${report.cache.hits} hits, ${report.cache.requests} requests sent` : 'off'],
		...(report.contextMatching
			? [
					[
						'Contexts',
						`${report.contextMatching.given} with a document id, ${report.contextMatching.matched} text-only matched to the corpus, ${report.contextMatching.unmatched} text only`
					] as [string, string]
				]
			: []),
		['Created', report.createdAt],
		['Assay', report.app.version]
	];
	const gateRows = gate.result
		? gate.result.metrics
				.map(
					(m) =>
						`<tr><td>${e(m.metric)}</td><td class="num">${e(m.baselineLacksMetric ? '—' : fmt(m.baselineMean))}</td><td class="num">${e(fmt(m.candidateMean))}</td><td class="num">${e(m.baselineLacksMetric ? '—' : fmt(m.delta))}</td><td>${e(m.limit)}</td><td class="${m.pass ? 'ok' : 'bad'}">${m.pass ? 'pass' : 'FAIL'}</td><td class="reason">${e(m.reason)}</td></tr>`
				)
				.join('')
		: '';
	const gateHtml = gate.result
		? `<p>${gate.baselinePath ? `Against the baseline <code>${e(gate.baselinePath)}</code>` : 'Floors only (no baseline)'}, ${e(gate.result.queryCount)} shared queries.</p><table><thead><tr><th>metric</th><th>baseline</th><th>candidate</th><th>delta</th><th>rule</th><th>result</th><th>reason</th></tr></thead><tbody>${gateRows}</tbody></table>`
		: `<p>${e(gate.skipped ?? 'No gate in the configuration.')}</p>`;
	const unit = HEADLINE.filter((m) => agg[m] !== undefined).map((m) => [m, (agg[m] as { mean: number }).mean] as const);
	const judges = Object.keys(agg)
		.filter((m) => m.startsWith('judge.'))
		.map((m) => [m, (agg[m] as { mean: number }).mean] as const);
	const charts = [
		unit.length ? barChartSvg('Retrieval and checks (0–1)', unit, 1) : '',
		judges.length ? barChartSvg('Judge scores (1–5)', judges, 5) : ''
	].join('');
	const metricRows = Object.entries(agg)
		.sort(([a], [b]) => a.localeCompare(b))
		.map(
			([m, v]) =>
				`<tr><td>${e(m)}</td><td class="num">${e(fmt(v.mean))}</td><td class="reason">${e(report.metrics.definitions[m]?.definition ?? '')}</td></tr>`
		)
		.join('');
	const perQuery = new Map(report.perQuery.map((q) => [q.id, q.metrics] as const));
	const columns = [...HEADLINE.filter((m) => agg[m] !== undefined), ...judges.map(([m]) => m)];
	const caseRows = groupByCase(outcome.cases)
		.map((g) => {
			const first = g.repeats[0];
			const error = g.repeats.find((r) => r.error)?.error;
			const reasons = g.repeats.flatMap((r) => (r.record ? failureReasons(r.record, outcome.passThreshold) : []));
			const status = error
				? `<span class="bad">error ${e(error.code)}</span><div class="reason">${e(clip(error.message, 400))}</div>`
				: g.repeats.every((r) => r.notRun)
					? '<span class="warn">not run</span>'
					: flaky.has(g.caseId)
						? '<span class="warn">flaky</span>'
						: reasons.length
							? `<span class="bad">fail</span><div class="reason">${reasons
									.slice(0, 4)
									.map((r) => e(clip(r, 300)))
									.join('<br>')}</div>`
							: '<span class="ok">pass</span>';
			const values = perQuery.get(g.caseId) ?? {};
			const cells = columns.map((m) => `<td class="num">${e(fmt(values[m], 3))}</td>`).join('');
			return `<tr><td>${eid(g.caseId)}</td><td>${e(clip(g.query, 300))}</td><td class="answer">${e(clip(first?.output?.answer ?? '', 600))}</td>${cells}<td>${status}</td></tr>`;
		})
		.join('');
	return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(`Assay eval — ${label}`)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>Assay eval — ${e(label)}</h1><p><span class="verdict ${verdict}" id="verdict">${e(verdictText)}</span></p></header>
<section id="summary"><h2>Summary</h2><dl>${summary.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join('')}</dl></section>
<section id="gate"><h2>Gate</h2>${gateHtml}</section>
<section id="metrics"><h2>Metrics</h2>${charts}<table><thead><tr><th>metric</th><th>mean</th><th>definition</th></tr></thead><tbody>${metricRows}</tbody></table><p class="reason">${e(report.metrics.conventions)}</p></section>
<section id="cases"><h2>Cases</h2><table><thead><tr><th>id</th><th>query</th><th>answer</th>${columns.map((m) => `<th>${e(m)}</th>`).join('')}<th>result</th></tr></thead><tbody>${caseRows}</tbody></table></section>
</body>
</html>
`;
}
