import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpSystem } from '../../../src/lib/evals/system/http-system.ts';
import { evaluateSystem } from '../../../src/lib/evals/system/evaluate.ts';
import { MemoryResponseCache } from '../../../src/lib/evals/system/cache.ts';
import type { GoldenCase } from '../../../src/lib/evals/golden/types.ts';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

const cases: GoldenCase[] = [1, 2, 3, 4].map((i) => ({
	id: `q${i}`,
	query: `question ${i}`,
	relevant: [{ doc: `d${i}`, grade: 1 }],
	tags: []
}));

/** A tiny "RAG app" on 127.0.0.1 that counts requests; case 3's reply has no answer field. */
async function app(): Promise<{ url: string; requests: () => number }> {
	let n = 0;
	server = createServer((req, res) => {
		let body = '';
		req.on('data', (c: Buffer) => (body += c.toString()));
		req.on('end', () => {
			n++;
			const { id } = JSON.parse(body) as { id: string };
			res.writeHead(200, { 'content-type': 'application/json' });
			const docs = id === 'q2' ? ['dx', 'd2'] : [`d${id.slice(1)}`, 'dx'];
			res.end(
				JSON.stringify(
					id === 'q3' ? { nothing: true } : { answer: `About ${id} [1].`, contexts: docs.map((d) => ({ id: d, text: `passage ${d}` })) }
				)
			);
		});
	});
	await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
	return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/ask`, requests: () => n };
}

describe('evaluateSystem with the http system against a local app', () => {
	it('scores the app, records the case it could not answer as an error, and a cached re-run sends 0 requests', async () => {
		const served = await app();
		const config = {
			type: 'http' as const,
			url: served.url,
			body: { id: '{{id}}', q: '{{query}}' },
			answer: '$.answer',
			contexts: '$.contexts',
			contextId: '$.id',
			contextText: '$.text'
		};
		const cache = new MemoryResponseCache();
		const run = async () =>
			evaluateSystem({
				id: 'rep',
				runId: 'run',
				system: await createHttpSystem(config, { sleep: () => Promise.resolve() }),
				goldenSet: { id: 'g', name: 'local', cases },
				cache,
				clock: () => performance.now(),
				report: { appVersion: 'test', environment: { userAgent: 'vitest', gpuAdapter: null, hardwareConcurrency: null } }
			});
		const first = await run();
		expect(served.requests()).toBe(4);
		expect(first.report.errors).toEqual({ count: 1, byCode: { SYSTEM_RESPONSE_INVALID: 1 } });
		expect(first.report.perQuery.map((q) => [q.id, q.metrics.recip_rank])).toEqual([
			['q1', 1],
			['q2', 0.5],
			['q3', undefined],
			['q4', 1]
		]);
		expect(first.report.metrics.aggregate.recip_rank!.mean).toBeCloseTo(2.5 / 3, 12);
		expect(first.report.system).toMatchObject({ type: 'http' });
		expect(first.report.cache).toEqual({ hits: 0, requests: 4 });
		const second = await run();
		expect(served.requests()).toBe(5);
		expect(second.report.cache).toEqual({ hits: 3, requests: 1 });
		expect(second.report.metrics.aggregate).toEqual(first.report.metrics.aggregate);
	});
});
