/**
 * The built CLI (issue 17, item 7): `node dist-cli/assay.mjs` is plain JavaScript bundled from
 * src/cli by scripts/build-cli.mjs, and runs the same commands as the sources. Built here first
 * when dist-cli/ is missing or older than the sources. Checks output and exit codes, not speed.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtCliStaleReason } from '../../../scripts/cli-freshness.mjs';
import { runCliCaptured } from '../../support/cli.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const built = join(root, 'dist-cli/assay.mjs');
const ties = join(root, 'tests/fixtures/metrics-reference/01_ties');

/** `node dist-cli/assay.mjs ...args`, bounded so a hang fails instead of stalling the suite. */
function runBuilt(...args: string[]) {
	return spawnSync(process.execPath, [built, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
}

beforeAll(() => {
	if (builtCliStaleReason(root) === undefined) return;
	const build = spawnSync(process.execPath, [join(root, 'scripts/build-cli.mjs')], { cwd: root, encoding: 'utf8', timeout: 240_000 });
	expect(build.stderr).toBe('');
	expect(build.status).toBe(0);
}, 300_000);

describe('the built CLI (dist-cli/assay.mjs)', () => {
	it('is plain JavaScript with no TypeScript loader and lists every source it was built from', () => {
		const source = readFileSync(built, 'utf8');
		expect(source).not.toMatch(/from ["']tsx/);
		const { inputs } = JSON.parse(readFileSync(join(root, 'dist-cli/inputs.json'), 'utf8')) as { inputs: string[] };
		expect(inputs).toEqual(expect.arrayContaining(['src/cli/main.ts', 'src/cli/cli.ts', 'src/cli/metrics-command.ts']));
		expect(builtCliStaleReason(root)).toBeUndefined();
	});

	it('is what bin/assay.js runs while it is fresh (no note about tsx on stderr)', () => {
		const result = spawnSync(process.execPath, [join(root, 'bin/assay.js'), '--help'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
		expect(result.status).toBe(0);
		expect(result.stderr).toBe('');
		expect(result.stdout).toMatch(/^Usage: assay <command>/);
	});

	it('prints the usage with --help and exits 0, and exits 2 on an unknown command', async () => {
		const help = runBuilt('--help');
		expect(help.status).toBe(0);
		expect(help.stdout).toBe((await runCliCaptured(['--help'])).stdout);
		const unknown = runBuilt('index');
		expect(unknown.status).toBe(2);
		expect(unknown.stderr).toMatch(/unknown command "index"/);
	});

	it('prints a command help loaded on demand (assay help run, assay metrics --help)', () => {
		const run = runBuilt('help', 'run');
		expect(run.status).toBe(0);
		expect(run.stdout).toMatch(/^Usage: assay run --dataset/);
		const metrics = runBuilt('metrics', '--help');
		expect(metrics.status).toBe(0);
		expect(metrics.stdout).toMatch(/^Usage: assay metrics --qrels/);
	});

	it('scores the 01_ties fixture with assay metrics exactly as the sources do (map 0.4111)', async () => {
		const args = ['metrics', '--qrels', join(ties, 'qrels'), '--run', join(ties, 'run'), '--k', '5,10'];
		const result = runBuilt(...args);
		expect(result.status).toBe(0);
		expect(result.stdout).toMatch(/^map\s+\tall\t0.4111$/m);
		expect(result.stdout).toBe((await runCliCaptured(args)).stdout);
	});

	it('exits 2 with a readable message on a missing run file', () => {
		const result = runBuilt('metrics', '--qrels', join(ties, 'qrels'), '--run', join(ties, 'no-such-run'));
		expect(result.status).toBe(2);
		expect(result.stderr).toMatch(/^assay metrics: /);
		expect(result.stderr).not.toMatch(/\n\s+at /);
	});

	it('loads the eval and bench-serving chunks, which read the version of package.json from dist-cli/chunks/', () => {
		for (const command of ['eval', 'bench-serving']) {
			const result = runBuilt(command, '--help');
			expect(result.stderr).toBe('');
			expect(result.status).toBe(0);
			expect(result.stdout).toMatch(new RegExp(`^Usage: assay ${command} `));
		}
	});
});
