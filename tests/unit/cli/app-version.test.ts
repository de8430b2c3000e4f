import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { appVersion } from '../../../src/cli/app-version.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
const work = mkdtempSync(join(tmpdir(), 'assay-version-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('appVersion', () => {
	it("reads package.json's version from the sources and from the built CLI's chunk folder", () => {
		expect(appVersion()).toBe(version);
		expect(appVersion(pathToFileURL(join(root, 'dist-cli/chunks/eval-command-X.mjs')).href)).toBe(version);
	});

	it('skips a package.json of another package on the way up', () => {
		const nested = join(work, 'outer/inner/deeper');
		mkdirSync(nested, { recursive: true });
		writeFileSync(join(work, 'outer/package.json'), '{"name":"assay","version":"9.8.7"}');
		writeFileSync(join(work, 'outer/inner/package.json'), '{"name":"other","version":"1.0.0"}');
		expect(appVersion(pathToFileURL(join(nested, 'x.mjs')).href)).toBe('9.8.7');
	});

	it('throws INTERNAL when no package.json of assay is above the module', () => {
		const lonely = join(work, 'lonely');
		mkdirSync(lonely, { recursive: true });
		expect(() => appVersion(pathToFileURL(join(lonely, 'x.mjs')).href)).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
	});
});
