/**
 * Ports for coordinating library workers of several tabs on one database: an exclusive lock
 * per name (Web Locks in the browser) and a broadcast of document changes (BroadcastChannel).
 * Each tab's library worker holds its own in-memory BM25 index per workspace; these ports keep
 * those indexes and the stored snapshot in step with the documents every tab stores. The
 * in-process implementations here serve Node (CLI, tests: two services on one IDB factory
 * share one {@link inProcessLocks} and one {@link inProcessBus}); the browser ones are in
 * `workers/tab-sync.ts`.
 */

/** Exclusive named locks across tabs (the shape of `navigator.locks.request` in exclusive mode). */
export interface TabLocks {
	/** Run `fn` while holding the lock `name`; waits for other holders first, in request order. */
	request<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

/** A tab stored or removed documents of a workspace; `generation` is the workspace's stored document generation after it. */
export interface DocumentsChanged {
	readonly type: 'documents-changed';
	readonly workspaceId: string;
	readonly generation: number;
}

/** A tab changed a workspace's configuration or access lists: other tabs drop their cached copies. */
export interface ContextChanged {
	readonly type: 'context-changed';
	readonly workspaceId: string;
}

/** What one tab's library worker tells the others. */
export type TabMessage = DocumentsChanged | ContextChanged;

/** Messages between tabs' library workers (never delivered back to the sender). */
export interface TabBus {
	post(message: TabMessage): void;
	/** Receive other tabs' messages; returns the unsubscribe function. */
	subscribe(listener: (message: TabMessage) => void): () => void;
}

/** Locks within one JavaScript realm: a promise chain per name. Share one instance between services that stand for tabs. */
export function inProcessLocks(): TabLocks {
	const tails = new Map<string, Promise<unknown>>();
	return {
		request<T>(name: string, fn: () => Promise<T>): Promise<T> {
			const previous = tails.get(name) ?? Promise.resolve();
			const next = previous.then(fn, fn);
			const tail = next.catch(() => undefined);
			tails.set(name, tail);
			void tail.then(() => {
				if (tails.get(name) === tail) tails.delete(name);
			});
			return next;
		}
	};
}

/**
 * A bus within one realm: each {@link InProcessBusHub.connect} stands for one tab; a message
 * reaches every other connection, asynchronously (a microtask later), like BroadcastChannel.
 */
export interface InProcessBusHub {
	connect(): TabBus;
}

/** A hub for {@link InProcessBusHub.connect}. */
export function inProcessBus(): InProcessBusHub {
	const listeners = new Map<TabBus, Set<(message: TabMessage) => void>>();
	return {
		connect() {
			const own = new Set<(message: TabMessage) => void>();
			const bus: TabBus = {
				post(message) {
					for (const [other, set] of listeners) {
						if (other === bus) continue;
						for (const listener of set) queueMicrotask(() => listener(message));
					}
				},
				subscribe(listener) {
					own.add(listener);
					return () => own.delete(listener);
				}
			};
			listeners.set(bus, own);
			return bus;
		}
	};
}
