/**
 * Light and dark themes. The user's choice is one of `system` (follow `prefers-color-scheme`),
 * `light` or `dark`, stored in localStorage under {@link THEME_STORAGE_KEY}. The page applies it as
 * `data-theme` on <html> (absent for `system`, so CSS `color-scheme: light dark` follows the
 * operating system live); `src/lib/styles/tokens.css` resolves every colour from that.
 *
 * The inline script in `src/app.html` repeats {@link themeAttribute} in a few characters so the
 * choice applies before first paint (its hash is added to the CSP by svelte.config.js): keep the
 * two in step.
 */

/** The user's theme choice. */
export type ThemePreference = 'system' | 'light' | 'dark';

/** The choices in the order the toggle and the palette list them. */
export const THEME_PREFERENCES: readonly ThemePreference[] = ['system', 'light', 'dark'];

/** localStorage key of the choice (the inline script in src/app.html reads the same key). */
export const THEME_STORAGE_KEY = 'assay.theme';

/** A stored value read back as a choice: anything else (missing, edited by hand) is `system`. */
export function parseThemePreference(stored: string | null | undefined): ThemePreference {
	return stored === 'light' || stored === 'dark' ? stored : 'system';
}

/** The theme actually shown: the choice, or the operating system's when the choice is `system`. */
export function resolveTheme(preference: ThemePreference, systemPrefersDark: boolean): 'light' | 'dark' {
	if (preference === 'system') return systemPrefersDark ? 'dark' : 'light';
	return preference;
}

/** The `data-theme` value <html> carries for a choice: `null` (no attribute) for `system`. */
export function themeAttribute(preference: ThemePreference): 'light' | 'dark' | null {
	return preference === 'system' ? null : preference;
}

/** Human label of a choice (toggle, palette). */
export function themeLabel(preference: ThemePreference): string {
	return preference === 'system' ? 'System' : preference === 'light' ? 'Light' : 'Dark';
}
