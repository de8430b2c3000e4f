import { parseThemePreference, THEME_STORAGE_KEY, themeAttribute, type ThemePreference } from './theme.ts';

/** Where the theme choice is kept and shown (injectable for tests). */
export interface ThemeHost {
	read(): string | null;
	write(value: string): void;
	/** Set (`value`) or remove (`null`) `data-theme` on <html>. */
	apply(value: 'light' | 'dark' | null): void;
}

/** The browser's host: localStorage (failures ignored: private modes) and <html data-theme>. */
export function browserThemeHost(): ThemeHost {
	return {
		read: () => {
			try {
				return localStorage.getItem(THEME_STORAGE_KEY);
			} catch {
				return null;
			}
		},
		write: (value) => {
			try {
				localStorage.setItem(THEME_STORAGE_KEY, value);
			} catch {
				// Storage refused (private mode, quota): the choice lasts for this visit only.
			}
		},
		apply: (value) => {
			if (value === null) delete document.documentElement.dataset.theme;
			else document.documentElement.dataset.theme = value;
		}
	};
}

/** The theme choice of the visit (Svelte 5 runes): `preference` is reactive; `set` stores and applies it. */
export class ThemeState {
	preference = $state<ThemePreference>('system');

	constructor(private readonly host: ThemeHost) {
		this.preference = parseThemePreference(host.read());
		host.apply(themeAttribute(this.preference));
	}

	set(preference: ThemePreference): void {
		this.preference = preference;
		this.host.write(preference);
		this.host.apply(themeAttribute(preference));
	}
}
