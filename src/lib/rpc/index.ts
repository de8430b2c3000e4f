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

/** Wrap a worker (or port) as a typed remote. */
export function wrapWorker<T>(endpoint: Comlink.Endpoint): Comlink.Remote<T> {
	installErrorTransfer();
	return Comlink.wrap<T>(endpoint);
}

/** Mark a callback (e.g. a progress listener) to be called back across the boundary. */
export function callback<T extends (...args: never[]) => unknown>(fn: T): T & Comlink.ProxyMarked {
	return Comlink.proxy(fn);
}

export type { Remote } from 'comlink';

/** Mark `value` to be sent with `transfers` moved, not copied (e.g. a MessagePort). */
export function transferred<T>(value: T, transfers: Transferable[]): T {
	return Comlink.transfer(value, transfers);
}
