/**
 * One channel for errors and notices of the whole app: pages and jobs push here, the shell shows
 * them as toasts (errors stay until dismissed) and keeps them in a list, so a message raised on one
 * page is not lost when the user moves to another.
 */

/** How loud a notice is. */
export type NoticeKind = 'error' | 'warning' | 'info' | 'success';

/** One message. */
export interface Notice {
	readonly id: number;
	readonly kind: NoticeKind;
	/** Plain text (never HTML). */
	readonly message: string;
	/** Who raised it: a page (`library`, `ask`, …) or `app`. */
	readonly source: string;
	/** When, ms since the epoch (from the injected clock). */
	readonly atMs: number;
}

/** How many notices the list keeps (oldest dropped first). */
export const KEPT_NOTICES = 50;

/** The app's notices (Svelte 5 runes). `now` is injectable so tests need no clock. */
export class Notices {
	items = $state<Notice[]>([]);
	private next = 0;

	constructor(private readonly now: () => number = Date.now) {}

	/** Add a notice; returns its id. Repeating the newest notice of the same source and text does not add a copy. */
	push(kind: NoticeKind, message: string, source = 'app'): number {
		const last = this.items.at(-1);
		if (last && last.kind === kind && last.message === message && last.source === source) return last.id;
		const notice: Notice = { id: ++this.next, kind, message, source, atMs: this.now() };
		this.items = [...this.items, notice].slice(-KEPT_NOTICES);
		return notice.id;
	}

	dismiss(id: number): void {
		this.items = this.items.filter((n) => n.id !== id);
	}

	/** Remove every notice of `source` (a page whose problem is solved). */
	clear(source: string): void {
		this.items = this.items.filter((n) => n.source !== source);
	}
}
