import { describe, expect, it } from 'vitest';
import { ISOLATION_HEADERS, onnxThreads, withIsolation } from '../../../src/lib/shared/isolation.ts';

describe('withIsolation', () => {
	it('adds COOP same-origin and COEP require-corp and keeps the body, status and other headers', async () => {
		const original = new Response('<!doctype html>ok', {
			status: 200,
			statusText: 'OK',
			headers: { 'Content-Type': 'text/html', 'X-Kept': '1' }
		});
		const isolated = withIsolation(original);
		expect(isolated.headers.get('Cross-Origin-Opener-Policy')).toBe('same-origin');
		expect(isolated.headers.get('Cross-Origin-Embedder-Policy')).toBe('require-corp');
		expect(isolated.headers.get('Content-Type')).toBe('text/html');
		expect(isolated.headers.get('X-Kept')).toBe('1');
		expect(isolated.status).toBe(200);
		expect(await isolated.text()).toBe('<!doctype html>ok');
	});

	it('overrides a weaker policy the server sent, and leaves a response that has both as it is', () => {
		const weak = withIsolation(new Response('x', { headers: { 'Cross-Origin-Embedder-Policy': 'unsafe-none' } }));
		expect(weak.headers.get('Cross-Origin-Embedder-Policy')).toBe('require-corp');
		const already = new Response('x', { headers: ISOLATION_HEADERS });
		expect(withIsolation(already)).toBe(already);
	});

	it('keeps a 404 a 404', () => {
		expect(withIsolation(new Response('no', { status: 404 })).status).toBe(404);
	});
});

describe('onnxThreads', () => {
	it('uses one thread when the page is not cross-origin isolated, whatever the cores', () => {
		expect(onnxThreads(false, 16)).toBe(1);
	});

	it('uses every core up to 8 when isolated, and 1 when the core count is unknown', () => {
		expect(onnxThreads(true, 2)).toBe(2);
		expect(onnxThreads(true, 16)).toBe(8);
		expect(onnxThreads(true, undefined)).toBe(1);
		expect(onnxThreads(true, 0)).toBe(1);
	});
});
