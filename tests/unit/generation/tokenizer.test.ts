import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EstimateTokenizer } from '../../../src/lib/generation/index.ts';

describe('EstimateTokenizer', () => {
	const t = new EstimateTokenizer();

	it('counts a third of a token per ASCII character, rounded up', () => {
		expect(t.countTokens('hello world')).toBe(4);
		expect(t.countTokens('')).toBe(0);
	});

	it('counts two tokens per non-ASCII code point, surrogate pairs included', () => {
		expect(t.countTokens('도서관')).toBe(6);
		expect(t.countTokens('abc한')).toBe(3);
		expect(t.countTokens('😀')).toBe(2);
	});

	it('never counts fewer tokens for a longer text (monotone under concatenation)', () => {
		fc.assert(fc.property(fc.string(), fc.string(), (a, b) => t.countTokens(a + b) >= Math.max(t.countTokens(a), t.countTokens(b))));
	});

	it('says its counts are not exact', () => {
		expect(t.exact).toBe(false);
	});
});
