import { describe, expect, it } from 'vitest';
import { callback, exposeApi, wrapWorker } from '../../../src/lib/rpc/index.ts';
import { AssayError } from '../../../src/lib/shared/errors.ts';

interface Api {
	work(n: number, onProgress: (i: number) => void): Promise<number>;
	fail(): Promise<void>;
}

describe('worker RPC', () => {
	it('carries calls, progress callbacks and AssayError codes across a message channel', async () => {
		const { port1, port2 } = new MessageChannel();
		const api: Api = {
			async work(n, onProgress) {
				for (let i = 1; i <= n; i++) await onProgress(i);
				return n * 2;
			},
			async fail() {
				throw new AssayError('FILE_TOO_LARGE', 'too big', { details: { sizeBytes: 9 } });
			}
		};
		exposeApi(api, port1);
		const remote = wrapWorker<Api>(port2);
		const seen: number[] = [];
		expect(
			await remote.work(
				3,
				callback((i: number) => void seen.push(i))
			)
		).toBe(6);
		expect(seen).toEqual([1, 2, 3]);
		const error = await remote.fail().catch((e: unknown) => e);
		expect(error).toBeInstanceOf(AssayError);
		expect(error).toMatchObject({ code: 'FILE_TOO_LARGE', message: 'too big', details: { sizeBytes: 9 } });
		port1.close();
		port2.close();
	});
});
