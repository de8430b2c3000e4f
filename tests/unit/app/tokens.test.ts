import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Contrast of the design tokens (src/lib/styles/tokens.css) in both themes: WCAG 2.x relative
 * luminance and contrast ratio (https://www.w3.org/TR/WCAG22/#dfn-contrast-ratio); AA asks
 * 4.5:1 for normal text.
 */
const css = readFileSync('src/lib/styles/tokens.css', 'utf8');
const tokens = new Map(
	[...css.matchAll(/--([\w-]+): light-dark\((#[0-9a-f]{6}), (#[0-9a-f]{6})\)/gi)].map((m) => [m[1]!, [m[2]!, m[3]!] as const])
);

function luminance(hex: string): number {
	const [r, g, b] = [1, 3, 5]
		.map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
		.map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
	return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
	const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
	return (hi! + 0.05) / (lo! + 0.05);
}

const TEXT = ['color-text', 'color-muted', 'color-accent', 'color-danger', 'color-ok', 'color-warn'];
const BACKGROUNDS = [
	'color-surface',
	'color-surface-raised',
	'color-surface-sunken',
	'color-accent-soft',
	'color-danger-soft',
	'color-ok-soft',
	'color-warn-soft'
];

describe('design tokens', () => {
	it('define the shared names, each with a light and a dark value', () => {
		for (const name of [
			'color-surface',
			'color-surface-raised',
			'color-text',
			'color-muted',
			'color-border',
			'color-accent',
			'color-accent-soft',
			'color-danger',
			'color-ok',
			'color-warn',
			'color-focus'
		])
			expect(tokens.has(name), name).toBe(true);
		for (const name of [
			'space-1',
			'space-2',
			'space-3',
			'space-4',
			'space-5',
			'space-6',
			'radius',
			'font-size-sm',
			'font-size-md',
			'font-size-lg'
		])
			expect(css).toMatch(new RegExp(`--${name}:`));
	});

	it('keep the old names as aliases of the new ones', () => {
		for (const [old, now] of [
			['fg', 'color-text'],
			['bg', 'color-surface'],
			['muted', 'color-muted'],
			['border', 'color-border'],
			['accent', 'color-accent'],
			['accent-soft', 'color-accent-soft'],
			['danger', 'color-danger'],
			['ok', 'color-ok'],
			['warn', 'color-warn']
		])
			expect(css).toContain(`--${old}: var(--${now});`);
	});

	for (const [theme, i] of [
		['light', 0],
		['dark', 1]
	] as const) {
		it(`give every text colour at least 4.5:1 on every surface in the ${theme} theme`, () => {
			for (const fg of TEXT)
				for (const bg of BACKGROUNDS) {
					const ratio = contrast(tokens.get(fg)![i], tokens.get(bg)![i]);
					expect(ratio, `${fg} on ${bg}: ${ratio.toFixed(2)}`).toBeGreaterThanOrEqual(4.5);
				}
			expect(contrast(tokens.get('color-text')![i], tokens.get('color-mark')![i])).toBeGreaterThanOrEqual(4.5);
			// The focus ring is a non-text indicator: 3:1 against the surface (WCAG 2.2, 1.4.11).
			expect(contrast(tokens.get('color-focus')![i], tokens.get('color-surface')![i])).toBeGreaterThanOrEqual(3);
		});
	}
});

/** Every .svelte file under `dir`. */
function svelteFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
		e.isDirectory() ? svelteFiles(join(dir, e.name)) : e.name.endsWith('.svelte') ? [join(dir, e.name)] : []
	);
}

describe('styles', () => {
	it('take their colours from the tokens (no hard-coded colour in app.css or a component’s <style>), so both themes reach every page', () => {
		const colour = /#[0-9a-f]{3,8}\b|\b(?:white|black)\b(?!-)|\brgba?\(/gi;
		const sheets = [
			{ file: 'src/app.css', css: readFileSync('src/app.css', 'utf8') },
			...svelteFiles('src').map((file) => ({
				file,
				css: [...readFileSync(file, 'utf8').matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)].map((m) => m[1]).join('\n')
			}))
		];
		const found = sheets.flatMap(({ file, css }) => [...css.matchAll(colour)].map((m) => `${file}: ${m[0]}`));
		expect(found).toEqual([]);
	});
});
