import { test, expect } from './support/fixtures.ts';
import { openAnswers } from './support/answer-scripts.ts';

const fixture = (name: string) => `tests/fixtures/routing/${name}.report.json`;

test('a router between a cheap and a strong answer run is accepted when it sends the hard cases to the strong model, and rejected when it sends everything cheap', async ({
	page
}) => {
	await openAnswers(page);
	await page.getByTestId('cli-report-input').setInputFiles(fixture('cheap'));
	await expect(page.locator('[data-testid="cli-report"][data-report="routing-cheap"]')).toBeVisible();
	await page.getByTestId('cli-report-input').setInputFiles(fixture('strong'));
	await expect(page.locator('[data-testid="cli-report"][data-report="routing-strong"]')).toBeVisible();
	const panel = page.getByTestId('routing-panel');
	await panel.getByTestId('routing-cheap').selectOption('routing-cheap');
	await panel.getByTestId('routing-strong').selectOption('routing-strong');
	await panel.getByTestId('routing-tune').uncheck();
	await panel.getByTestId('routing-run').click();
	// The starter router sends "compare … explain why" questions to the strong model.
	await expect(panel.getByTestId('routing-verdict')).toHaveAttribute('data-verdict', 'accepted');
	await expect(panel.getByTestId('routing-verdict')).toContainText(
		'Accepted: router hard-to-strong v1 between “small-model” and “large-model” at margin 0.05'
	);
	await expect(panel.getByTestId('routing-confirm')).toContainText('non-inferior');
	await panel
		.getByTestId('routing-router')
		.fill(JSON.stringify({ schema: 'assay.router/v1', kind: 'rules', id: 'all-cheap', version: 1, rules: [], default: 'cheap' }));
	await panel.getByTestId('routing-run').click();
	await expect(panel.getByTestId('routing-verdict')).toHaveAttribute('data-verdict', 'rejected');
	await expect(panel.getByTestId('routing-reasons')).toContainText('non-inferiority at margin 0.05 not shown');
	// A malformed router is refused with the field that is wrong.
	await panel
		.getByTestId('routing-router')
		.fill('{"schema": "assay.router/v1", "kind": "rules", "id": "x", "version": 1, "rules": [{"route": "big"}], "default": "cheap"}');
	await panel.getByTestId('routing-run').click();
	await expect(panel.getByTestId('routing-error')).toContainText('rules.0.route');
});
