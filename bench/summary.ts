/**
 * `npm run bench`: every benchmark with a headline figure, one after another in one run on this
 * machine, then one summary table (figure, value, target, met) printed and written to
 * `bench/out/summary.md`. Each bench records its figures with `bench/figures.ts`; a bench that
 * fails is listed as failed and the others still run.
 *
 *   npx tsx bench/summary.ts [--only name,name] [--skip name,name] [--no-run]
 *
 * `--no-run` only prints the table from the figures already in bench/out/figures/. Not part of
 * the test suite; numbers depend on the machine (and on what else runs on it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FIGURES_DIR, meetsTarget, type Figure } from './figures.ts';

const root = fileURLToPath(new URL('../', import.meta.url));

/** The benches, in the order they run: name → script and arguments (relative to the repository). */
const BENCHES: Record<string, readonly string[]> = {
	'bm25-build': ['bench/bm25/build.ts', '--reps', '5'],
	cli: ['bench/cli/run.ts'],
	vector: ['bench/vector/run.ts'],
	// These three drive the built site in Chromium (`npm run build` first).
	search: ['bench/search/run.ts'],
	import: ['bench/import/run.ts'],
	embed: ['bench/embed/run.ts']
};

function run(name: string, args: readonly string[]): { ok: boolean; seconds: number } {
	const start = Date.now();
	console.log(`\n## ${name}: tsx ${args.join(' ')}`);
	const result = spawnSync(process.execPath, ['--import', 'tsx', ...args], { cwd: root, stdio: 'inherit' });
	return { ok: result.status === 0, seconds: (Date.now() - start) / 1000 };
}

function format(value: number): string {
	if (Math.abs(value) >= 100) return value.toFixed(0);
	if (Math.abs(value) >= 1) return value.toFixed(2);
	return value.toPrecision(3);
}

function table(failed: readonly string[]): string {
	const lines = ['| bench | figure | value | target | met |', '|---|---|---:|---|---|'];
	const files = existsSync(FIGURES_DIR) ? readdirSync(FIGURES_DIR).filter((f) => f.endsWith('.json')) : [];
	const order = Object.keys(BENCHES);
	files.sort((a, b) => order.indexOf(a.replace(/\.json$/, '')) - order.indexOf(b.replace(/\.json$/, '')));
	for (const file of files) {
		const { bench, figures } = JSON.parse(readFileSync(join(FIGURES_DIR, file), 'utf8')) as { bench: string; figures: Figure[] };
		for (const f of figures) {
			const met = meetsTarget(f);
			const target = f.target ? `${f.target.op === '<=' ? '≤' : '≥'} ${f.target.value} ${f.unit}` : '';
			const note = f.note ? ` (${f.note})` : '';
			lines.push(
				`| ${bench} | ${f.name}${note} | ${format(f.value)} ${f.unit} | ${target} | ${met === null ? '' : met ? 'yes' : '**no**'} |`
			);
		}
	}
	for (const name of failed) lines.push(`| ${name} | **the bench failed** (see its output above) | | | |`);
	return lines.join('\n');
}

const { values } = parseArgs({ options: { only: { type: 'string' }, skip: { type: 'string' }, 'no-run': { type: 'boolean' } } });
const only = values.only?.split(',');
const skip = new Set(values.skip?.split(',') ?? []);
const failed: string[] = [];
if (!values['no-run']) {
	for (const [name, args] of Object.entries(BENCHES)) {
		if ((only && !only.includes(name)) || skip.has(name)) continue;
		const { ok, seconds } = run(name, args);
		console.log(`${name}: ${ok ? 'done' : 'FAILED'} in ${seconds.toFixed(0)} s`);
		if (!ok) failed.push(name);
	}
}
const summary = `# Assay benchmarks — ${new Date().toISOString()}, Node ${process.version}\n\n${table(failed)}\n`;
console.log(`\n${summary}`);
writeFileSync(join(root, 'bench/out/summary.md'), summary);
