import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findCitationMarkers, summarizeCitations } from '../../../src/lib/generation/index.ts';
import { checkCitationsPresent, checkCitationsValid, checkQuotesVerbatim } from '../../../src/lib/evals/checks/citation-checks.ts';

describe('citations', () => {
	it('finds single, listed and adjacent markers with their offsets', () => {
		expect(findCitationMarkers('A [1] B [2, 3] C [1][4]')).toEqual([
			{ start: 2, end: 5, numbers: [1] },
			{ start: 8, end: 14, numbers: [2, 3] },
			{ start: 17, end: 20, numbers: [1] },
			{ start: 20, end: 23, numbers: [4] }
		]);
	});

	it('flags numbers of sources that were not retrieved', () => {
		const s = summarizeCitations('A [1] B [2, 3] C [1][4] D [0]', 3);
		expect(s.cited).toEqual([1, 2, 3]);
		expect(s.invalid).toEqual([0, 4]);
		expect(s.uncited).toBe(false);
	});

	it('ignores markdown links, reference definitions and reference links', () => {
		const s = summarizeCitations('[link](http://x) [1](y) [1]: chunk://a [text][2] [^3]: note', 3);
		expect(s.markers).toEqual([]);
		expect(s.uncited).toBe(true);
	});

	it('does not count an unfinished marker at the end of a stream', () => {
		expect(summarizeCitations('so far [1', 2).markers).toEqual([]);
		expect(summarizeCitations('so far 【1', 2).markers).toEqual([]);
	});

	it('expands ranges and lists with ASCII, en-dash and fullwidth forms', () => {
		expect(findCitationMarkers('[1-3] [2–4] [1, 3-4] 【１，２】 ［３］').map((m) => m.numbers)).toEqual([
			[1, 2, 3],
			[2, 3, 4],
			[1, 3, 4],
			[1, 2],
			[3]
		]);
	});

	it('reads no reversed or absurdly wide range as a citation', () => {
		expect(findCitationMarkers('[3-1] [1-500]')).toEqual([]);
	});

	it('reports a bracketed year as a year, neither cited nor invalid, unless it names a packed source', () => {
		const s = summarizeCitations('Since [2019] and [1999-2003], see [1].', 3);
		expect(s.cited).toEqual([1]);
		expect(s.invalid).toEqual([]);
		expect(s.unrecognized.map((u) => [u.text, u.reason])).toEqual([
			['[2019]', 'year'],
			['[1999-2003]', 'year']
		]);
		expect(summarizeCitations('Only [2019].', 3).uncited).toBe(true);
		expect(summarizeCitations('[1234]', new Set([1234])).cited).toEqual([1234]);
	});

	it('names bracketed source forms it does not read instead of counting them as citations or as missing', () => {
		const s = summarizeCitations('As [Source 1] and [doc 2] say, 【4:0†source】.', 3);
		expect(s.markers).toEqual([]);
		expect(s.cited).toEqual([]);
		expect(s.unrecognized.map((u) => [u.text, u.reason])).toEqual([
			['[Source 1]', 'form'],
			['[doc 2]', 'form'],
			['【4:0†source】', 'form']
		]);
		expect(s.uncited).toBe(false);
		// CJK emphasis brackets without a number are ordinary text.
		expect(summarizeCitations('【重要】注意', 3).unrecognized).toEqual([]);
	});
});

describe('case cite-01: citation markers models actually write', () => {
	const rows = readFileSync('tests/fixtures/cases/cite-01-marker-variants/answers.jsonl', 'utf8')
		.split('\n')
		.filter((l) => l.trim() !== '')
		.map((l) => JSON.parse(l) as { id: string; sources: number; text: string; expect_cited: number[]; expect_invalid: number[] });

	it.each(rows)('row $id: cited and invalid numbers are as expected', (row) => {
		const s = summarizeCitations(row.text, row.sources);
		expect(s.cited).toEqual(row.expect_cited);
		expect(s.invalid).toEqual(row.expect_invalid);
		expect(s.uncited).toBe(row.expect_cited.length === 0);
	});

	it.each(rows)('row $id: the answer checks agree with the summary (one parser)', (row) => {
		const sources = Array.from({ length: row.sources }, (_, i) => ({ n: i + 1, chunkId: `c${i + 1}`, text: '' }));
		expect(checkCitationsPresent(row.text, sources).pass).toBe(row.expect_cited.length > 0);
		expect(checkCitationsValid(row.text, sources).pass).toBe(row.expect_invalid.length === 0);
	});
});

describe('citation checks', () => {
	const sources = [1, 2].map((n) => ({ n, chunkId: `c${n}`, text: '' }));

	it('fails citations-present on an unsupported form and names it', () => {
		const r = checkCitationsPresent('See [Source 1].', sources);
		expect(r.pass).toBe(false);
		expect(r.reason).toContain('[Source 1]');
	});

	it('does not call a bracketed year an invented source', () => {
		const r = checkCitationsValid('In [2019] it changed [1].', sources);
		expect(r.pass).toBe(true);
		expect(checkCitationsValid('See [3].', sources).pass).toBe(false);
	});
});

describe('quotes-verbatim with every marker form', () => {
	it('checks a quotation followed by a lenticular or range marker against the cited sources', () => {
		const sources = [
			{ n: 1, chunkId: 'a', text: 'Gate B closes at 22:00.' },
			{ n: 2, chunkId: 'b', text: 'Parking is free.' }
		];
		expect(checkQuotesVerbatim('「Gate B closes at 22:00」【1】', sources).pass).toBe(true);
		expect(checkQuotesVerbatim('"Parking is free" [1-2]', sources).pass).toBe(true);
		expect(checkQuotesVerbatim('"Parking is cheap" 【2】', sources).pass).toBe(false);
	});
});
