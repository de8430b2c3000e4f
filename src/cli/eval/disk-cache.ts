import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResponseCache } from '../../lib/evals/system/types.ts';
import { AssayError } from '../../lib/shared/errors.ts';
import { writeFileAtomic } from './atomic-write.ts';

const KEY = /^[0-9a-f]{64}$/;

/**
 * The CLI's response cache: one JSON file per key under `dir`, at `<dir>/<key[0..2]>/<key>.json`
 * (256 sub-folders keep folders small), written atomically (temporary file + rename) so a run
 * killed mid-write, or two runs sharing the folder, never leave a torn entry. Keys are the
 * SHA-256 hex cache keys of the core (`cache.ts`); anything else is refused, so a key can never
 * name a path outside `dir`. An unreadable or non-JSON entry reads as a miss (and is rewritten
 * by the next `put`). Counts `hits`, `misses` and `writes` of this process; a failed `put` (the
 * folder is a file, read-only, the disk is full) is counted in `writeErrors` with its message in
 * `firstWriteError` before it is thrown, so the command can say the cache is not working even
 * though its callers only count and carry on.
 */
export class DiskResponseCache implements ResponseCache {
	hits = 0;
	misses = 0;
	writes = 0;
	writeErrors = 0;
	/** The message of the first failed write; null when none failed. */
	firstWriteError: string | null = null;

	constructor(readonly dir: string) {}

	/** The file of `key`. @throws AssayError `INTERNAL` for a key that is not 64 lower-case hex digits. */
	fileOf(key: string): string {
		if (!KEY.test(key))
			throw new AssayError('INTERNAL', `A cache key must be 64 lower-case hex digits (SHA-256), received "${key.slice(0, 80)}"`);
		return join(this.dir, key.slice(0, 2), `${key}.json`);
	}

	async get(key: string): Promise<unknown | undefined> {
		const file = this.fileOf(key);
		let text: string;
		try {
			text = readFileSync(file, 'utf8');
		} catch {
			this.misses++;
			return undefined;
		}
		try {
			const entry = JSON.parse(text) as { key?: unknown; value?: unknown };
			if (entry === null || typeof entry !== 'object' || entry.key !== key || !('value' in entry)) throw new Error('not an entry');
			this.hits++;
			return entry.value;
		} catch {
			this.misses++;
			return undefined;
		}
	}

	async put(key: string, value: unknown): Promise<void> {
		const file = this.fileOf(key);
		try {
			writeFileAtomic(file, `${JSON.stringify({ key, value })}\n`);
		} catch (error) {
			this.writeErrors++;
			this.firstWriteError ??= error instanceof Error ? error.message : String(error);
			throw error;
		}
		this.writes++;
	}
}
