import { describe, expect, it } from 'vitest';
import { FirstRunGuide, type GuideStore } from '../../../src/lib/app/shell/guide.svelte.ts';
import { NAV_ENTRIES, currentNavEntry } from '../../../src/lib/app/shell/nav.ts';

function memoryStore(value: string | null): GuideStore & { value: string | null } {
	const store = {
		value,
		read: () => store.value,
		write: (v: string) => {
			store.value = v;
		}
	};
	return store;
}

describe('FirstRunGuide', () => {
	it('opens when first offered and stays open across visits until dismissed', () => {
		const store = memoryStore(null);
		const guide = new FirstRunGuide(store);
		expect(guide.open).toBe(false);
		guide.offer();
		expect(guide.open).toBe(true);
		expect(new FirstRunGuide(store).open).toBe(true);
	});

	it('is not offered again once dismissed, but "Show the guide" reopens it', () => {
		const store = memoryStore(null);
		const guide = new FirstRunGuide(store);
		guide.offer();
		guide.dismiss();
		const next = new FirstRunGuide(store);
		next.offer();
		expect(next.open).toBe(false);
		next.show();
		expect(next.open).toBe(true);
		expect(store.value).toBe('open');
	});

	it('treats an unknown stored value as never offered', () => {
		const guide = new FirstRunGuide(memoryStore('maybe'));
		expect(guide.status).toBe('new');
	});
});

describe('the navigation', () => {
	it('lists the pages in workflow order with the test ids of the old page nav', () => {
		expect(NAV_ENTRIES.map((e) => e.label)).toEqual([
			'Library',
			'Search',
			'Ask',
			'Agent',
			'Evaluations',
			'Answer evals',
			'Benchmarks',
			'Traces',
			'Failures',
			'Models and endpoints'
		]);
		expect(NAV_ENTRIES.map((e) => e.testid)).toEqual(
			expect.arrayContaining(['library-link', 'ask-link', 'agent-link', 'evals-link', 'answers-link', 'failures-link'])
		);
	});

	it('marks the page of a path (with or without trailing slash); the search section belongs to the library page', () => {
		expect(currentNavEntry('/')?.id).toBe('library');
		expect(currentNavEntry('/ask/')?.id).toBe('ask');
		expect(currentNavEntry('/agent/')?.id).toBe('agent');
		expect(currentNavEntry('/evals')?.id).toBe('evals');
		expect(currentNavEntry('/answers/')?.id).toBe('answers');
		expect(currentNavEntry('/bench/')?.id).toBe('bench');
		expect(currentNavEntry('/traces/')?.id).toBe('traces');
		expect(currentNavEntry('/failures/')?.id).toBe('failures');
		expect(currentNavEntry('/settings/')?.id).toBe('settings');
		expect(currentNavEntry('/nowhere/')).toBeNull();
	});
});
