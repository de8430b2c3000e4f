/**
 * Browser implementations of the tab-coordination ports (`src/lib/services/tab-sync.ts`), wired by the library worker:
 * Web Locks (`navigator.locks`, available in workers) and a BroadcastChannel. Without Web
 * Locks (very old browsers) the locks fall back to this realm only.
 */
import { inProcessLocks, type TabBus, type TabLocks } from '../src/lib/services/tab-sync.ts';

/** `navigator.locks` in exclusive mode, or in-realm locks where the API is missing. */
export function webLocks(): TabLocks {
	const locks = (globalThis.navigator as Navigator | undefined)?.locks;
	if (!locks) return inProcessLocks();
	return { request: (name, fn) => locks.request(name, { mode: 'exclusive' }, fn) as ReturnType<typeof fn> };
}

/** A BroadcastChannel named `name` (default `assay-library`); null where BroadcastChannel is missing. */
export function broadcastBus(name = 'assay-library'): TabBus | null {
	if (typeof BroadcastChannel === 'undefined') return null;
	const channel = new BroadcastChannel(name);
	return {
		post: (message) => channel.postMessage(message),
		subscribe(listener) {
			const handler = (event: MessageEvent) => {
				const data = event.data as { type?: unknown; workspaceId?: unknown; generation?: unknown } | null;
				if (typeof data?.workspaceId !== 'string') return;
				if (data.type === 'documents-changed' && typeof data.generation === 'number')
					listener({ type: 'documents-changed', workspaceId: data.workspaceId, generation: data.generation });
				else if (data.type === 'context-changed') listener({ type: 'context-changed', workspaceId: data.workspaceId });
			};
			channel.addEventListener('message', handler);
			return () => channel.removeEventListener('message', handler);
		}
	};
}
