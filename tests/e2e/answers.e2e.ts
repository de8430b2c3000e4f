import { readFileSync } from 'node:fs';
import { test, expect } from './support/fixtures.ts';
import { answerAll, gradeAll, openAnswers, routeScriptedModels, useAnsweringModel, useJudge } from './support/answer-scripts.ts';

test('an answer run over the golden set stores every answer with its citations, sources, tokens and TTFT', async ({ page }) => {
	const bodies = await routeScriptedModels(page);
	await openAnswers(page);
	await answerAll(page, 'answerer-good', 'good run');
	const rows = page.getByTestId('answer-row');
	await expect(rows).toHaveCount(15);
	const first = page.locator('[data-testid="answer-row"][data-case="en-01"]');
	await expect(first.getByTestId('answer-row-text')).toContainText('see the handbook [1].');
	await expect(first).toContainText('400 / 4');
	await expect(first).toContainText(/\d+ ms/);
	await expect(page.getByTestId('answer-run-status')).toHaveText('complete');
	// Cost: the scripted model has no price ("—", saying why) until a price is added in Settings.
	await expect(first.getByTestId('answer-cost')).toHaveAttribute('title', 'no price for model answerer-good');
	await expect(page.getByTestId('run-cost-reason')).toContainText('no price for model answerer-good');
	await page.goto('./settings/');
	await page.getByTestId('price-add').click();
	const row = page.getByTestId('price-row').last();
	await row.getByLabel(/Model id or glob/).fill('answerer-*');
	await row.getByLabel(/Input price/).fill('1');
	await row.getByLabel(/Output price/).fill('-2');
	await row.getByLabel(/Source URL/).fill('https://example.com/pricing');
	await page.getByTestId('price-save').click();
	await expect(page.getByTestId('price-row-error')).toContainText('outputPerMTok must be ≥ 0');
	await row.getByLabel(/Output price/).fill('2');
	await page.getByTestId('price-save').click();
	await expect(page.getByTestId('price-saved')).toBeVisible();
	await page.goto('./answers/');
	// 400 input × $1 + 4 output × $2 per million tokens = $0.000408 an answer; 15 answers.
	await expect(first.getByTestId('answer-cost')).toHaveText('$0.000408');
	await expect(page.getByTestId('run-cost-usd')).toHaveText('$0.00612');
	// The prompt version and retrieval of the run went into every request: sources numbered in the last user message.
	expect(bodies).toHaveLength(15);
	expect(String((bodies[0]!.messages as { content: string }[]).at(-1)!.content)).toMatch(/^Sources:\n<source id="1" title="/);
});

test('grading shows each check and judge verdict per answer, excludes typed judge errors from the mean and reports the error rate', async ({
	page
}) => {
	const bodies = await routeScriptedModels(page);
	await openAnswers(page);
	await answerAll(page, 'answerer-good', 'good run');
	await page.getByLabel('Judge seed').fill('7');
	await gradeAll(page);
	// Judge requests carry the seed and temperature chosen and the verdict schema as response_format.
	const judged = bodies.filter((b) => b.model === 'judge');
	expect(judged).toHaveLength(15 * 3 + 1);
	expect(judged[0]).toMatchObject({ seed: 7, temperature: 0, response_format: { type: 'json_schema' } });
	const correctness = page.locator('[data-testid="judge-summary"][data-rubric="correctness"]');
	// 14 valid verdicts (13 × 5 and one 2) and one reply that is not JSON even after the retry.
	await expect(correctness.getByTestId('judge-mean')).toHaveText((67 / 14).toFixed(3));
	await expect(correctness.getByTestId('judge-error-rate')).toHaveText((1 / 15).toFixed(3));
	await expect(correctness).toContainText('JUDGE_OUTPUT_INVALID ×1');
	const e1042 = page.locator('[data-testid="answer-row"][data-case="en-05"]');
	await expect(e1042.locator('[data-rubric="correctness"] [data-error]')).toHaveText('JUDGE_OUTPUT_INVALID');
	await expect(e1042.getByTestId('checks-passed')).toHaveText('4/4 passed');
	await expect(page.locator('[data-testid="check-summary"][data-check="citations-valid"]')).toContainText('15');
});

test('three answers labelled from the keyboard show accuracy, Cohen’s κ and the confusion matrix against the judge', async ({ page }) => {
	await routeScriptedModels(page);
	await openAnswers(page);
	await answerAll(page, 'answerer-good', 'good run');
	await gradeAll(page);
	const queue = page.getByTestId('review-queue');
	await queue.focus();
	await expect(page.getByTestId('review-item')).toHaveAttribute('data-case', 'en-01');
	await page.keyboard.press('p');
	await expect(page.getByTestId('review-item')).toHaveAttribute('data-case', 'en-02');
	await page.keyboard.press('n');
	await page.keyboard.type('asks for the 4th day, the answer does not say');
	await page.keyboard.press('Escape');
	await page.keyboard.press('f');
	await page.keyboard.press('f');
	await expect(page.getByTestId('review-item')).toHaveAttribute('data-case', 'en-04');
	await expect(page.locator('[data-testid="answer-row"][data-case="en-02"] [data-testid="answer-human"]')).toHaveText('fail');
	// Human pass, fail, fail vs judge (correctness ≥ 4) pass, fail, pass: p_o = 2/3, p_e = 4/9, κ = 0.4.
	const agreement = page.getByTestId('agreement-pass-fail');
	await expect(agreement.getByTestId('agreement-pass-fail-accuracy')).toHaveText('0.667');
	await expect(agreement.getByTestId('agreement-pass-fail-kappa')).toHaveText('0.400');
	await expect(agreement.getByTestId('agreement-pass-fail-confusion').locator('tbody tr')).toHaveText([/fail\s*1\s*1/, /pass\s*0\s*1/]);
	// Labels are stored: they survive a reload.
	await page.reload();
	await page.locator('main[data-ready="true"]').waitFor();
	await expect(page.getByTestId('agreement-pass-fail-kappa')).toHaveText('0.400');
});

test('the exported report carries answers, verdicts and agreement, and gates a regressed candidate against the baseline to FAIL', async ({
	page
}) => {
	await routeScriptedModels(page);
	await openAnswers(page);
	await answerAll(page, 'answerer-good', 'baseline');
	await gradeAll(page);
	await page.getByTestId('review-queue').focus();
	await page.keyboard.press('p');
	const download = page.waitForEvent('download');
	await page.getByTestId('export-answer-report').click();
	const report = JSON.parse(readFileSync(await (await download).path(), 'utf8'));
	expect(report.schema).toBe('assay.eval-report/v2');
	expect(report.answers.perCase).toHaveLength(15);
	expect(report.answers.grading.judge.modelId).toBe('judge');
	expect(report.answers.summary.judges.correctness.errorRate).toBeCloseTo(1 / 15, 12);
	expect(report.perQuery.find((q: { id: string }) => q.id === 'en-05').metrics['judge.correctness']).toBeUndefined();
	expect(report.perQuery.find((q: { id: string }) => q.id === 'en-01').metrics['judge.correctness']).toBe(5);
	expect(report.answers.perCase[0].review.pass).toBe(true);

	await answerAll(page, 'answerer-bad', 'candidate');
	await gradeAll(page);
	const bad = page.locator('[data-testid="answer-row"][data-case="en-01"]');
	await expect(bad.getByTestId('checks-passed')).toHaveText('3/4 passed');
	await expect(bad.getByTestId('check')).toHaveText('✗ citations-present: The answer cites no source.');
	await page.getByTestId('export-answer-report').click();
	const optionValue = (label: string) =>
		page
			.getByTestId('gate-baseline')
			.locator('option')
			.filter({ hasText: new RegExp(`^${label} · `) })
			.getAttribute('value');
	await page.getByTestId('gate-baseline').selectOption((await optionValue('baseline'))!);
	await page.getByTestId('gate-candidate').selectOption((await optionValue('candidate'))!);
	await page.getByTestId('gate-run').click();
	await expect(page.getByTestId('gate-result')).toHaveAttribute('data-verdict', 'FAIL');
	const correctness = page.locator('[data-testid="gate-row"][data-metric="judge.correctness"]');
	await expect(correctness).toHaveAttribute('data-decision', 'FAIL');
	await expect(correctness).toContainText('dropped');
});

test('a cancelled answer run resumes after a reload and answers only the cases left', async ({ page }) => {
	const bodies = await routeScriptedModels(page, 400);
	await openAnswers(page);
	await useAnsweringModel(page, 'answerer-good');
	await page.getByTestId('answer-run-start').click();
	await expect.poll(() => page.getByTestId('answer-row').count()).toBeGreaterThanOrEqual(3);
	await page.getByTestId('answer-cancel').click();
	await expect(page.getByTestId('answer-run-status')).toHaveText('cancelled');
	const answered = await page.getByTestId('answer-row').count();
	expect(answered).toBeGreaterThanOrEqual(3);
	await page.reload();
	await page.locator('main[data-ready="true"]').waitFor();
	await expect(page.getByTestId('answer-row')).toHaveCount(answered);
	const before = bodies.length;
	await page.getByTestId('answer-run-resume').click();
	await expect(page.getByTestId('answers-notice')).toContainText('Answered 15 cases.');
	await expect(page.getByTestId('answer-row')).toHaveCount(15);
	expect(bodies.length - before).toBe(15 - answered);
});

test('an answer becomes a golden case with the sources chosen and a corrected reference answer', async ({ page }) => {
	await routeScriptedModels(page);
	await openAnswers(page);
	await answerAll(page, 'answerer-good', 'good run');
	await page.locator('[data-testid="answer-row"][data-case="en-03"]').getByTestId('answer-add-golden').click();
	const form = page.getByTestId('add-to-golden');
	await form.getByLabel('Case id').fill('en-03-corrected');
	await form.getByLabel('Reference answer').fill('TOTP apps and hardware security keys; SMS is not allowed.');
	await expect(form.locator('input[type="checkbox"]:checked')).toHaveCount(1);
	await form.getByTestId('add-to-golden-save').click();
	await expect(page.getByTestId('answers-notice')).toContainText('Case "en-03-corrected" saved');
	await expect(page.getByTestId('answer-golden-set')).toContainText('16 cases');
});

test('comparing two runs with a judge biased to the first position reports consistency 0 and every pair a tie, so no DPO pair comes from it', async ({
	page
}) => {
	await routeScriptedModels(page);
	await openAnswers(page);
	await answerAll(page, 'answerer-good', 'good run');
	await answerAll(page, 'answerer-bad', 'bad run');
	await useJudge(page);
	await page.getByLabel('Compare with run').selectOption({ label: 'good run' });
	await page.getByTestId('pairwise-run').click();
	await expect(page.getByTestId('pairwise-summary')).toContainText('15 pairs, 15 judged in both orders');
	await expect(page.getByTestId('pairwise-summary')).toContainText('ties 15');
	await expect(page.getByTestId('pairwise-consistency')).toHaveText('0.000');
	await page.getByTestId('export-dpo').click();
	await expect(page.getByTestId('answers-notice')).toContainText('No preference pair yet');
});

test('answers a person passed export as TRL SFT chat JSONL with the exact prompt messages', async ({ page }) => {
	await routeScriptedModels(page);
	await openAnswers(page);
	await answerAll(page, 'answerer-good', 'good run');
	await page.getByTestId('review-queue').focus();
	await page.keyboard.press('p');
	await page.keyboard.press('f');
	await page.keyboard.press('p');
	await expect(page.getByTestId('review-item')).toHaveAttribute('data-case', 'en-04');
	const download = page.waitForEvent('download');
	await page.getByTestId('export-sft').click();
	const lines = readFileSync(await (await download).path(), 'utf8')
		.trim()
		.split('\n')
		.map((l) => JSON.parse(l));
	expect(lines).toHaveLength(2);
	const roles = lines[0].messages.map((m: { role: string }) => m.role);
	expect(roles).toEqual(['system', 'user', 'assistant']);
	expect(lines[0].messages[1].content).toMatch(/^Sources:\n<source id="1" title="/);
	expect(lines[0].messages[2].content).toContain('see the handbook [1].');
});

test('1–5 scores given from the keyboard show Cohen’s κ and linear and quadratic weighted κ against the judge’s scores', async ({
	page
}) => {
	await routeScriptedModels(page);
	await openAnswers(page);
	await answerAll(page, 'answerer-good', 'good run');
	await gradeAll(page);
	await page.getByLabel('Score 1–5 (1…5)').check();
	await page.getByTestId('review-queue').focus();
	for (const key of ['5', '3', '4']) await page.keyboard.press(key);
	await expect(page.getByTestId('review-item')).toHaveAttribute('data-case', 'en-04');
	// Human 5, 3, 4 vs judge 5, 2, 5. κ: p_o = 1/3, p_e = 2/9 → 1/7. Linear weights |i−j|/4: observed
	// disagreement 1/6, expected 1/3 → 0.5. Quadratic (i−j)²/16: observed 1/24, expected 1/6 → 0.75.
	await expect(page.getByTestId('agreement-score-kappa')).toHaveText((1 / 7).toFixed(3));
	await expect(page.getByTestId('agreement-score-wkappa-linear')).toHaveText('0.500');
	await expect(page.getByTestId('agreement-score-wkappa-quadratic')).toHaveText('0.750');
	await expect(page.getByTestId('agreement-score-confusion').locator('tbody tr')).toHaveCount(5);
});
