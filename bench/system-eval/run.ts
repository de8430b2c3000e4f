/**
 * Assay's own overhead per case in `assay eval --config` (issue 12): SciFact's 300 test cases
 * against the fixture RAG app (tests/support/fixture-rag-app.ts) with `memoize` on and warmed,
 * so the system answers each query from memory — near-zero system latency. In the same run it
 * measures the raw HTTP round trip of the same 300 requests (fetch + JSON parse, nothing else)
 * and the full `assay eval --config` (config and golden set loading, requests, output → record
 * mapping, DEFAULT_CHECKS grading, report, gate-free, four output files written), both at
 * concurrency 1 and 4, without cache; plus a run served entirely from the disk cache.
 * Overhead per case = (eval wall − raw wall) / 300. Median of `--rounds` (after a warm-up).
 *
 *   npx tsx bench/system-eval/run.ts [--rounds 3]
 *
 * Writes bench/out/system-eval.json. Not part of the test suite; numbers depend on the machine.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runCli } from '../../src/cli/cli.ts';
import { loadScifactSubset, startFixtureRagApp } from '../../tests/support/fixture-rag-app.ts';

const root = join(import.meta.dirname, '..', '..');
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' } } });
const rounds = Number(values.rounds);
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const { corpus, cases } = loadScifactSubset(300, Infinity);
if (cases.length !== 300) throw new Error(`expected 300 SciFact test cases, found ${cases.length}`);
const app = await startFixtureRagApp({ corpus, memoize: true });
const dir = mkdtempSync(join(tmpdir(), 'assay-bench-system-eval-'));
writeFileSync(
	join(dir, 'golden.jsonl'),
	cases.map((c) => JSON.stringify({ id: c.id, query: c.query, relevant: c.relevant })).join('\n') + '\n'
);
const configPath = join(dir, 'assay.config.json');
writeFileSync(
	configPath,
	JSON.stringify({
		goldenSet: 'golden.jsonl',
		system: { type: 'http', url: app.url, body: { query: '{{query}}', id: '{{id}}' }, answer: '$.answer', contexts: '$.contexts' },
		cache: { dir: join(dir, 'cache') }
	})
);

/** Raw round trips: the same POSTs, `concurrency` in flight, reply parsed as JSON. */
async function raw(concurrency: number): Promise<number> {
	const t0 = performance.now();
	let next = 0;
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < cases.length) {
				const c = cases[next++] as (typeof cases)[number];
				const res = await fetch(app.url, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ query: c.query, id: c.id })
				});
				await res.json();
			}
		})
	);
	return performance.now() - t0;
}

async function evalRun(concurrency: number, cache: boolean): Promise<number> {
	const t0 = performance.now();
	const code = await runCli(
		['eval', '--config', configPath, '--out', join(dir, 'out'), '--concurrency', String(concurrency), ...(cache ? [] : ['--no-cache'])],
		{ stdout: () => {}, stderr: () => {} }
	);
	if (code !== 0) throw new Error(`assay eval exited ${code}`);
	return performance.now() - t0;
}

process.env.CI = '1';
await raw(4); // warm the app's memo and the connection pool
await evalRun(4, false);
const results: Record<string, unknown> = {};
for (const concurrency of [1, 4]) {
	const rawRuns: number[] = [];
	for (let i = 0; i < rounds; i++) rawRuns.push(await raw(concurrency));
	const rawMs = median(rawRuns);
	const evalMs: number[] = [];
	for (let i = 0; i < rounds; i++) evalMs.push(await evalRun(concurrency, false));
	const e = median(evalMs);
	results[`concurrency ${concurrency}`] = {
		rawRoundTripMsPerCase: rawMs / cases.length,
		evalMsPerCase: e / cases.length,
		overheadMsPerCase: (e - rawMs) / cases.length,
		evalWallMs: e,
		rawWallMs: rawMs
	};
}
await evalRun(4, true); // fill the cache
const cached: number[] = [];
for (let i = 0; i < rounds; i++) cached.push(await evalRun(4, true));
results['all from the disk cache, concurrency 4'] = { evalMsPerCase: median(cached) / cases.length, evalWallMs: median(cached) };
await app.stop();

const out = {
	bench: 'system-eval',
	cases: cases.length,
	corpusDocs: corpus.length,
	rounds,
	node: process.version,
	cpus: `${availableParallelism()} × ${cpus()[0]?.model ?? '?'}`,
	results
};
mkdirSync(join(root, 'bench', 'out'), { recursive: true });
writeFileSync(join(root, 'bench', 'out', 'system-eval.json'), JSON.stringify(out, null, 2));
console.log(JSON.stringify(out, null, 2));
