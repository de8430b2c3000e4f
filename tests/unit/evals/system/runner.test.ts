import { describe, expect, it } from 'vitest';
import { runSystemEval } from '../../../../src/lib/evals/system/runner.ts';
import { MemoryResponseCache, systemCacheKey } from '../../../../src/lib/evals/system/cache.ts';
import type { ResponseCache, SystemCaseResult } from '../../../../src/lib/evals/system/types.ts';
import { FakeSystem, goldenCases } from './fake-system.ts';

describe('runSystemEval', () => {
	it('never has more than `concurrency` requests in flight, and keeps that many busy', async () => {
		const sys = new FakeSystem((c) => ({ ticks: ((Number(c.id.slice(1)) * 7) % 5) + 1 }));
		const res = await runSystemEval({ system: sys, cases: goldenCases(20), concurrency: 3, clock: sys.clock });
		expect(sys.maxInFlight).toBe(3);
		expect(res.requests).toBe(20);
		expect(res.results).toHaveLength(20);
	});

	it('defaults to 4 requests in flight', async () => {
		const sys = new FakeSystem(() => ({ ticks: 3 }));
		await runSystemEval({ system: sys, cases: goldenCases(10), clock: sys.clock });
		expect(sys.maxInFlight).toBe(4);
	});

	it('hands results to onResult as they finish and returns them in golden-set order, repeats in order', async () => {
		// c1 is slow, c2 fast: c2 finishes first.
		const sys = new FakeSystem((c) => ({ ticks: c.id === 'c1' ? 10 : 1 }));
		const seen: string[] = [];
		const res = await runSystemEval({
			system: sys,
			cases: goldenCases(2),
			repeats: 2,
			concurrency: 4,
			clock: sys.clock,
			onResult: (r) => void seen.push(`${r.caseId}/${r.repeat}`)
		});
		expect(seen).toEqual(['c2/0', 'c2/1', 'c1/0', 'c1/1']);
		expect(res.results.map((r) => `${r.caseId}/${r.repeat}`)).toEqual(['c1/0', 'c1/1', 'c2/0', 'c2/1']);
	});

	it('sends repeat r with seed baseSeed + r', async () => {
		const sys = new FakeSystem(() => ({}));
		await runSystemEval({ system: sys, cases: goldenCases(1), repeats: 3, baseSeed: 100, concurrency: 1, clock: sys.clock });
		expect(sys.requests.map((r) => [r.repeat, r.seed])).toEqual([
			[0, 100],
			[1, 101],
			[2, 102]
		]);
	});

	it('records a case error with its code and message and goes on with the other cases', async () => {
		const sys = new FakeSystem((c) => (c.id === 'c2' ? { error: 'SYSTEM_RESPONSE_INVALID' } : {}));
		const res = await runSystemEval({ system: sys, cases: goldenCases(3), concurrency: 1, clock: sys.clock });
		expect(res.results.map((r) => r.error?.code ?? null)).toEqual([null, 'SYSTEM_RESPONSE_INVALID', null]);
		expect(res.results[1]).toMatchObject({ caseId: 'c2', output: null, error: { message: 'scripted SYSTEM_RESPONSE_INVALID for c2' } });
		expect(res.stopped).toBeNull();
		expect(res.requests).toBe(3);
	});

	it("turns an unusable output into the case's SYSTEM_RESPONSE_INVALID error, naming what was wrong, and does not cache it", async () => {
		const cache = new MemoryResponseCache();
		const bad = {
			c1: { contexts: [{ documentRef: 'a', score: Number.NaN }] },
			c2: { contexts: [{ score: 1 }] },
			c3: { answer: 42 as unknown as string }
		} as Record<string, object>;
		const sys = new FakeSystem((c) => ({ output: bad[c.id] ?? {} }));
		const res = await runSystemEval({ system: sys, cases: goldenCases(4), cache, clock: sys.clock });
		expect(res.results.map((r) => r.error?.message ?? 'ok')).toEqual([
			'The system\'s output for case "c1" is not usable: contexts[0].score must be a finite number, received NaN.',
			'The system\'s output for case "c2" is not usable: contexts[0] needs a documentRef or a text.',
			'The system\'s output for case "c3" is not usable: answer must be a string, received the number 42.',
			'ok'
		]);
		expect(res.results.slice(0, 3).every((r) => r.error?.code === 'SYSTEM_RESPONSE_INVALID')).toBe(true);
		expect(cache.size).toBe(1);
	});

	it('stops at an unreachable system: no new case starts, and the result says how many never ran', async () => {
		const sys = new FakeSystem((c) => (c.id === 'c3' ? { error: 'SYSTEM_UNREACHABLE' } : {}));
		const res = await runSystemEval({ system: sys, cases: goldenCases(10), concurrency: 1, clock: sys.clock });
		expect(sys.requests.map((r) => r.case.id)).toEqual(['c1', 'c2', 'c3']);
		expect(res.stopped).toMatchObject({ error: { code: 'SYSTEM_UNREACHABLE' }, notRun: 7 });
		expect(res.results.map((r) => r.caseId)).toEqual(['c1', 'c2', 'c3']);
	});

	it('lets the requests already in flight finish when the system becomes unreachable', async () => {
		const sys = new FakeSystem((c) => (c.id === 'c1' ? { error: 'SYSTEM_UNREACHABLE', ticks: 1 } : { ticks: 5 }));
		const res = await runSystemEval({ system: sys, cases: goldenCases(10), concurrency: 3, clock: sys.clock });
		expect(sys.requests).toHaveLength(3);
		expect(res.results.map((r) => [r.caseId, r.error?.code ?? 'ok'])).toEqual([
			['c1', 'SYSTEM_UNREACHABLE'],
			['c2', 'ok'],
			['c3', 'ok']
		]);
		expect(res.stopped?.notRun).toBe(7);
	});

	it('a second run with the cache sends 0 requests and returns the same outputs, marked cached', async () => {
		const cache = new MemoryResponseCache();
		const script = (c: { id: string }) => ({ output: { answer: `A ${c.id}`, contexts: [{ documentRef: `d-${c.id}`, text: 'passage' }] } });
		const first = new FakeSystem(script);
		const a = await runSystemEval({ system: first, cases: goldenCases(5), repeats: 2, cache, clock: first.clock });
		expect([a.requests, a.cacheHits]).toEqual([10, 0]);
		const second = new FakeSystem(script);
		const b = await runSystemEval({ system: second, cases: goldenCases(5), repeats: 2, cache, clock: second.clock });
		expect(second.requests).toHaveLength(0);
		expect([b.requests, b.cacheHits]).toEqual([0, 10]);
		expect(b.results.map((r) => r.output?.answer)).toEqual(a.results.map((r) => r.output?.answer));
		expect(b.results.every((r) => r.output?.cached === true)).toBe(true);
		expect(a.results.some((r) => r.output?.cached === true)).toBe(false);
	});

	it('never caches an error: the failed case is asked again on the next run', async () => {
		const cache = new MemoryResponseCache();
		const failing = new FakeSystem((c) => (c.id === 'c2' ? { error: 'SYSTEM_REQUEST_FAILED' } : {}));
		await runSystemEval({ system: failing, cases: goldenCases(3), cache, clock: failing.clock });
		expect(cache.size).toBe(2);
		const again = new FakeSystem(() => ({}));
		const res = await runSystemEval({ system: again, cases: goldenCases(3), cache, clock: again.clock });
		expect(again.requests.map((r) => r.case.id)).toEqual(['c2']);
		expect([res.requests, res.cacheHits]).toEqual([1, 2]);
	});

	it('misses the cache when the system identity, the case, the repeat or the seed changes', async () => {
		const [c] = goldenCases(1);
		const base = await systemCacheKey({ url: 'u' }, { case: c!, repeat: 0, seed: 42 });
		expect(base).toMatch(/^[0-9a-f]{64}$/);
		expect(await systemCacheKey({ url: 'u' }, { case: { ...c!, tags: [] }, repeat: 0, seed: 42 })).toBe(base);
		const others = await Promise.all([
			systemCacheKey({ url: 'v' }, { case: c!, repeat: 0, seed: 42 }),
			systemCacheKey({ url: 'u' }, { case: { ...c!, reference: 'other' }, repeat: 0, seed: 42 }),
			systemCacheKey({ url: 'u' }, { case: { ...c!, tags: ['x'] }, repeat: 0, seed: 42 }),
			systemCacheKey({ url: 'u' }, { case: c!, repeat: 1, seed: 42 }),
			systemCacheKey({ url: 'u' }, { case: c!, repeat: 0, seed: 43 })
		]);
		expect(new Set([base, ...others]).size).toBe(6);
	});

	it('treats a damaged cache entry as a miss and a failing cache as no cache', async () => {
		const [c] = goldenCases(1);
		const sys = new FakeSystem(() => ({}));
		const damaged = new MemoryResponseCache();
		await damaged.put(await systemCacheKey(sys.cacheIdentity, { case: c!, repeat: 0, seed: 42 }), {
			v: 1,
			kind: 'system',
			output: { answer: 5 }
		});
		const res = await runSystemEval({ system: sys, cases: [c!], cache: damaged, clock: sys.clock });
		expect([res.requests, res.cacheHits]).toEqual([1, 0]);
		const broken: ResponseCache = {
			get: async () => Promise.reject(new Error('disk')),
			put: async () => Promise.reject(new Error('disk full'))
		};
		const res2 = await runSystemEval({ system: new FakeSystem(() => ({})), cases: goldenCases(2), cache: broken, clock: sys.clock });
		expect([res2.requests, res2.cacheWriteErrors, res2.results.every((r) => r.error === null)]).toEqual([2, 2, true]);
	});

	it('reports progress with an ETA from the injected clock', async () => {
		const sys = new FakeSystem(() => ({ ticks: 10 }));
		const progress: [number, number, number][] = [];
		const res = await runSystemEval({
			system: sys,
			cases: goldenCases(4),
			concurrency: 1,
			clock: sys.clock,
			onProgress: (d, t, eta) => void progress.push([d, t, eta])
		});
		expect(progress).toEqual([
			[1, 4, 30],
			[2, 4, 20],
			[3, 4, 10],
			[4, 4, 0]
		]);
		expect(res.elapsedMs).toBe(40);
	});

	it('starts nothing new once aborted, and does not record the request in flight', async () => {
		const controller = new AbortController();
		const sys = new FakeSystem(() => ({ ticks: 2 }));
		const results: SystemCaseResult[] = [];
		const res = await runSystemEval({
			system: sys,
			cases: goldenCases(5),
			concurrency: 1,
			clock: sys.clock,
			signal: controller.signal,
			onResult: (r) => {
				results.push(r);
				if (results.length === 2) controller.abort();
			}
		});
		expect(res.cancelled).toBe(true);
		expect(sys.requests).toHaveLength(2);
		expect(res.results.map((r) => r.caseId)).toEqual(['c1', 'c2']);
	});

	it('refuses a bad repeats or concurrency with CONFIG_INVALID', async () => {
		const sys = new FakeSystem(() => ({}));
		await expect(runSystemEval({ system: sys, cases: goldenCases(1), repeats: 0, clock: sys.clock })).rejects.toMatchObject({
			code: 'CONFIG_INVALID',
			message: /repeats must be an integer ≥ 1, received 0/
		});
		await expect(runSystemEval({ system: sys, cases: goldenCases(1), concurrency: 1.5, clock: sys.clock })).rejects.toMatchObject({
			code: 'CONFIG_INVALID'
		});
	});

	it('stops and rethrows when onResult fails', async () => {
		const sys = new FakeSystem(() => ({}));
		await expect(
			runSystemEval({
				system: sys,
				cases: goldenCases(5),
				concurrency: 1,
				clock: sys.clock,
				onResult: () => Promise.reject(new Error('store failed'))
			})
		).rejects.toThrow('store failed');
		expect(sys.requests).toHaveLength(1);
	});
});
