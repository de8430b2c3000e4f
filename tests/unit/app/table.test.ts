import { describe, expect, it } from 'vitest';
import { ariaSort, filterRows, middleTruncate, nextSort, sortRows } from '../../../src/lib/app/table.ts';

describe('middleTruncate', () => {
	it('returns text that fits unchanged, counting code points', () => {
		expect(middleTruncate('docs/a.md', 9)).toBe('docs/a.md');
		// four emoji are eight UTF-16 units but four code points
		expect(middleTruncate('😀😀😀😀', 4)).toBe('😀😀😀😀');
	});

	it('keeps the file name of a long path and cuts the start back to a separator', () => {
		expect(middleTruncate('docs/very/long/path/to/file-name.md', 30)).toBe('docs/very/long/…/file-name.md');
		expect(middleTruncate('C:\\Users\\me\\Documents\\projects\\notes.txt', 24)).toBe('C:\\Users\\me\\…\\notes.txt');
	});

	it('keeps the partial first segment when the kept start has no separator', () => {
		expect(middleTruncate('abcdefghij/name.md', 12)).toBe('abc…/name.md');
	});

	it('keeps both ends of an id or of a file name too long to keep whole', () => {
		expect(middleTruncate('0123456789abcdef', 9)).toBe('0123…cdef');
		expect(middleTruncate('0123456789abcdef', 8)).toBe('012…cdef');
		expect(middleTruncate('dir/a-very-long-file-name.md', 10)).toBe('dir/…me.md');
	});

	it('never splits a surrogate pair and never exceeds maxChars code points', () => {
		const text = 'docs/😀😀😀😀😀😀😀😀/𠀀𠀀𠀀.md';
		for (let max = 1; max <= Array.from(text).length; max++) {
			const out = middleTruncate(text, max);
			expect(Array.from(out).length).toBeLessThanOrEqual(max);
			expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
		}
		expect(middleTruncate(text, 13)).toBe('docs/…/𠀀𠀀𠀀.md');
		expect(middleTruncate(text, 12)).toBe('docs…/𠀀𠀀𠀀.md');
		expect(middleTruncate('😀😀😀😀😀😀', 5)).toBe('😀😀…😀😀');
	});

	it('treats a maxChars below one as one and floors a fraction', () => {
		expect(middleTruncate('abcdef', 0)).toBe('…');
		expect(middleTruncate('abcdef', -3)).toBe('…');
		expect(middleTruncate('abcdef', 3.9)).toBe('a…f');
	});
});

describe('table sorting', () => {
	it('starts a new column ascending and toggles the sorted column', () => {
		const a = nextSort(null, 'size');
		expect(a).toEqual({ column: 'size', direction: 'ascending' });
		const b = nextSort(a, 'size');
		expect(b).toEqual({ column: 'size', direction: 'descending' });
		expect(nextSort(b, 'size')).toEqual({ column: 'size', direction: 'ascending' });
		expect(nextSort(b, 'name')).toEqual({ column: 'name', direction: 'ascending' });
	});

	it('names the aria-sort of each header', () => {
		const s = { column: 'size', direction: 'descending' } as const;
		expect(ariaSort(s, 'size')).toBe('descending');
		expect(ariaSort(s, 'name')).toBe('none');
		expect(ariaSort(null, 'name')).toBe('none');
	});

	it('orders numbers numerically, strings naturally, stably, with empty values last both ways', () => {
		const rows = [
			{ id: 'doc10', n: 3 },
			{ id: 'doc2', n: null },
			{ id: 'Doc1', n: 10 },
			{ id: 'doc3', n: 3 },
			{ id: '', n: Number.NaN }
		];
		expect(sortRows(rows, (r) => r.n, 'ascending').map((r) => r.id)).toEqual(['doc10', 'doc3', 'Doc1', 'doc2', '']);
		expect(sortRows(rows, (r) => r.n, 'descending').map((r) => r.id)).toEqual(['Doc1', 'doc10', 'doc3', 'doc2', '']);
		expect(sortRows(rows, (r) => r.id, 'ascending').map((r) => r.id)).toEqual(['Doc1', 'doc2', 'doc3', 'doc10', '']);
		expect(rows[0]!.id).toBe('doc10');
	});
});

describe('table filtering', () => {
	const rows = [
		{ path: 'docs/HR/leave.md', status: 'ready' },
		{ path: 'docs/it/vpn.md', status: 'failed' },
		{ path: 'notes.txt', status: 'ready' }
	];
	it('keeps rows where every word occurs in one of the chosen columns, ignoring case', () => {
		expect(filterRows(rows, 'hr', (r) => [r.path]).map((r) => r.path)).toEqual(['docs/HR/leave.md']);
		expect(filterRows(rows, ' docs  READY ', (r) => [r.path, r.status]).map((r) => r.path)).toEqual(['docs/HR/leave.md']);
		expect(filterRows(rows, 'ready', (r) => [r.path])).toEqual([]);
	});
	it('keeps every row for a blank query', () => {
		expect(filterRows(rows, '   ', (r) => [r.path])).toEqual(rows);
	});
});
