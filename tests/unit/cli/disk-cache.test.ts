import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiskResponseCache } from '../../../src/cli/eval/disk-cache.ts';
import { writeFileAtomic } from '../../../src/cli/eval/atomic-write.ts';

const key = (c: string) => c.repeat(64);

describe('DiskResponseCache', () => {
	it('stores one JSON file per key and reads it back in a new process-level instance', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'assay-cache-'));
		const a = new DiskResponseCache(dir);
		expect(await a.get(key('a'))).toBeUndefined();
		await a.put(key('a'), { answer: 'x', contexts: [{ documentRef: 'd1' }] });
		const b = new DiskResponseCache(dir);
		expect(await b.get(key('a'))).toEqual({ answer: 'x', contexts: [{ documentRef: 'd1' }] });
		expect([a.misses, a.writes, b.hits]).toEqual([1, 1, 1]);
		expect(readdirSync(join(dir, 'aa'))).toEqual([`${key('a')}.json`]);
	});

	it('counts a failed write with its message and still throws it, when the cache folder is a file', async () => {
		const dir = join(mkdtempSync(join(tmpdir(), 'assay-cache-')), 'cache');
		writeFileSync(dir, 'not a folder');
		const cache = new DiskResponseCache(dir);
		await expect(cache.put(key('a'), 1)).rejects.toThrow();
		await expect(cache.put(key('b'), 2)).rejects.toThrow();
		expect([cache.writes, cache.writeErrors]).toEqual([0, 2]);
		expect(cache.firstWriteError).toMatch(/ENOTDIR|EEXIST/);
	});

	it('reads a torn or foreign entry as a miss, and the next put repairs it', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'assay-cache-'));
		const cache = new DiskResponseCache(dir);
		mkdirSync(join(dir, 'bb'), { recursive: true });
		writeFileSync(join(dir, 'bb', `${key('b')}.json`), '{"key": "bbbb');
		expect(await cache.get(key('b'))).toBeUndefined();
		writeFileSync(join(dir, 'bb', `${key('b')}.json`), JSON.stringify({ key: key('c'), value: 1 }));
		expect(await cache.get(key('b'))).toBeUndefined();
		await cache.put(key('b'), 2);
		expect(await cache.get(key('b'))).toBe(2);
	});

	it('refuses a key that is not SHA-256 hex, so no key names a path outside the folder', async () => {
		const cache = new DiskResponseCache(mkdtempSync(join(tmpdir(), 'assay-cache-')));
		await expect(cache.get('../../etc/passwd')).rejects.toThrow(/64 lower-case hex/);
		await expect(cache.put('A'.repeat(64), 1)).rejects.toThrow(/64 lower-case hex/);
	});
});

describe('writeFileAtomic', () => {
	it('replaces the file whole and leaves no temporary file behind', () => {
		const dir = mkdtempSync(join(tmpdir(), 'assay-atomic-'));
		const file = join(dir, 'sub', 'report.json');
		writeFileAtomic(file, 'old');
		writeFileAtomic(file, 'new');
		expect(readFileSync(file, 'utf8')).toBe('new');
		expect(readdirSync(join(dir, 'sub'))).toEqual(['report.json']);
	});
});
