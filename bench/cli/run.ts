/**
 * CLI start-up, measured (issue 17, item 7): wall time of `assay --help` and of one real command
 * (`assay metrics` on tests/fixtures/metrics-reference/01_ties), each run as a fresh Node
 * process: through the built CLI (`node dist-cli/assay.mjs`, plain JavaScript) and through the
 * TypeScript sources transpiled by tsx at run time (`node --import tsx src/cli/main.ts`, what
 * `bin/assay.js` did before the build and still does when dist-cli/ is missing or stale), and
 * through `bin/assay.js` itself (the built CLI after its freshness check).
 * One warm-up spawn per variant (it fills tsx's transpile cache, so the tsx figure is its best
 * case), then 5 spawns each, interleaved; printed: median ms of each and the ratio tsx / built.
 *
 *   npx tsx bench/cli/run.ts        (npm run bench:cli; builds dist-cli/ first when missing or stale)
 *
 * Writes bench/out/cli.json. Not part of the test suite.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtCliStaleReason } from '../../scripts/cli-freshness.mjs';
import { recordFigures } from '../figures.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const RUNS = 5;
const fixture = join(root, 'tests/fixtures/metrics-reference/01_ties');
const commands: Record<string, string[]> = {
	'--help': ['--help'],
	metrics: ['metrics', '--qrels', join(fixture, 'qrels'), '--run', join(fixture, 'run')]
};
const variants: Record<string, string[]> = {
	built: [join(root, 'dist-cli/assay.mjs')],
	bin: [join(root, 'bin/assay.js')],
	tsx: ['--import', 'tsx', join(root, 'src/cli/main.ts')]
};

if (builtCliStaleReason(root) !== undefined) {
	const build = spawnSync(process.execPath, [join(root, 'scripts/build-cli.mjs')], { cwd: root, stdio: 'inherit' });
	if (build.status !== 0) throw new Error('npm run build:cli failed');
}

/** Wall time in ms of one `node <prefix> <args>` spawn; throws when it does not exit 0. */
function spawnMs(prefix: string[], args: string[]): number {
	const started = performance.now();
	const result = spawnSync(process.execPath, [...prefix, ...args], { cwd: root, encoding: 'utf8' });
	const ms = performance.now() - started;
	if (result.status !== 0) throw new Error(`node ${[...prefix, ...args].join(' ')} exited ${result.status}: ${result.stderr}`);
	return ms;
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const rows: { command: string; builtMs: number; binMs: number; tsxMs: number; ratio: number }[] = [];
for (const [command, args] of Object.entries(commands)) {
	const times: Record<string, number[]> = { built: [], bin: [], tsx: [] };
	for (const prefix of Object.values(variants)) spawnMs(prefix, args);
	for (let i = 0; i < RUNS; i++) {
		for (const [name, prefix] of Object.entries(variants)) times[name]?.push(spawnMs(prefix, args));
	}
	const builtMs = median(times['built'] ?? []);
	const binMs = median(times['bin'] ?? []);
	const tsxMs = median(times['tsx'] ?? []);
	rows.push({ command, builtMs, binMs, tsxMs, ratio: tsxMs / builtMs });
}

console.log(`assay start-up, median of ${RUNS} spawns each (Node ${process.version})`);
console.log('command   built (ms)  bin/assay.js (ms)  tsx (ms)  tsx / built');
for (const row of rows) {
	console.log(
		`${row.command.padEnd(9)} ${row.builtMs.toFixed(0).padStart(10)} ${row.binMs.toFixed(0).padStart(18)} ${row.tsxMs.toFixed(0).padStart(9)} ${row.ratio.toFixed(2).padStart(11)}×`
	);
}
mkdirSync(join(root, 'bench/out'), { recursive: true });
writeFileSync(join(root, 'bench/out/cli.json'), `${JSON.stringify({ runs: RUNS, node: process.version, rows }, null, 2)}\n`);
recordFigures(
	'cli',
	rows.flatMap((row) => [
		{
			name: `assay ${row.command} wall time, built CLI`,
			value: row.builtMs,
			unit: 'ms',
			...(row.command === '--help' ? { target: { op: '<=' as const, value: 1000 } } : {})
		},
		{ name: `assay ${row.command}, tsx sources / built`, value: row.ratio, unit: '×' }
	])
);
