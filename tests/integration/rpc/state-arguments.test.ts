import { describe, expect, it } from 'vitest';
// `proxy` is what `$state(value)` compiles to in the browser build: Svelte's deep reactive Proxy.
// Vitest compiles `.svelte.ts` files for the server in Node, where `$state(x)` is just `x`, and its
// docblock cannot pick a custom environment, so the test takes the client runtime's function.
// eslint-disable-next-line svelte/no-svelte-internal
import { proxy as state } from 'svelte/internal/client';
import { callback, exposeApi, plainCopy, transferred, wrapWorker } from '../../../src/lib/rpc/index.ts';

interface Case {
	id: string;
	tags: string[];
	meta: { when: Date; bytes: Uint8Array };
}

interface Api {
	save(name: string, cases: Case[], onSaved: (n: number) => void): Promise<{ name: string; cases: Case[] }>;
	take(box: { port: MessagePort; label: string }): Promise<string>;
	settings: { topK: number; tags: string[] };
}

function channel(): { remote: ReturnType<typeof wrapWorker<Api>>; api: Api; close: () => void } {
	const { port1, port2 } = new MessageChannel();
	const api: Api = {
		async save(name, cases, onSaved) {
			await onSaved(cases.length);
			return { name, cases };
		},
		async take(box) {
			const reply = new Promise<string>((resolve) =>
				box.port.addEventListener('message', (e) => resolve(`${box.label}:${String(e.data)}`), { once: true })
			);
			box.port.start();
			return reply;
		},
		settings: { topK: 1, tags: [] }
	};
	exposeApi(api, port1);
	return {
		remote: wrapWorker<Api>(port2),
		api,
		close: () => {
			port1.close();
			port2.close();
		}
	};
}

describe('worker RPC with Svelte state', () => {
	it('sends $state proxies as arguments without a manual snapshot', async () => {
		const { remote, close } = channel();
		const cases: Case[] = state([{ id: 'q1', tags: ['a'], meta: { when: new Date(5), bytes: new Uint8Array([1, 2]) } }]);
		const seen: number[] = [];
		const back = await remote.save(
			'golden',
			cases,
			callback((n: number) => void seen.push(n))
		);
		expect(back).toEqual({
			name: 'golden',
			cases: [{ id: 'q1', tags: ['a'], meta: { when: new Date(5), bytes: new Uint8Array([1, 2]) } }]
		});
		expect(back.cases[0]?.meta.when).toBeInstanceOf(Date);
		expect(seen).toEqual([1]);
		close();
	});

	it('sets a remote property to a $state proxy', async () => {
		const { remote, api, close } = channel();
		const settings = state({ topK: 7, tags: ['x'] });
		// Comlink types a remote property as a promise; the set itself takes the value.
		(remote as unknown as { settings: unknown }).settings = settings;
		// A round trip after the set: messages on one port arrive in order.
		await remote.save(
			'after',
			[],
			callback(() => {})
		);
		expect(api.settings).toEqual({ topK: 7, tags: ['x'] });
		close();
	});

	it('still transfers what transferred() marks, on the copy of a $state object', async () => {
		const { remote, close } = channel();
		const { port1, port2 } = new MessageChannel();
		const box = state({ port: port1, label: 'box' });
		const reply = remote.take(transferred(box, [port1]));
		port2.postMessage('hi');
		expect(await reply).toBe('box:hi');
		port2.close();
		close();
	});
});

describe('plainCopy', () => {
	it('rebuilds arrays and plain objects, keeps shared and cyclic references, and keeps everything else by identity', () => {
		const bytes = new Uint8Array([1]);
		const fn = () => 1;
		const shared = { n: 1 };
		const cyclic: { self?: unknown; shared: typeof shared; other: typeof shared; bytes: Uint8Array; fn: () => number } = {
			shared,
			other: shared,
			bytes,
			fn
		};
		cyclic.self = cyclic;
		const copy = plainCopy(cyclic);
		expect(copy).not.toBe(cyclic);
		expect(copy.self).toBe(copy);
		expect(copy.shared).not.toBe(shared);
		expect(copy.other).toBe(copy.shared);
		expect(copy.bytes).toBe(bytes);
		expect(copy.fn).toBe(fn);
		const reactive = state({ a: [1, { b: 2 }] });
		expect(() => structuredClone(reactive)).toThrow();
		expect(structuredClone(plainCopy(reactive))).toEqual({ a: [1, { b: 2 }] });
	});
});
