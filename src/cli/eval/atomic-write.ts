import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Write `data` to `path` atomically: into a temporary file in the same folder (same file
 * system), then `rename` over `path` (atomic on POSIX; on Windows it replaces the file in one
 * step). A reader sees the old file or the whole new one, never half of it; a crash leaves at
 * most a stray `.<name>.<random>.tmp`. Creates the folder when missing.
 * @throws the `node:fs` error when the folder cannot be created or the file written (the
 *   temporary file is removed first).
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
	const dir = dirname(path);
	mkdirSync(dir, { recursive: true });
	const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
	try {
		writeFileSync(tmp, data, { flush: true });
		renameSync(tmp, path);
	} catch (error) {
		rmSync(tmp, { force: true });
		throw error;
	}
}
