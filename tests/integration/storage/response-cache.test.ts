import { describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION, openAssayDb } from '../../../src/lib/storage/index.ts';
import { createAnswerService } from '../../../src/lib/services/answer-service.ts';
import { createLibraryServiceWithInternals } from '../../../src/lib/services/library.ts';
import { IdbResponseCache } from '../../../src/lib/app/answer-cache.ts';
import { freshFactory, openTestStore } from './fixtures.ts';

const KEY = 'a'.repeat(64);
const reply = {
	answer: 'Four weeks.',
	contexts: [{ documentRef: 'handbook.md', text: 'Leave is four weeks.' }],
	timings: { totalMs: 12, ttftMs: null }
};

describe('response cache store (schema v5)', () => {
	it('returns a stored reply by key, undefined for an unknown key, and replaces a reply stored twice', async () => {
		const { store } = await openTestStore();
		expect(await store.responseCache.get(KEY)).toBeUndefined();
		await store.responseCache.put(KEY, reply, 1);
		await store.responseCache.put('b'.repeat(64), { answer: 'other' }, 2);
		expect(await store.responseCache.get(KEY)).toEqual(reply);
		await store.responseCache.put(KEY, { answer: 'newer' }, 3);
		expect(await store.responseCache.get(KEY)).toEqual({ answer: 'newer' });
		expect(await store.responseCache.count()).toBe(2);
		expect(await store.responseCache.clear()).toBe(2);
		expect(await store.responseCache.get(KEY)).toBeUndefined();
	});

	it('stores several values in one call and reads them back in key order, undefined for a missing key, a Float32Array intact', async () => {
		const { store } = await openTestStore();
		const vector = Float32Array.from([0.5, -0.25]);
		await store.responseCache.putMany(
			[
				['k1', { vector, backend: 'wasm' }],
				['k2', { context: 'A note.' }]
			],
			7
		);
		const [first, missing, second] = await store.responseCache.getMany(['k1', 'nope', 'k2']);
		expect(missing).toBeUndefined();
		expect(second).toEqual({ context: 'A note.' });
		expect((first as { vector: Float32Array }).vector).toBeInstanceOf(Float32Array);
		expect([...(first as { vector: Float32Array }).vector]).toEqual([0.5, -0.25]);
		expect(await store.responseCache.count()).toBe(2);
		expect(await store.responseCache.getMany([])).toEqual([]);
	});

	it('a v4 database upgrades to v5 with its answers kept and an empty cache', async () => {
		const factory = freshFactory();
		const v4 = await openAssayDb({ idbFactory: factory, migrations: MIGRATIONS.slice(0, 4) });
		await v4.answers.putRun({ id: 'r1', workspaceId: 'w1' }, [{ runId: 'r1', caseId: 'q1' }]);
		v4.close();
		const v5 = await openAssayDb({ idbFactory: factory });
		expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(5);
		expect(v5.version).toBe(SCHEMA_VERSION);
		expect(await v5.answers.listByRun('r1')).toEqual([{ runId: 'r1', caseId: 'q1' }]);
		expect(await v5.responseCache.count()).toBe(0);
		v5.close();
	});

	it('the app cache keeps replies across a reopened database through the answer service and counts its hits', async () => {
		const factory = freshFactory();
		const first = createLibraryServiceWithInternals({ idbFactory: factory });
		const cache = new IdbResponseCache(createAnswerService(first.api, first.internals));
		expect(await cache.get(KEY)).toBeUndefined();
		await cache.put(KEY, reply);
		expect(await cache.get(KEY)).toEqual(reply);
		expect({ hits: cache.hits, lookups: cache.lookups }).toEqual({ hits: 1, lookups: 2 });
		(await first.internals.store()).close();

		const second = createLibraryServiceWithInternals({ idbFactory: factory });
		const svc = createAnswerService(second.api, second.internals);
		const reopened = new IdbResponseCache(svc);
		expect(await reopened.get(KEY)).toEqual(reply);
		expect(reopened.hits).toBe(1);
		expect(await svc.cachedResponseCount()).toBe(1);
		expect(await svc.clearResponseCache()).toBe(1);
		expect(await reopened.get(KEY)).toBeUndefined();
	});
});
