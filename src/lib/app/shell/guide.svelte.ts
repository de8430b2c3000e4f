/**
 * The first-run guide: a few steps (the demo workspace is loaded → search it → ask it → evaluate it)
 * offered once, on the visit that seeds the demo workspace, and shown on every page until the user
 * dismisses it. Its state is stored in localStorage under {@link GUIDE_STORAGE_KEY}, so a reload
 * keeps it open and a dismissal is remembered; the palette's "Show the guide" opens it again.
 */

/** localStorage key of the guide's state. */
export const GUIDE_STORAGE_KEY = 'assay.guide';

/** `new`: never offered; `open`: showing; `dismissed`: closed by the user. */
export type GuideStatus = 'new' | 'open' | 'dismissed';

/** Where the state is kept (injectable for tests; the default is localStorage, failures ignored). */
export interface GuideStore {
	read(): string | null;
	write(value: string): void;
}

function localGuideStore(): GuideStore {
	return {
		read: () => {
			try {
				return globalThis.localStorage?.getItem(GUIDE_STORAGE_KEY) ?? null;
			} catch {
				return null;
			}
		},
		write: (value) => {
			try {
				globalThis.localStorage?.setItem(GUIDE_STORAGE_KEY, value);
			} catch {
				// Storage refused: the state lasts for this visit only.
			}
		}
	};
}

/** The guide's state (Svelte 5 runes): `open` is reactive. */
export class FirstRunGuide {
	status = $state<GuideStatus>('new');
	readonly open = $derived(this.status === 'open');

	constructor(private readonly store: GuideStore = localGuideStore()) {
		const stored = store.read();
		this.status = stored === 'open' || stored === 'dismissed' ? stored : 'new';
	}

	/** Offer the guide (the demo workspace was just seeded): opens it unless it was ever offered. */
	offer(): void {
		if (this.status === 'new') this.set('open');
	}

	/** Open it again (palette: "Show the guide"). */
	show(): void {
		this.set('open');
	}

	/** Close it for good (until "Show the guide"). */
	dismiss(): void {
		this.set('dismissed');
	}

	private set(status: GuideStatus): void {
		this.status = status;
		this.store.write(status);
	}
}
