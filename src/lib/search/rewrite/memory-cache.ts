import type { RewriteCache } from './types.ts';

/** A {@link RewriteCache} in a `Map` (Node, tests): lives as long as the object. `size` counts entries. */
export class MemoryRewriteCache implements RewriteCache {
	private readonly entries = new Map<string, unknown>();

	/** Number of cached rewrites. */
	get size(): number {
		return this.entries.size;
	}

	/** The value under `key` (a structured clone, so callers cannot change the cache), or `undefined`. */
	async get(key: string): Promise<unknown> {
		const v = this.entries.get(key);
		return v === undefined ? undefined : structuredClone(v);
	}

	/** Store a clone of `value` under `key`. */
	async put(key: string, value: unknown): Promise<void> {
		this.entries.set(key, structuredClone(value));
	}

	/** Every entry as a plain object (e.g. to write a cache file). */
	toJSON(): Record<string, unknown> {
		return Object.fromEntries(this.entries);
	}

	/** A cache holding `entries` (e.g. read back from a cache file). */
	static from(entries: Readonly<Record<string, unknown>>): MemoryRewriteCache {
		const cache = new MemoryRewriteCache();
		for (const [k, v] of Object.entries(entries)) cache.entries.set(k, structuredClone(v));
		return cache;
	}
}
