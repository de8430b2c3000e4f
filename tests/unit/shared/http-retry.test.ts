import { describe, expect, it } from 'vitest';
import {
	backoffDelay,
	fetchWithRetry,
	parseRetryAfter,
	RetryExhaustedError,
	type RetryOptions
} from '../../../src/lib/shared/http/retry.ts';
import { readTextCapped } from '../../../src/lib/shared/http/body.ts';

/** A scripted fetch: each call takes the next step (a status + headers, or a thrown error, or 'hang'). */
type Step = { status: number; headers?: Record<string, string>; body?: string } | { throws: Error } | 'hang';

function harness(steps: Step[], extra: Partial<RetryOptions> = {}) {
	const calls: RequestInit[] = [];
	const sleeps: number[] = [];
	const timers: { ms: number; fire: () => void }[] = [];
	const fetchImpl = ((_url: string, init: RequestInit) => {
		calls.push(init);
		const step = steps[Math.min(calls.length - 1, steps.length - 1)]!;
		if (step === 'hang') {
			return new Promise((_resolve, reject) =>
				init.signal!.addEventListener('abort', () => reject(init.signal!.reason as Error), { once: true })
			);
		}
		if ('throws' in step) return Promise.reject(step.throws);
		return Promise.resolve(new Response(step.body ?? '', { status: step.status, headers: step.headers ?? {} }));
	}) as typeof fetch;
	const options: RetryOptions = {
		fetch: fetchImpl,
		sleep: (ms) => {
			sleeps.push(ms);
			return Promise.resolve();
		},
		random: () => 0.5,
		clock: () => Date.parse('Wed, 21 Oct 2026 07:28:00 GMT'),
		// The timeout fires as soon as the attempt has started: only a hanging fetch notices.
		timer: (ms, fire) => {
			timers.push({ ms, fire });
			queueMicrotask(fire);
			return () => {};
		},
		...extra
	};
	return { calls, sleeps, timers, options };
}

describe('fetchWithRetry', () => {
	it('retries 429, 502, 503, 504 and 529 with full-jitter exponential backoff and returns the first success', async () => {
		const h = harness([{ status: 429 }, { status: 502 }, { status: 503 }, { status: 504 }, { status: 200, body: 'ok' }]);
		const r = await fetchWithRetry('http://x/', {}, h.options);
		expect(await r.text()).toBe('ok');
		expect(h.calls).toHaveLength(5);
		// random 0.5 × min(30 000, 500 × 2^n) for n = 0, 1, 2, 3
		expect(h.sleeps).toEqual([250, 500, 1000, 2000]);
	});

	it('caps the backoff at maxDelayMs before the jitter is applied', async () => {
		const h = harness([{ status: 529 }], { maxRetries: 6, baseDelayMs: 1000, maxDelayMs: 5000, random: () => 1 - 2 ** -53 });
		await expect(fetchWithRetry('http://x/', {}, h.options)).rejects.toBeInstanceOf(RetryExhaustedError);
		expect(h.sleeps.map(Math.round)).toEqual([1000, 2000, 4000, 5000, 5000, 5000]);
	});

	it('waits exactly the Retry-After delta-seconds instead of the backoff', async () => {
		const h = harness([{ status: 429, headers: { 'retry-after': '7' } }, { status: 200 }]);
		await fetchWithRetry('http://x/', {}, h.options);
		expect(h.sleeps).toEqual([7000]);
	});

	it('waits until a Retry-After HTTP-date, measured with the injected clock', async () => {
		const h = harness([{ status: 503, headers: { 'retry-after': 'Wed, 21 Oct 2026 07:28:12 GMT' } }, { status: 200 }]);
		await fetchWithRetry('http://x/', {}, h.options);
		expect(h.sleeps).toEqual([12_000]);
	});

	it('caps a long Retry-After at maxRetryAfterMs', async () => {
		const h = harness([{ status: 429, headers: { 'retry-after': '86400' } }, { status: 200 }]);
		await fetchWithRetry('http://x/', {}, h.options);
		expect(h.sleeps).toEqual([120_000]);
	});

	it('does not retry other 4xx or 500: the response is returned as is', async () => {
		for (const status of [400, 401, 404, 422, 500]) {
			const h = harness([{ status, body: 'no' }, { status: 200 }]);
			const r = await fetchWithRetry('http://x/', {}, h.options);
			expect(r.status).toBe(status);
			expect(h.calls).toHaveLength(1);
			expect(h.sleeps).toEqual([]);
		}
	});

	it('retries network errors and, when they never stop, throws RetryExhaustedError with attempts and no status', async () => {
		const h = harness([{ throws: new TypeError('fetch failed') }]);
		const error = await fetchWithRetry('http://x/', {}, h.options).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(RetryExhaustedError);
		expect(error).toMatchObject({ code: 'SYSTEM_UNREACHABLE', details: { attempts: 5, lastStatus: null, lastReason: 'network' } });
		expect((error as Error).message).toContain('fetch failed');
		expect(h.calls).toHaveLength(5);
		expect(h.sleeps).toEqual([250, 500, 1000, 2000]);
	});

	it('an exhausted retryable status names the last status and uses the caller-chosen code', async () => {
		const h = harness([{ status: 503, body: 'model is loading' }], { maxRetries: 2, exhaustedCode: 'LLM_REQUEST_FAILED' });
		const error = await fetchWithRetry('http://x/', {}, h.options).catch((e: unknown) => e);
		expect(error).toMatchObject({ code: 'LLM_REQUEST_FAILED', details: { attempts: 3, lastStatus: 503, lastReason: 'status' } });
		expect((error as Error).message).toContain('the last one got HTTP 503: model is loading');
	});

	it('a per-attempt timeout aborts that attempt and is retried', async () => {
		const h = harness(['hang', 'hang', { status: 200, body: 'late' }], { timeoutMs: 1234 });
		const r = await fetchWithRetry('http://x/', {}, h.options);
		expect(await r.text()).toBe('late');
		expect(h.calls).toHaveLength(3);
		expect(h.timers.map((t) => t.ms)).toEqual([1234, 1234, 1234]);
		expect(h.sleeps).toEqual([250, 500]);
	});

	it('timeouts on every attempt end in RetryExhaustedError with reason timeout', async () => {
		const h = harness(['hang'], { maxRetries: 1 });
		await expect(fetchWithRetry('http://x/', {}, h.options)).rejects.toMatchObject({
			details: { attempts: 2, lastReason: 'timeout', lastStatus: null }
		});
	});

	it('an abort during a request stops at once with the abort reason, without retrying', async () => {
		const ac = new AbortController();
		const h = harness(['hang'], { timer: () => () => {} });
		const pending = fetchWithRetry('http://x/', { signal: ac.signal }, h.options);
		queueMicrotask(() => ac.abort());
		await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
		expect(h.calls).toHaveLength(1);
		expect(h.sleeps).toEqual([]);
	});

	it('an abort during a backoff wait stops at once', async () => {
		const ac = new AbortController();
		const h = harness([{ status: 503 }], {
			sleep: (_ms, signal) =>
				new Promise((_resolve, reject) => {
					signal!.addEventListener('abort', () => reject(signal!.reason as Error), { once: true });
					ac.abort();
				})
		});
		await expect(fetchWithRetry('http://x/', { signal: ac.signal }, h.options)).rejects.toMatchObject({ name: 'AbortError' });
		expect(h.calls).toHaveLength(1);
	});

	it('sends the same method, headers and body on every attempt', async () => {
		const h = harness([{ status: 429 }, { status: 200 }]);
		await fetchWithRetry('http://x/', { method: 'POST', headers: { a: 'b' }, body: '{"q":1}' }, h.options);
		expect(h.calls.map((c) => [c.method, c.body, (c.headers as Record<string, string>).a])).toEqual([
			['POST', '{"q":1}', 'b'],
			['POST', '{"q":1}', 'b']
		]);
	});

	it('refuses out-of-range options with CONFIG_INVALID', async () => {
		const h = harness([{ status: 200 }]);
		await expect(fetchWithRetry('http://x/', {}, { ...h.options, maxRetries: -1 })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
		await expect(fetchWithRetry('http://x/', {}, { ...h.options, timeoutMs: 0 })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
	});
});

describe('parseRetryAfter and backoffDelay', () => {
	const now = Date.parse('Wed, 21 Oct 2026 07:28:00 GMT');
	it('reads delta-seconds and HTTP-dates (RFC 9110 §10.2.3); a past date is 0; junk is null', () => {
		expect(parseRetryAfter('120', now)).toBe(120_000);
		expect(parseRetryAfter(' 0 ', now)).toBe(0);
		expect(parseRetryAfter('Wed, 21 Oct 2026 07:29:00 GMT', now)).toBe(60_000);
		expect(parseRetryAfter('Tue, 20 Oct 2026 07:29:00 GMT', now)).toBe(0);
		expect(parseRetryAfter('1.5', now)).toBeNull();
		expect(parseRetryAfter('-3', now)).toBeNull();
		expect(parseRetryAfter('soon', now)).toBeNull();
		expect(parseRetryAfter(null, now)).toBeNull();
	});

	it('computes random × min(max, base × 2^retry)', () => {
		expect([0, 1, 2, 3, 10].map((n) => backoffDelay(n, 1))).toEqual([500, 1000, 2000, 4000, 30_000]);
		expect(backoffDelay(3, 0.25, 100, 10_000)).toBe(200);
	});
});

describe('readTextCapped', () => {
	it('reads a body under the cap and refuses one over it, by content-length or by counting the stream', async () => {
		expect(await readTextCapped(new Response('héllo'), 16)).toBe('héllo');
		await expect(readTextCapped(new Response('x'.repeat(100), { headers: { 'content-length': '100' } }), 10)).rejects.toMatchObject({
			code: 'SYSTEM_RESPONSE_INVALID',
			details: { maxBytes: 10, receivedBytes: 100 }
		});
		let pulls = 0;
		const endless = new ReadableStream<Uint8Array>({
			pull(c) {
				pulls++;
				c.enqueue(new Uint8Array(1024));
			}
		});
		await expect(readTextCapped(new Response(endless), 4096)).rejects.toMatchObject({ code: 'SYSTEM_RESPONSE_INVALID' });
		expect(pulls).toBeLessThan(10);
	});
});
