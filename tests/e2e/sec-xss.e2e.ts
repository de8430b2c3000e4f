import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect } from './support/fixtures.ts';
import { routeLlm, streamed, askRouted } from './support/llm-endpoint.ts';

const caseDir = join(import.meta.dirname, '..', 'fixtures', 'cases', 'sec-01-xss-markdown');
const modelOutput = readFileSync(join(caseDir, 'model_output.md'), 'utf8');

/** Split text into small pieces, as a model streams it (markers and tags arrive cut in half). */
function pieces(text: string, size = 7): string[] {
	const out: string[] = [];
	for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
	return out;
}

test('case sec-01: a hostile document and model answer render without running script, fetching images, or losing citation links', async ({
	page
}) => {
	const fetched: string[] = [];
	page.on('request', (r) => {
		const url = new URL(r.url());
		if (r.resourceType() === 'image' || url.pathname.endsWith('/x')) fetched.push(r.url());
	});
	page.on('dialog', (d) => void d.dismiss());
	await routeLlm(page, streamed(pieces(modelOutput)));

	await page.goto('./?demo=0');
	await expect(page.getByTestId('index-status')).toContainText('lexical ready');
	await page.getByTestId('file-input').setInputFiles(join(caseDir, 'input.md'));
	await expect(page.getByTestId('import-done')).toBeVisible();
	await askRouted(page, 'Where do I send the signed form?');

	// The citation still links and opens the retrieved chunk — whose hostile text is rendered too.
	const text = page.getByTestId('answer-text');
	await expect(text.locator('a[data-citation="1"]')).toHaveCount(2);
	await text.locator('a[data-citation="1"]').first().click();
	await expect(page.getByTestId('source-text')).toContainText('Send the signed form to the vendor desk.');

	// The javascript: link keeps its text but loses its URL; clicking the text does nothing.
	await expect(page.locator('a[href^="javascript" i]')).toHaveCount(0);
	await expect(page.getByRole('link', { name: 'Open the portal' })).toHaveCount(0);
	await text.getByText('Open the portal').click();
	// Raw HTML is shown as text, never parsed: the payloads are visible and inert.
	await expect(page.getByTestId('source-text')).toContainText('<details open ontoggle=');

	const flags = await page.evaluate(() => Object.keys(window).filter((k) => k.startsWith('__xss')));
	expect(flags).toEqual([]);
	expect(fetched).toEqual([]);
	await expect(page.locator('main img, main iframe, main svg animate, main [onerror], main [ontoggle]')).toHaveCount(0);
});
