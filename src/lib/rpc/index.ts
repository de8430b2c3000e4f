import * as Comlink from 'comlink';
import { fromErrorData, isErrorData, toErrorData, type AssayErrorData } from '../shared/errors.ts';

/**
 * The typed RPC used between the page and its workers: Comlink, with one change — errors
 * cross the boundary as {@link AssayErrorData} and are rebuilt as `AssayError` with the same
 * `code` on the other side (Comlink alone keeps only name/message/stack).
 * Call {@link installErrorTransfer} once on BOTH sides before the first call.
 */

interface ThrownWire {
	readonly assayError: AssayErrorData;
}

let installed = false;

/** Replace Comlink's `throw` transfer handler with one that keeps error codes. Idempotent. */
export function installErrorTransfer(): void {
	if (installed) return;
	const base = Comlink.transferHandlers.get('throw');
	if (!base) throw new Error('Comlink has no built-in "throw" transfer handler to replace');
	Comlink.transferHandlers.set('throw', {
		canHandle: base.canHandle,
		serialize: (thrown: unknown) => {
			const value = (thrown as { value: unknown }).value;
			const wire: ThrownWire = { assayError: toErrorData(value) };
			return [wire, []];
		},
		deserialize: (wire: unknown) => {
			const data = (wire as ThrownWire).assayError;
			throw isErrorData(data) ? fromErrorData(data) : new Error(String(data));
		}
	});
	installed = true;
}

/** Expose `api` on a worker scope (call synchronously at worker start, before any await). */
export function exposeApi(api: object, endpoint?: Comlink.Endpoint): void {
	installErrorTransfer();
	Comlink.expose(api, endpoint);
}

/**
 * Wrap a worker (or port) as a typed remote. Every argument of a call (and every value set on a
 * remote property) is first replaced by its {@link plainCopy}, so callers may pass Svelte
 * `$state` proxies (which `postMessage` cannot clone) without snapshotting them by hand.
 */
export function wrapWorker<T>(endpoint: Comlink.Endpoint): Comlink.Remote<T> {
	installErrorTransfer();
	return copyingArguments(Comlink.wrap<T>(endpoint));
}

/** Values handed to {@link transferred}, with their transfer lists (so a copy can carry them). */
const transfers = new WeakMap<object, Transferable[]>();

/**
 * A deep copy of `value` in which every array and plain object (prototype `Object.prototype` or
 * `null`, which is what Svelte's `$state` proxies look like) is rebuilt as a fresh array or
 * object; everything else is kept as it is: primitives, functions (including {@link callback}s),
 * objects marked with `Comlink.proxy`, class instances (Date, Map, typed arrays, ArrayBuffer,
 * Blob, File, MessagePort, …: `postMessage` clones or transfers those itself). A value given
 * to {@link transferred} keeps its transfer list on the copy. Shared and cyclic references stay
 * shared and cyclic. Equivalent to `$state.snapshot` for everything `postMessage` accepts,
 * but usable outside `.svelte.ts` modules (workers, Node).
 */
export function plainCopy<T>(value: T): T {
	return copyInto(value, new Map()) as T;
}

function copyInto(value: unknown, seen: Map<object, unknown>): unknown {
	if (typeof value !== 'object' || value === null) return value;
	if (Comlink.proxyMarker in value) return value;
	const known = seen.get(value);
	if (known !== undefined) return known;
	let copy: unknown[] | Record<string, unknown>;
	if (Array.isArray(value)) {
		const out: unknown[] = [];
		seen.set(value, out);
		for (const item of value) out.push(copyInto(item, seen));
		copy = out;
	} else {
		const proto = Object.getPrototypeOf(value);
		if (proto !== Object.prototype && proto !== null) return value;
		const out: Record<string, unknown> = {};
		seen.set(value, out);
		for (const key of Object.keys(value)) out[key] = copyInto((value as Record<string, unknown>)[key], seen);
		copy = out;
	}
	const list = transfers.get(value);
	return list ? Comlink.transfer(copy, list) : copy;
}

/** A view of a Comlink remote whose calls, constructions and property sets take plain copies of their values. */
function copyingArguments<T>(remote: T): T {
	return new Proxy(remote as object, {
		get(target, prop) {
			const value = Reflect.get(target, prop);
			// Symbols (releaseProxy, createEndpoint, …) and `then` (awaiting a property) are Comlink's own.
			if (typeof prop === 'symbol' || prop === 'then' || typeof value !== 'function') return value;
			return copyingArguments(value);
		},
		set(target, prop, value) {
			return Reflect.set(target, prop, plainCopy(value));
		},
		apply(target, thisArg, args: unknown[]) {
			return Reflect.apply(target as (...a: unknown[]) => unknown, thisArg, args.map(plainCopy));
		},
		construct(target, args: unknown[]) {
			return Reflect.construct(target as new (...a: unknown[]) => object, args.map(plainCopy));
		}
	}) as T;
}

/** Mark a callback (e.g. a progress listener) to be called back across the boundary. */
export function callback<T extends (...args: never[]) => unknown>(fn: T): T & Comlink.ProxyMarked {
	return Comlink.proxy(fn);
}

export type { Remote } from 'comlink';

/** Mark `value` to be sent with `transfers` moved, not copied (e.g. a MessagePort). */
export function transferred<T>(value: T, list: Transferable[]): T {
	if (typeof value === 'object' && value !== null) transfers.set(value, list);
	return Comlink.transfer(value, list);
}
