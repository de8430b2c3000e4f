import { readFileSync, writeFileSync } from 'node:fs';
import type { Page, Route } from '@playwright/test';
import { test, expect } from './support/fixtures.ts';
import { openAnswers, routeScriptedModels, useJudge } from './support/answer-scripts.ts';
import { routeLlm, streamed } from './support/llm-endpoint.ts';
import { buildSystemReport } from '../../src/lib/evals/system/report.ts';
import { toAnswerRecord } from '../../src/lib/evals/system/records.ts';
import { parseGoldenJsonl } from '../../src/lib/evals/golden/index.ts';
import { defaultGrading } from '../../src/lib/evals/answers/grade.ts';
import type { AnswerRecord, StoredVerdict } from '../../src/lib/evals/answers/types.ts';
import type { SystemCaseResult, SystemRef } from '../../src/lib/evals/system/types.ts';

const OUTPUTS = 'tests/fixtures/systems/demo-outputs.jsonl';
const SYSTEM_URL = 'http://127.0.0.1:9/rag/answer';
const CORS = {
	'access-control-allow-origin': '*',
	'access-control-allow-headers': 'content-type, authorization',
	'access-control-allow-methods': 'POST, OPTIONS'
};

/** A fixture RAG app at {@link SYSTEM_URL}: answers every question from the handbook with one context; returns the requests it got. */
async function routeRagApp(page: Page): Promise<{ body: Record<string, unknown>; auth: string | null }[]> {
	const seen: { body: Record<string, unknown>; auth: string | null }[] = [];
	await page.route(SYSTEM_URL, async (route: Route) => {
		if (route.request().method() === 'OPTIONS') return route.fulfill({ status: 204, headers: CORS });
		const body = route.request().postDataJSON() as Record<string, unknown>;
		seen.push({ body, auth: (await route.request().allHeaders())['authorization'] ?? null });
		if (body.id === 'en-03') return route.fulfill({ status: 500, headers: CORS, body: 'boom' });
		return route.fulfill({
			status: 200,
			headers: { ...CORS, 'content-type': 'application/json' },
			body: JSON.stringify({
				answer: `About ${String(body.question).slice(0, 20)} [1]`,
				contexts: [{ id: 'en/handbook.md', text: 'The handbook.' }]
			})
		});
	});
	return seen;
}

test('grading outputs from another system: the bad line is listed with its number, the rest are stored as an answer run and graded by the judge', async ({
	page
}) => {
	const bodies = await routeScriptedModels(page);
	await openAnswers(page);
	await page.getByTestId('system-kind-file').check();
	await page.getByTestId('system-outputs-input').setInputFiles(OUTPUTS);
	await expect(page.getByTestId('system-outputs-summary')).toContainText('15 outputs read, 1 bad line, 1 for no case');
	const bad = page.getByTestId('system-bad-line');
	await expect(bad).toHaveCount(1);
	await expect(bad).toHaveAttribute('data-line', '4');
	await expect(bad).toHaveText(/^line 4: not JSON: /);
	await expect(page.getByTestId('system-unknown-ids')).toContainText('xx-99');
	await page.getByTestId('system-run-start').click();
	await expect(page.getByTestId('answers-notice')).toContainText('on 15 cases');
	// Same tables as answer runs: 15 rows, the case whose line was bad is an error, never scored.
	await expect(page.getByTestId('answer-row')).toHaveCount(15);
	await expect(page.locator('[data-testid="answer-row"][data-case="en-04"] [data-testid="answer-error"]')).toContainText(
		'SYSTEM_REQUEST_FAILED'
	);
	await expect(page.getByTestId('system-failure')).toHaveCount(1);
	await expect(page.locator('[data-testid="answer-run"][data-status="complete"] [data-testid="answer-run-model"]')).toContainText(
		'system:file'
	);
	await useJudge(page);
	await page.getByTestId('grade-run').click();
	await expect(page.getByTestId('answers-notice')).toContainText('Graded 14 answers.');
	const correctness = page.locator('[data-testid="judge-summary"][data-rubric="correctness"]');
	// 13 valid verdicts (12 × 5 and the sick-leave case's 2) and en-05's reply that is never JSON.
	await expect(correctness.getByTestId('judge-mean')).toHaveText((62 / 13).toFixed(3));
	await expect(page.locator('[data-testid="answer-row"][data-case="en-01"] [data-testid="checks-passed"]')).toHaveText('4/4 passed');
	// 14 answers × 5 rubrics (en-07's context is text only, which adds context precision and recall, as in `assay eval`) and one retry of en-05's unreadable correctness reply.
	expect(bodies).toHaveLength(14 * 5 + 1);
	// Grading again replays every reply from the IndexedDB cache; only the retry of the unreadable reply goes to the judge again.
	await page.getByTestId('grade-run').click();
	await expect(page.getByTestId('answers-notice')).toContainText('Graded 14 answers. Judge: 70 replies from the cache, 1 request sent.');
	expect(bodies).toHaveLength(14 * 5 + 2);
	await expect(correctness.getByTestId('judge-mean')).toHaveText((62 / 13).toFixed(3));
	// The run's report gates like any other.
	await page.getByTestId('export-answer-report').click();
	await expect(page.getByTestId('gate-baseline')).toBeVisible();
});

test('an http system is called with the body template and headers; header values are never stored and a re-run is served from the cache', async ({
	page
}) => {
	const seen = await routeRagApp(page);
	await openAnswers(page);
	await page.getByLabel('System name').fill('fixture rag app');
	await page.getByTestId('system-url').fill(SYSTEM_URL);
	await page.getByLabel('Body template').fill('{"question": "{{query}}", "id": "{{id}}", "k": 3}');
	await page.getByRole('button', { name: 'Add header' }).click();
	await page.getByLabel('Header 2 name').fill('Authorization');
	await page.getByLabel('Header 2 value').fill('Bearer s3cret-token');
	await page.getByTestId('system-run-start').click();
	await expect(page.getByTestId('answers-notice')).toContainText(
		'Evaluated fixture rag app on 15 cases. 0 from the cache, 15 requests sent.'
	);
	expect(seen).toHaveLength(15);
	expect(seen[0]!.body).toEqual({ question: 'How many days of paid annual leave do full-time employees get?', id: 'en-01', k: 3 });
	expect(seen.every((s) => s.auth === 'Bearer s3cret-token')).toBe(true);
	await expect(page.locator('[data-testid="system-failure"][data-case="en-03"]')).toContainText('SYSTEM_REQUEST_FAILED');
	await expect(page.getByTestId('answer-row')).toHaveCount(15);
	// Nothing in localStorage or IndexedDB holds the header value.
	const stored = await page.evaluate(async () => {
		const local = JSON.stringify({ ...localStorage });
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const r = indexedDB.open('assay');
			r.onsuccess = () => resolve(r.result);
			r.onerror = () => reject(r.error);
		});
		const dump: unknown[] = [];
		for (const name of ['answerRuns', 'answers', 'responseCache', 'settings']) {
			dump.push(
				await new Promise((resolve) => {
					const req = db.transaction(name).objectStore(name).getAll();
					req.onsuccess = () => resolve(req.result);
				})
			);
		}
		db.close();
		return local + JSON.stringify(dump);
	});
	expect(stored).toContain('fixture rag app');
	expect(stored).not.toContain('s3cret');
	// Second run: the 14 good replies come from the cache; only the failed case is asked again.
	await page.getByTestId('system-run-start').click();
	await expect(page.getByTestId('answers-notice')).toContainText('14 from the cache, 1 request sent.');
	expect(seen).toHaveLength(16);
	await expect(page.getByTestId('system-last-run')).toContainText('14 of 15 replies from the cache');
});

test('a system URL the site CSP does not allow is refused before any request, naming the origin and the build setting', async ({
	page
}) => {
	await openAnswers(page);
	await page.getByTestId('system-url').fill('https://rag.example.org/answer');
	await expect(page.getByTestId('system-csp-refused')).toContainText('does not allow https://rag.example.org');
	await expect(page.getByTestId('system-csp-refused')).toContainText('ASSAY_SYSTEM_HOSTS=https://rag.example.org');
	await expect(page.getByTestId('system-run-start')).toBeDisabled();
	await expect(page.getByTestId('system-cors')).toContainText('Access-Control-Allow-Origin');
});

const judgeRef = { modelId: 'judge', provider: 'openai-compatible', promptId: 'correctness', promptVersion: 1, temperature: 0, seed: 42 };
const scored = (score: number): StoredVerdict => ({
	result: { ok: true, verdict: { score, reason: `scored ${score}` }, repaired: false, raw: '{}' },
	attempts: 1,
	judge: judgeRef
});

/**
 * A report.json as `assay eval` writes it (the core's buildSystemReport): the demo golden set
 * answered by an http system 3 times per case, correctness `score(caseId, repeat)` (null = the
 * system failed that case), cache counters, graded.
 */
async function cliReport(id: string, label: string, score: (caseId: string, repeat: number) => number | null): Promise<unknown> {
	const cases = parseGoldenJsonl(readFileSync('static/demo/golden.jsonl', 'utf8')).cases;
	const system: SystemRef = {
		type: 'http',
		label,
		details: { method: 'POST', url: 'http://127.0.0.1:8080/answer', headerNames: ['authorization'] }
	};
	const byRepeat: AnswerRecord[][] = [0, 1, 2].map((repeat) =>
		cases.map((c) => {
			const s = score(c.id, repeat);
			const result: SystemCaseResult =
				s === null
					? {
							caseId: c.id,
							repeat,
							output: null,
							error: { name: 'AssayError', code: 'SYSTEM_REQUEST_FAILED', message: 'HTTP 500 from the system' }
						}
					: {
							caseId: c.id,
							repeat,
							output: {
								answer: `Answer to ${c.id} [1]`,
								contexts: [{ documentRef: 'en/handbook.md', text: 'The handbook.' }],
								timings: { totalMs: 20, ttftMs: null }
							},
							error: null
						};
			const record = toAnswerRecord(id, c, result, 0);
			return s === null
				? record
				: {
						...record,
						checks: [{ id: 'citations-present', type: 'citations-present', pass: true, reason: 'cites [1]' }],
						verdicts: { correctness: scored(s) }
					};
		})
	);
	const report = await buildSystemReport({
		id,
		runId: id,
		system,
		goldenSet: { id: 'demo', name: 'demo golden set', cases },
		byRepeat,
		grading: { ...defaultGrading({ provider: 'openai-compatible', modelId: 'judge' }), rubrics: ['correctness'] },
		baseSeed: 42,
		cache: { hits: 30, requests: 15 },
		appVersion: '0.0.0-test',
		createdAtMs: Date.UTC(2026, 11, 2, id === 'cli-base' ? 0 : 1),
		environment: { userAgent: 'node', gpuAdapter: null, hardwareConcurrency: 2 }
	});
	return JSON.parse(JSON.stringify(report)) as unknown;
}

test('a CLI report.json opens with everything it computed, is listed with the reports and gates against another; a bad file is refused with the fields that are wrong', async ({
	page
}, testInfo) => {
	const basePath = testInfo.outputPath('baseline-report.json');
	const candPath = testInfo.outputPath('report.json');
	writeFileSync(basePath, JSON.stringify(await cliReport('cli-base', 'support bot v1', () => 5)));
	// The candidate: en-02 flips between repeats (5, 2, 5), en-03 fails on every repeat, the rest drop to 3.
	writeFileSync(
		candPath,
		JSON.stringify(
			await cliReport('cli-cand', 'support bot v2', (id, r) => (id === 'en-03' ? null : id === 'en-02' ? (r === 1 ? 2 : 5) : 3))
		)
	);
	await openAnswers(page);
	await page.getByTestId('cli-report-input').setInputFiles(basePath);
	await expect(page.locator('[data-testid="cli-report"][data-report="cli-base"]')).toBeVisible();
	await page.getByTestId('cli-report-input').setInputFiles(candPath);
	const view = page.locator('[data-testid="cli-report"][data-report="cli-cand"]');
	await expect(view.getByTestId('cli-report-system')).toContainText('support bot v2 (http)');
	await expect(view.getByTestId('cli-report-system')).toContainText('headerNames: ["authorization"]');
	await expect(view.getByTestId('cli-report-status')).toHaveText('complete');
	await expect(view.getByTestId('cli-report-cache')).toHaveText('cache: 30 hits, 15 requests');
	await expect(view.getByTestId('cli-report-errors')).toHaveText('3 case errors (SYSTEM_REQUEST_FAILED ×3)');
	await expect(view.getByTestId('cli-report-repeats')).toHaveText('3 repeats, 1 flaky case: en-02');
	await expect(view.locator('[data-testid="cli-report-case"][data-case="en-02"]')).toHaveAttribute('data-flaky', 'true');
	await expect(view.locator('[data-testid="cli-report-case"][data-case="en-01"] [data-rubric="correctness"]')).toHaveText('correctness: 3');
	await expect(view.locator('[data-testid="cli-report-case"][data-case="en-03"] [data-testid="cli-report-case-error"]')).toHaveText(
		'SYSTEM_REQUEST_FAILED: HTTP 500 from the system'
	);
	// Repeat 0's scores: 13 cases at 3, en-02 at 5; en-03 failed and is left out, never scored 0.
	await expect(view.locator('[data-testid="cli-report-metrics"] tr[data-metric="judge.correctness"]')).toContainText((44 / 14).toFixed(4));
	// Listed with the others and gated on the page: the candidate is pre-set against the baseline of the same golden set.
	await expect(page.getByTestId('cli-report-pick').locator('option')).toHaveCount(3);
	await expect(page.getByTestId('gate-candidate')).toHaveValue('cli-cand');
	await expect(page.getByTestId('gate-baseline')).toHaveValue('cli-base');
	await page.getByTestId('gate-run').click();
	await expect(page.getByTestId('gate-result')).toHaveAttribute('data-verdict', 'FAIL');
	await expect(page.locator('[data-testid="gate-row"][data-metric="judge.correctness"]')).toHaveAttribute('data-decision', 'FAIL');
	// A file that is not a report is refused, naming what is wrong; the reports stay as they were.
	const badPath = testInfo.outputPath('bad-report.json');
	const bad = (await cliReport('cli-bad', 'broken', () => 5)) as Record<string, unknown>;
	delete bad.dataset;
	writeFileSync(badPath, JSON.stringify({ ...bad, status: 'finished' }));
	await page.getByTestId('cli-report-input').setInputFiles(badPath);
	await expect(page.getByTestId('answers-error')).toContainText('bad-report.json was not opened: Not an Assay eval report');
	await expect(page.getByTestId('answers-error')).toContainText('status:');
	await expect(page.getByTestId('answers-error')).toContainText('dataset:');
	await expect(page.getByTestId('cli-report-pick').locator('option')).toHaveCount(3);
});

test('a system run shows progress, stops on Cancel with what it has, and resumes with the same system asking only the cases left', async ({
	page
}) => {
	const seen: string[] = [];
	await page.route(SYSTEM_URL, async (route: Route) => {
		if (route.request().method() === 'OPTIONS') return route.fulfill({ status: 204, headers: CORS });
		const body = route.request().postDataJSON() as Record<string, unknown>;
		seen.push(String(body.id));
		await new Promise((r) => setTimeout(r, 300));
		return route.fulfill({
			status: 200,
			headers: { ...CORS, 'content-type': 'application/json' },
			body: JSON.stringify({ answer: 'See [1].', contexts: [{ id: 'en/handbook.md', text: 'The handbook.' }] })
		});
	});
	await openAnswers(page);
	await page.getByTestId('system-url').fill(SYSTEM_URL);
	await page.getByLabel('Requests in flight').fill('1');
	await page.getByTestId('system-use-cache').uncheck();
	await page.getByTestId('system-run-start').click();
	await expect(page.getByTestId('system-progress')).toBeVisible();
	await expect.poll(() => page.getByTestId('answer-row').count()).toBeGreaterThanOrEqual(2);
	await page.getByTestId('system-cancel').click();
	await expect(page.getByTestId('answer-run-status')).toHaveText('cancelled');
	const answered = await page.getByTestId('answer-row').count();
	expect(answered).toBeLessThan(15);
	const before = seen.length;
	await page.getByTestId('answer-run-resume').click();
	await expect(page.getByTestId('answers-notice')).toContainText(`on ${15 - answered} cases`);
	await expect(page.getByTestId('answer-row')).toHaveCount(15);
	await expect(page.getByTestId('answer-run-status')).toHaveText('complete');
	// Resume asks exactly the cases without a stored answer (the one in flight at Cancel was not stored, so it is asked again).
	expect(seen.length - before).toBe(15 - answered);
});

test('an outputs file graded with 3 repeats and a judge that flips on one case shows exactly that case as flaky in the report', async ({
	page
}, testInfo) => {
	// en-01's context given as text only (a sentence of the demo handbook): matched to the workspace's document before scoring.
	const outputs = testInfo.outputPath('outputs.jsonl');
	const handbook = 'per calendar year, in addition to public holidays.';
	writeFileSync(
		outputs,
		readFileSync(OUTPUTS, 'utf8')
			.split('\n')
			.map((l) => (l.startsWith('{"id": "en-01"') ? JSON.stringify({ ...(JSON.parse(l) as object), contexts: [handbook] }) : l))
			.join('\n')
	);
	// Every verdict 5, except en-02's answer judged with repeat 1's seed (judge seed 42 + 1).
	await routeLlm(page, async (route: Route) => {
		const body = route.request().postDataJSON() as Record<string, unknown>;
		const flips = body.seed === 43 && JSON.stringify(body.messages).includes('From the 4th consecutive calendar day.');
		return streamed([JSON.stringify({ score: flips ? 1 : 5, reason: 'scripted' })])(route);
	});
	await openAnswers(page);
	await page.getByTestId('system-kind-file').check();
	await page.getByTestId('system-outputs-input').setInputFiles(outputs);
	await expect(page.getByTestId('system-outputs-summary')).toContainText('15 outputs read');
	await page.getByTestId('system-repeats').fill('3');
	await page.getByTestId('system-run-start').click();
	await expect(page.getByTestId('answers-notice')).toContainText('on 15 cases');
	// The answers table shows repeat 0 only.
	await expect(page.getByTestId('answer-row')).toHaveCount(15);
	await expect(page.getByTestId('system-last-run')).toContainText('of 45 replies');
	await expect(page.getByTestId('system-context-matching')).toHaveText(
		/^Contexts: \d+ with a document id, 3 text-only matched to a document, 3 left text only$/
	);
	await useJudge(page);
	await page.getByTestId('grade-run').click();
	// 14 answers (en-04's line was bad) × 3 repeats.
	await expect(page.getByTestId('answers-notice')).toContainText('Graded 42 answers.');
	await page.getByTestId('export-answer-report').click();
	await expect(page.getByTestId('cli-report-repeats')).toHaveText('3 repeats, 1 flaky case: en-02');
	await expect(page.locator('[data-testid="cli-report-case"][data-flaky="true"]')).toHaveCount(1);
	await expect(page.locator('[data-testid="cli-report-case"][data-case="en-02"]')).toHaveAttribute('data-flaky', 'true');
	await expect(page.getByTestId('cli-report-context-matching')).toContainText(
		'3 text-only matched to a document (0 ambiguous), 3 left text-only'
	);
});
