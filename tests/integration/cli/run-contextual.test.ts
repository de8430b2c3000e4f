import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../support/cli.ts';
import { parseRun } from '../../../src/lib/evals/index.ts';

const fixtures = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'assay-contextual-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Keyed by the chunk text as the prompt carries it (a topics document: its text, no title).
const replies = join(work, 'contexts.json');
writeFileSync(
	replies,
	JSON.stringify({
		'the puppy barked at the kennel and wagged its tail': { reply: 'A note about a pet dog.', inputTokens: 120, outputTokens: 6 },
		'our kitten purrs and sleeps with whiskers and fur': '   '
	})
);

const run = (...args: string[]) =>
	runCliCaptured(['run', '--dataset', join(fixtures, 'datasets/topics'), '--top-k', '3', '--out', '-', '-q', ...args]);
const top = (stdout: string, q: string) => [...(parseRun(stdout).get(q) ?? [])].sort((a, b) => b.score - a.score)[0]?.docId;

describe('assay run --contextual', () => {
	it('indexes the scripted context with the document, so BM25 finds the puppy document for "dog", flags the malformed reply, and the second run generates nothing', async () => {
		const cache = join(work, 'contexts-cache.json');
		const plain = await run('--mode', 'lexical');
		const first = await run('--mode', 'lexical', '--contextual', '--scripted-contexts', replies, '--contextual-cache', cache);
		expect(first.code, first.stderr).toBe(0);
		expect(top(plain.stdout, 'q-dog')).toBeUndefined();
		expect(top(first.stdout, 'q-dog')).toBe('pets-1');
		expect(first.stderr).toMatch(
			/contexts \(scripted-contextualiser, prompt v1\): 1 generated, 0 cached, \d+ failed; \d+ calls, 120 input/
		);
		expect(first.stderr).toMatch(/pets-2: no context \(indexed with its text alone\): the model returned an empty context/);
		expect(Object.keys(JSON.parse(readFileSync(cache, 'utf8')))).toHaveLength(1);
		const second = await run('--mode', 'lexical', '--contextual', '--scripted-contexts', replies, '--contextual-cache', cache);
		expect(second.stderr).toMatch(/: 0 generated, 1 cached, \d+ failed; \d+ calls, 0 input/);
		expect(second.stdout).toBe(first.stdout);
	});

	it('changes what the fixture embedder embeds in dense mode: the context about a dog brings the puppy document up for "dog"', async () => {
		const model = ['--mode', 'dense', '--embed-model', join(fixtures, 'models/static-embed'), '--dtype', 'fp32'];
		const dogs = join(work, 'dogs.json');
		writeFileSync(dogs, JSON.stringify({ 'our kitten purrs and sleeps with whiskers and fur': 'dog dog dog dog' }));
		const plain = await run(...model);
		const contextual = await run(...model, '--contextual', '--scripted-contexts', dogs);
		expect(contextual.code, contextual.stderr).toBe(0);
		expect(top(contextual.stdout, 'q-dog')).toBe('pets-2');
		expect(top(plain.stdout, 'q-dog')).not.toBe('pets-2');
	});

	it('with --expand, finds the puppy chunk through its context but returns the original chunk as the span (offsets and tokens of the text alone)', async () => {
		const spans = join(work, 'spans.json');
		const r = await run(
			'--mode',
			'lexical',
			'--expand',
			'neighbours',
			'--spans-out',
			spans,
			'--contextual',
			'--scripted-contexts',
			replies
		);
		expect(r.code, r.stderr).toBe(0);
		const text = 'the puppy barked at the kennel and wagged its tail';
		const [span] = (
			JSON.parse(readFileSync(spans, 'utf8')) as {
				queries: Record<string, { doc: string; startOffset: number; endOffset: number; tokens: number }[]>;
			}
		).queries['q-dog']!;
		expect(span).toMatchObject({ doc: 'pets-1', startOffset: 0, endOffset: text.length, tokens: Math.ceil(text.length / 3) });
	});

	it('refuses contextual flags without --contextual, and --contextual without a model', async () => {
		const a = await run('--mode', 'lexical', '--contextual-cache', join(work, 'x.json'));
		expect(a.code).toBe(2);
		expect(a.stderr).toMatch(/--contextual-cache needs --contextual/);
		const b = await run('--mode', 'lexical', '--contextual');
		expect(b.code).toBe(2);
		expect(b.stderr).toMatch(/exactly one of --base-url \(with --model\) and --scripted-contexts/);
	});
});
