/**
 * Pure logic behind the data tables (`src/lib/components/ui/DataTable.svelte`): sort state,
 * ordering, text filtering and middle truncation of long paths and ids. No DOM.
 */

/** Direction of a sorted column, named as `aria-sort` names it. */
export type SortDirection = 'ascending' | 'descending';

/** Which column the rows are ordered by, and how. `null` elsewhere means "in the order given". */
export interface SortState {
	readonly column: string;
	readonly direction: SortDirection;
}

/** A cell's value for ordering: numbers compare numerically, strings by a natural collation; empty values (null, undefined, NaN, '') sort last. */
export type SortValue = string | number | null | undefined;

/**
 * The sort state after a click (or Enter/Space) on `column`'s header: a new column starts
 * ascending; the sorted column toggles ascending ⇄ descending.
 */
export function nextSort(current: SortState | null, column: string): SortState {
	if (current?.column === column) return { column, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
	return { column, direction: 'ascending' };
}

/** `aria-sort` of a column header under `state`: `ascending`/`descending` on the sorted column, `none` on the others. */
export function ariaSort(state: SortState | null, column: string): SortDirection | 'none' {
	return state?.column === column ? state.direction : 'none';
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
const isEmpty = (v: SortValue) => v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v));

/**
 * Ascending order of two sort values: numbers by value, strings by `Intl.Collator` with
 * numeric collation (`doc2` before `doc10`, case-insensitive), a number before a string.
 * Empty values are not ordered here (see {@link sortRows}). Returns <0, 0 or >0.
 */
export function compareValues(a: NonNullable<SortValue>, b: NonNullable<SortValue>): number {
	if (typeof a === 'number' && typeof b === 'number') return a - b;
	if (typeof a === 'number') return -1;
	if (typeof b === 'number') return 1;
	return collator.compare(a, b);
}

/**
 * `rows` ordered by `value` in `direction` (a new array; the input is untouched). Stable: rows
 * with equal values keep their given order. Rows whose value is empty (null, undefined, NaN,
 * '') come last in both directions, so "no value" never hides the real top of a column.
 */
export function sortRows<T>(rows: readonly T[], value: (row: T) => SortValue, direction: SortDirection): T[] {
	const sign = direction === 'ascending' ? 1 : -1;
	return rows
		.map((row, index) => ({ row, index, v: value(row) }))
		.sort((x, y) => {
			const ex = isEmpty(x.v);
			const ey = isEmpty(y.v);
			if (ex || ey) return ex === ey ? x.index - y.index : ex ? 1 : -1;
			return sign * compareValues(x.v as NonNullable<SortValue>, y.v as NonNullable<SortValue>) || x.index - y.index;
		})
		.map((e) => e.row);
}

/**
 * The rows whose chosen texts match `query`: the query is split on white space and every
 * word must occur (case-insensitively, as a substring) in at least one of `texts(row)`. A blank
 * query keeps every row. Order is kept.
 */
export function filterRows<T>(rows: readonly T[], query: string, texts: (row: T) => readonly string[]): T[] {
	const words = query.toLowerCase().split(/\s+/u).filter(Boolean);
	if (words.length === 0) return [...rows];
	return rows.filter((row) => {
		const hay = texts(row).map((t) => t.toLowerCase());
		return words.every((w) => hay.some((h) => h.includes(w)));
	});
}

const ELLIPSIS = '…';
const isSeparator = (c: string | undefined) => c === '/' || c === '\\';

/**
 * `text` shortened in the middle to at most `maxChars` code points (the ellipsis `…` counts as
 * one), keeping its end: a long path keeps its file name (`docs/very/long/…/file-name.md`).
 * Counts and cuts by code points (`Array.from`), so a surrogate pair (an emoji, a CJK
 * extension character) is never split.
 *
 * - Text of at most `maxChars` code points is returned unchanged.
 * - A path (`/` or `\` separators) whose last separator and file name fit in `maxChars - 2`
 *   keeps them whole, and as much of the start as fits after them, cut back to just after a
 *   separator when the kept start contains one.
 * - Otherwise (an id, or a file name too long by itself) the first ⌊(maxChars−1)/2⌋ and the
 *   last ⌈(maxChars−1)/2⌉ code points are kept.
 * - `maxChars` below 1 is treated as 1 (the result is `…`); a non-integer is floored.
 */
export function middleTruncate(text: string, maxChars: number): string {
	const cps = Array.from(text);
	const max = Math.max(1, Math.floor(Number.isFinite(maxChars) ? maxChars : 1));
	if (cps.length <= max) return text;
	const budget = max - 1;
	let lastSep = -1;
	for (let i = cps.length - 1; i >= 0; i--) {
		if (isSeparator(cps[i])) {
			lastSep = i;
			break;
		}
	}
	if (lastSep > 0) {
		const tail = cps.slice(lastSep);
		const headRoom = budget - tail.length;
		if (headRoom >= 1) {
			let head = cps.slice(0, headRoom);
			let cut = -1;
			for (let i = head.length - 1; i >= 0; i--) {
				if (isSeparator(head[i])) {
					cut = i;
					break;
				}
			}
			if (cut >= 0) head = head.slice(0, cut + 1);
			return head.join('') + ELLIPSIS + tail.join('');
		}
	}
	const headLen = Math.floor(budget / 2);
	const tailLen = budget - headLen;
	return cps.slice(0, headLen).join('') + ELLIPSIS + (tailLen > 0 ? cps.slice(cps.length - tailLen).join('') : '');
}
