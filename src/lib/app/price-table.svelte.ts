import { DEFAULT_PRICE_TABLE, parsePriceTable, type PriceTable, type PriceTableError } from '$lib/cost/index.ts';

/** localStorage key of the user's price table (JSON of a `PriceTable`); absent = the dated defaults. */
export const PRICE_TABLE_KEY = 'assay.priceTable';

/**
 * The price table every page prices tokens with (Settings → Models and endpoints edits it): the
 * user's table from localStorage when it is valid, else {@link DEFAULT_PRICE_TABLE}. A stored
 * table that no longer validates is kept in storage but not used (`storedErrors` says why).
 */
class PriceTableStore {
	table = $state<PriceTable>(DEFAULT_PRICE_TABLE);
	/** Whether `table` is the user's (edited) table rather than the defaults. */
	custom = $state(false);
	storedErrors = $state<PriceTableError[]>([]);
	private loaded = false;

	constructor() {
		// Read here, not lazily: state must not be written while a `$derived` that prices reads it.
		this.load();
	}

	/** Read the stored table once (browser only; a no-op without localStorage). */
	load(): void {
		if (this.loaded || typeof localStorage === 'undefined') return;
		this.loaded = true;
		const raw = localStorage.getItem(PRICE_TABLE_KEY);
		if (raw === null) return;
		let json: unknown;
		try {
			json = JSON.parse(raw);
		} catch {
			this.storedErrors = [{ row: null, path: '(table)', message: 'the stored table is not JSON' }];
			return;
		}
		const r = parsePriceTable(json);
		if (r.ok) {
			this.table = r.table;
			this.custom = true;
		} else this.storedErrors = r.errors;
	}

	/** The table to price with now (reactive: views re-price when it is saved or reset). */
	current(): PriceTable {
		return this.table;
	}

	/** Validate and keep `value` (a parsed table); returns the per-row errors, and keeps nothing when there are any. */
	save(value: unknown): PriceTableError[] {
		const r = parsePriceTable(value);
		if (!r.ok) return r.errors;
		this.table = r.table;
		this.custom = true;
		this.storedErrors = [];
		localStorage.setItem(PRICE_TABLE_KEY, JSON.stringify(r.table));
		return [];
	}

	/** Forget the user's table: back to the dated defaults. */
	reset(): void {
		localStorage.removeItem(PRICE_TABLE_KEY);
		this.table = DEFAULT_PRICE_TABLE;
		this.custom = false;
		this.storedErrors = [];
	}
}

/** The one store of the app (every page shares it). */
export const priceTable = new PriceTableStore();
