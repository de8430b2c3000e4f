import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../support/cli.ts';
import { parseRun } from '../../../src/lib/evals/index.ts';

const fixtures = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'assay-rewrite-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const replies = join(work, 'replies.json');
writeFileSync(
	replies,
	JSON.stringify({
		dog: { reply: '{"keywords": ["puppy", "kennel"]}', inputTokens: 40, outputTokens: 9 },
		'cat meow': '{"keywords": ["kitten"]}'
	})
);

const run = (...args: string[]) =>
	runCliCaptured(['run', '--dataset', join(fixtures, 'datasets/topics'), '--mode', 'lexical', '--top-k', '3', '--out', '-', '-q', ...args]);

describe('assay run --rewrite', () => {
	it('expands the BM25 query with scripted keywords, counts the calls and tokens, and reuses the cache file on the second run', async () => {
		const cache = join(work, 'cache.json');
		const first = await run('--rewrite', 'expand', '--scripted-rewrites', replies, '--rewrite-cache', cache);
		expect(first.code, first.stderr).toBe(0);
		const top = [...(parseRun(first.stdout).get('q-dog') ?? [])].sort((a, b) => b.score - a.score)[0]?.docId;
		expect(top).toBe('pets-1');
		expect(first.stderr).toMatch(
			/rewrites \(expand ×3, scripted-rewriter\): 13 calls, 40 input \+ 21 output tokens, 0 cached, 11 fallbacks; cost in-browser model: time only/
		);
		expect(first.stderr).toMatch(/q-code: rewrite fell back to the original query: the reply is not JSON/);
		expect(Object.keys(JSON.parse(readFileSync(cache, 'utf8')))).toHaveLength(2);
		const second = await run('--rewrite', 'expand', '--scripted-rewrites', replies, '--rewrite-cache', cache);
		expect(second.stderr).toMatch(/: 11 calls, 0 input \+ 11 output tokens, 2 cached, 11 fallbacks/);
		expect(second.stdout).toBe(first.stdout);
	});

	it('HyDE in dense mode ranks by the embedded passage: the scripted passage about a kitten puts the cat document first for "dog"', async () => {
		const passages = join(work, 'passages.json');
		writeFileSync(passages, JSON.stringify({ dog: 'our kitten purrs and sleeps with whiskers and fur' }));
		const model = ['--embed-model', join(fixtures, 'models/static-embed'), '--dtype', 'fp32', '--mode', 'dense'];
		const plain = await run(...model);
		const hyde = await run(...model, '--rewrite', 'hyde', '--scripted-rewrites', passages);
		expect(hyde.code, hyde.stderr).toBe(0);
		const top = (stdout: string) => [...(parseRun(stdout).get('q-dog') ?? [])].sort((a, b) => b.score - a.score)[0]?.docId;
		expect(top(hyde.stdout)).toBe('pets-2');
		expect(top(plain.stdout)).toBeDefined();
		expect(top(plain.stdout)).not.toBe('pets-2');
		expect(hyde.stderr).toMatch(/rewrites \(hyde, scripted-rewriter\): 13 calls/);
	});

	it('refuses rewrite flags without --rewrite, and --rewrite without a model', async () => {
		const a = await run('--rewrite-count', '2');
		expect(a.code).toBe(2);
		expect(a.stderr).toMatch(/--rewrite-count needs --rewrite/);
		const b = await run('--rewrite', 'hyde');
		expect(b.code).toBe(2);
		expect(b.stderr).toMatch(/exactly one of --base-url/);
	});
});
