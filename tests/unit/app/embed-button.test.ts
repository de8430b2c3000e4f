import { describe, expect, it } from 'vitest';
import { embedButtonDisabled } from '../../../src/lib/app/embed-button.ts';

describe('the Embed chunks button', () => {
	it('stays enabled while the vector index loads in the background, so a click made then is not dropped', () => {
		expect(embedButtonDisabled({ state: 'loading', pendingChunks: 4 }, false)).toBe(false);
		expect(embedButtonDisabled({ state: 'loading', pendingChunks: 0 }, false)).toBe(false);
	});

	it('is enabled before the status is read and when chunks lack vectors', () => {
		expect(embedButtonDisabled(null, false)).toBe(false);
		expect(embedButtonDisabled({ state: 'none', pendingChunks: 4 }, false)).toBe(false);
		expect(embedButtonDisabled({ state: 'ready', pendingChunks: 1 }, false)).toBe(false);
	});

	it('is disabled when the settled status has every chunk embedded, or the page is busy', () => {
		expect(embedButtonDisabled({ state: 'ready', pendingChunks: 0 }, false)).toBe(true);
		expect(embedButtonDisabled({ state: 'none', pendingChunks: 4 }, true)).toBe(true);
		expect(embedButtonDisabled(null, true)).toBe(true);
	});
});
