import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtCliStaleReason } from '../../../scripts/cli-freshness.mjs';

const work = mkdtempSync(join(tmpdir(), 'assay-freshness-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A repository root with src/a.ts (mtime `sourceS`) and, unless told not to, a build of it (mtime `builtS`). */
function checkout(name: string, { sourceS, builtS, manifest = true }: { sourceS: number; builtS?: number; manifest?: boolean }): string {
	const root = join(work, name);
	mkdirSync(join(root, 'src'), { recursive: true });
	writeFileSync(join(root, 'src/a.ts'), 'export const a = 1;\n');
	utimesSync(join(root, 'src/a.ts'), sourceS, sourceS);
	if (builtS !== undefined) {
		mkdirSync(join(root, 'dist-cli'), { recursive: true });
		writeFileSync(join(root, 'dist-cli/assay.mjs'), 'export {};\n');
		utimesSync(join(root, 'dist-cli/assay.mjs'), builtS, builtS);
		if (manifest) writeFileSync(join(root, 'dist-cli/inputs.json'), JSON.stringify({ inputs: ['src/a.ts'] }));
	}
	return root;
}

describe('builtCliStaleReason', () => {
	it('accepts a build newer than every source it lists', () => {
		expect(builtCliStaleReason(checkout('fresh', { sourceS: 1_000, builtS: 2_000 }))).toBeUndefined();
	});

	it('refuses a missing build, a build without its manifest, and one older than a source', () => {
		expect(builtCliStaleReason(checkout('none', { sourceS: 1_000 }))).toBe('dist-cli/assay.mjs is missing');
		expect(builtCliStaleReason(checkout('no-manifest', { sourceS: 1_000, builtS: 2_000, manifest: false }))).toMatch(
			/inputs\.json is missing/
		);
		expect(builtCliStaleReason(checkout('stale', { sourceS: 3_000, builtS: 2_000 }))).toBe('src/a.ts is newer than dist-cli/');
	});

	it('refuses a build one of whose sources was deleted', () => {
		const root = checkout('deleted', { sourceS: 1_000, builtS: 2_000 });
		rmSync(join(root, 'src/a.ts'));
		expect(builtCliStaleReason(root)).toBe('src/a.ts, a source of dist-cli/, is gone');
	});
});
