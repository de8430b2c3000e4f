import { describe, expect, it } from 'vitest';
import { findCitationMarkers, summarizeCitations } from '../../../src/lib/generation/index.ts';

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
		const s = summarizeCitations('[link](http://x) [1](y) [1]: chunk://a [text][2]', 3);
		expect(s.markers).toEqual([]);
		expect(s.uncited).toBe(true);
	});

	it('does not count an unfinished marker at the end of a stream', () => {
		expect(summarizeCitations('so far [1', 2).markers).toEqual([]);
	});
});
