/**
 * Persistent storage after the first model download (issue 13, item 5): model files are large
 * and slow to fetch again, so once the first model has downloaded (in-browser LLM or embedding
 * model), Assay asks the browser once — per browser profile, not per download — to keep its data
 * under storage pressure (`navigator.storage.persist()`; Chrome decides by heuristics, Firefox
 * asks the user). Not asked when the data is already persistent. The storage meter shows the answer.
 */

/**
 * What the request came to:
 * - `already`: the data was persistent before (nothing asked);
 * - `granted` / `declined`: the browser's answer;
 * - `unsupported`: no `navigator.storage.persist` (old browser, insecure origin).
 */
export type PersistOutcome = 'already' | 'granted' | 'declined' | 'unsupported';

/** The part of `navigator.storage` (a `StorageManager`) this uses. */
export interface StorageManagerLike {
	persisted?(): Promise<boolean>;
	persist?(): Promise<boolean>;
}

/** Where "already asked" is remembered across visits (`localStorage`). */
export interface MemoLike {
	getItem(key: string): string | null;
	setItem(key: string, value: string): void;
}

/** `localStorage` key holding the outcome of the automatic request, once made. */
export const AUTO_PERSIST_KEY = 'assay.storage.autoPersist';

/**
 * Makes the one automatic persistence request. {@link afterModelDownload} may be called after
 * every successful download: only the first call (in this profile) asks.
 */
export class PersistAfterDownload {
	private pending: Promise<PersistOutcome | null> | null = null;

	/**
	 * @param storage returns `navigator.storage` (or `undefined` where absent).
	 * @param memo remembers the request across visits; `null` (no localStorage): once per visit.
	 * @param onOutcome told the outcome when a request is made now.
	 */
	constructor(
		private readonly storage: () => StorageManagerLike | undefined,
		private readonly memo: MemoLike | null,
		private readonly onOutcome: (outcome: PersistOutcome) => void
	) {}

	/**
	 * Ask the browser to persist the site's data unless it was asked before or already persists.
	 * @returns the outcome, or `null` when an earlier visit or call already asked. Never throws: a
	 *   browser error counts as `declined`.
	 */
	afterModelDownload(): Promise<PersistOutcome | null> {
		// Later (or concurrent) calls in this visit wait for the one request and report nothing new.
		if (this.pending) return this.pending.then(() => null);
		this.pending = this.ask();
		return this.pending;
	}

	private async ask(): Promise<PersistOutcome | null> {
		if (this.memo?.getItem(AUTO_PERSIST_KEY)) return null;
		const storage = this.storage();
		let outcome: PersistOutcome;
		if (!storage?.persist) outcome = 'unsupported';
		else if (await storage.persisted?.().catch(() => false)) outcome = 'already';
		else outcome = (await storage.persist().catch(() => false)) ? 'granted' : 'declined';
		this.memo?.setItem(AUTO_PERSIST_KEY, outcome);
		this.onOutcome(outcome);
		return outcome;
	}
}
