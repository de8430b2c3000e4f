import { test, expect } from './support/fixtures.ts';
import { routeLlm, streamed } from './support/llm-endpoint.ts';
import { useJudge } from './support/answer-scripts.ts';

const TRACE_ID = '5b8efff798038103d269b633813fc60c';

test('an imported trace judged low by the scripted judge is listed in Failures for its judge score and promoted with its trace as the source', async ({
	page
}) => {
	// The scripted judge: faithfulness 2 (low), anything else 5.
	const bodies = await routeLlm(page, (route) => {
		const body = route.request().postDataJSON() as { messages: { content: string }[] };
		const faithfulness = /supported by the retrieved context/.test(body.messages[0]!.content);
		return streamed([JSON.stringify(faithfulness ? { score: 2, reason: 'the 2FA source is not used' } : { score: 5, reason: 'on topic' })])(
			route
		);
	});
	await page.goto('./');
	await expect(page.getByTestId('index-status')).toContainText('7 documents');
	await page.getByTestId('traces-link').first().click();
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	await page.getByTestId('otlp-file').setInputFiles('tests/fixtures/otlp/python-rag-app.json');
	await expect(page.getByTestId('traces-notice')).toContainText('Imported 1 trace');
	await page.getByTestId('trace-kind').selectOption('imported');
	await page.getByTestId('trace-row').first().getByTestId('trace-open').click();
	await expect(page.getByTestId('waterfall').getByTestId('waterfall-row')).toHaveCount(4);

	await page.getByText('Judge settings').click();
	await useJudge(page);
	await page.getByTestId('trace-judge-run').click();
	const outcome = page.getByTestId('trace-judge-outcome');
	await expect(outcome).toHaveAttribute('data-status', 'judged');
	await expect(outcome.locator('[data-rubric="faithfulness"]')).toContainText('faithfulness: 2 (fail) — the 2FA source is not used');
	await expect(outcome.locator('[data-rubric="answer-relevancy"]')).toContainText('answer-relevancy: 5 (pass)');
	// The judge saw the trace's question, answer and both retrieved texts.
	const judged = bodies.filter((b) => b.model === 'judge');
	expect(judged).toHaveLength(2);
	const prompt = JSON.stringify(judged[0]!.messages);
	expect(prompt).toContain('How do I reset my password?');
	expect(prompt).toContain('Two-factor authentication can be enabled under Settings → Security.');

	await page.getByTestId('failures-link').click();
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	const failure = page.locator(`[data-testid="failure"][data-trace="${TRACE_ID}"]`);
	await expect(failure).toHaveAttribute('data-reasons', 'judge');
	await expect(failure.getByTestId('failure-signal')).toHaveCount(1);
	await expect(failure.getByTestId('failure-signal')).toContainText('judge.faithfulness = 2 (fail)');
	await expect(failure.getByTestId('failure-detail')).toHaveText('the 2FA source is not used');

	await failure.getByRole('button', { name: 'Promote to golden set' }).click();
	const dialog = page.getByTestId('promote-dialog');
	await expect(dialog.getByLabel('Case query')).toHaveValue('How do I reset my password?');
	await dialog.getByTestId('promote-candidate').filter({ hasText: 'kb-0017' }).getByRole('checkbox').check();
	await dialog.getByLabel('Golden set').selectOption({ label: 'New golden set…' });
	await dialog.getByLabel('New golden set name').fill('From judged traces');
	await dialog.getByRole('button', { name: 'Add to golden set' }).click();
	await expect(dialog.getByTestId('promote-saved')).toContainText('to “From judged traces”');
	await dialog.getByRole('button', { name: 'Close' }).click();

	await page.getByTestId('evals-link').click();
	await page.getByTestId('golden-select').selectOption({ label: 'From judged traces (1)' });
	await page.getByText('Edit cases (1)').click();
	const source = page.getByTestId('golden-case').getByTestId('case-source');
	// A case's source is shown only for `source.kind = 'trace'` (the one kind the schema admits).
	await expect(source).toContainText(`from trace ${TRACE_ID.slice(0, 8)}…`);
	await expect(source).toHaveAttribute('title', `trace ${TRACE_ID}, span eee19b7ec3c1b174`);
});
