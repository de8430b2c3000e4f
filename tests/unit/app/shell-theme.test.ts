import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import {
	parseThemePreference,
	resolveTheme,
	THEME_PREFERENCES,
	THEME_STORAGE_KEY,
	themeAttribute
} from '../../../src/lib/app/shell/theme.ts';
import { ThemeState, type ThemeHost } from '../../../src/lib/app/shell/theme.svelte.ts';

function memoryHost(stored: string | null) {
	const state = { stored, attribute: 'unset' as string | null };
	const host: ThemeHost = {
		read: () => state.stored,
		write: (v) => (state.stored = v),
		apply: (v) => (state.attribute = v)
	};
	return { state, host };
}

/** The inline script of src/app.html (it runs before first paint). */
const inlineScript = /<script>([\s\S]*?)<\/script>/.exec(readFileSync('src/app.html', 'utf8'))![1]!;

/** Run the inline script with `stored` in localStorage; returns the data-theme it set (or undefined). */
function runInlineScript(stored: string | null, storageThrows = false): string | undefined {
	const dataset: Record<string, string> = {};
	const localStorage = {
		getItem: (k: string) => {
			if (storageThrows) throw new Error('SecurityError');
			return k === THEME_STORAGE_KEY ? stored : null;
		}
	};
	new Function('localStorage', 'document', inlineScript)(localStorage, { documentElement: { dataset } });
	return dataset.theme;
}

describe('theme resolution', () => {
	it('reads back only light and dark; anything else is the system theme', () => {
		expect(parseThemePreference('light')).toBe('light');
		expect(parseThemePreference('dark')).toBe('dark');
		for (const v of [null, undefined, '', 'Dark', 'blue']) expect(parseThemePreference(v)).toBe('system');
	});

	it('follows the operating system only when the choice is system', () => {
		expect(resolveTheme('system', true)).toBe('dark');
		expect(resolveTheme('system', false)).toBe('light');
		expect(resolveTheme('light', true)).toBe('light');
		expect(resolveTheme('dark', false)).toBe('dark');
	});

	it('puts data-theme on <html> for light and dark and none for system (CSS follows prefers-color-scheme)', () => {
		expect(themeAttribute('light')).toBe('light');
		expect(themeAttribute('dark')).toBe('dark');
		expect(themeAttribute('system')).toBeNull();
	});
});

describe('ThemeState', () => {
	it('applies the stored choice at once and stores and applies a new one', () => {
		const { state, host } = memoryHost('dark');
		const theme = new ThemeState(host);
		expect(theme.preference).toBe('dark');
		expect(state.attribute).toBe('dark');
		theme.set('system');
		expect(state).toEqual({ stored: 'system', attribute: null });
		theme.set('light');
		expect(state).toEqual({ stored: 'light', attribute: 'light' });
	});

	it('starts from the system theme when nothing usable is stored', () => {
		const { state, host } = memoryHost('purple');
		expect(new ThemeState(host).preference).toBe('system');
		expect(state.attribute).toBeNull();
	});
});

describe('the inline theme script of src/app.html', () => {
	it('sets the same data-theme as the app for every stored value, and survives a storage that throws', () => {
		for (const p of THEME_PREFERENCES) expect(runInlineScript(p) ?? null).toBe(themeAttribute(p));
		expect(runInlineScript('purple')).toBeUndefined();
		expect(runInlineScript(null)).toBeUndefined();
		expect(runInlineScript('dark', true)).toBeUndefined();
	});

	it('is allowed by the CSP: script-src carries the SHA-256 of its exact text', async () => {
		// Imported by URL so the type-check does not check the plain-JS config.
		const config = (await import(pathToFileURL('svelte.config.js').href)).default as {
			kit: { csp: { directives: Record<string, string[]> } };
		};
		const hash = `sha256-${createHash('sha256').update(inlineScript, 'utf8').digest('base64')}`;
		expect(config.kit.csp.directives['script-src']).toContain(hash);
	});
});
