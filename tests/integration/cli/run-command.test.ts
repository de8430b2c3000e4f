import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../support/cli.ts';
import { parseRun } from '../../../src/lib/evals/index.ts';

const fixtures = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const dataset = join(fixtures, 'datasets/topics');
const embedModel = join(fixtures, 'models/static-embed');
const rerankModel = join(fixtures, 'models/static-reranker');

/** Run `assay run` in-process (offline: models from local folders, which hold fp32 weights only) and parse the TREC run from stdout. */
async function run(mode: string, ...extra: string[]) {
	const { code, stdout, stderr } = await runCliCaptured([
		'run',
		'--dataset',
		dataset,
		'--mode',
		mode,
		'--embed-model',
		embedModel,
		'--rerank-model',
		rerankModel,
		'--dtype',
		'fp32',
		'--top-k',
		'3',
		'--out',
		'-',
		...extra
	]);
	expect(code, stderr).toBe(0);
	const lists = new Map<string, string[]>();
	for (const [qid, hits] of parseRun(stdout))
		lists.set(
			qid,
			[...hits].sort((a, b) => b.score - a.score).map((h) => h.docId)
		);
	return { lists, stderr };
}

describe('assay run', () => {
	it('finds nothing lexically for queries that share no word with their on-topic documents', async () => {
		const { lists } = await run('lexical');
		for (const qid of ['q-dog', 'q-recipe', 'q-invest', 'q-forecast']) expect(lists.get(qid) ?? []).toEqual([]);
	});

	it('finds the on-topic documents first in dense mode, from a local model folder', async () => {
		const { lists, stderr } = await run('dense');
		expect(lists.get('q-dog')?.[0]).toMatch(/^pets-/);
		expect(lists.get('q-recipe')?.slice(0, 2).sort()).toEqual(['cook-1', 'cook-2']);
		expect(lists.get('q-invest')?.slice(0, 2).sort()).toEqual(['fin-1', 'fin-2']);
		expect(lists.get('q-forecast')?.[0]).toBe('weather-1');
		expect(stderr).toContain('(cpu)');
	});

	it('keeps the exact-identifier match that only lexical finds at the top in hybrid mode', async () => {
		const dense = await run('dense');
		expect(dense.lists.get('q-code')?.[0]).not.toBe('soft-2');
		const { lists } = await run('hybrid');
		expect(lists.get('q-code')?.[0]).toBe('soft-2');
		expect(lists.get('q-recipe')?.slice(0, 2).sort()).toEqual(['cook-1', 'cook-2']);
	});

	it('reranks the fused pool with the cross-encoder in hybrid-rerank mode', async () => {
		const { lists } = await run('hybrid-rerank', '--rerank-pool', '2');
		expect(lists.get('q-invest')?.slice(0, 2).sort()).toEqual(['fin-1', 'fin-2']);
	});

	it('prints the reranker effect per query (fused vs reranked nDCG@10, helped / hurt / unchanged) in hybrid-rerank mode', async () => {
		const { stderr } = await run('hybrid-rerank', '--rerank-depth', '5');
		expect(stderr).toMatch(
			/reranker effect on ndcg_cut_10 \(top-3, pool 5\): helped \d+, hurt \d+, unchanged \d+; mean [\d.]+ fused → [\d.]+ reranked/
		);
		expect(stderr).toMatch(/^ {2}q-\S+ {2}[\d.]+ → [\d.]+ {2}Δ [+−][\d.]+ {2}relevant \+\d+ in −\d+ out of top-3$/m);
	});

	it('writes every query of the reranker effect with --rerank-effect, helped + hurt + unchanged adding up to the queries', async () => {
		const file = join(mkdtempSync(join(tmpdir(), 'assay-rerank-effect-')), 'effect.json');
		await run('hybrid-rerank', '--rerank-effect', file);
		const effect = JSON.parse(readFileSync(file, 'utf8')) as {
			schema: string;
			poolDepth: number;
			helped: number;
			hurt: number;
			unchanged: number;
			perQuery: unknown[];
		};
		expect(effect.schema).toBe('assay.rerank-effect/v1');
		expect(effect.poolDepth).toBe(12);
		expect(effect.perQuery).toHaveLength(13);
		expect(effect.helped + effect.hurt + effect.unchanged).toBe(13);
	});

	it('refuses a rerank depth below the top-k, with --rerank-pool, or outside hybrid-rerank', async () => {
		for (const extra of [
			['--mode', 'hybrid-rerank', '--rerank-depth', '2'],
			['--mode', 'hybrid-rerank', '--rerank-depth', '5', '--rerank-pool', '2'],
			['--mode', 'hybrid', '--rerank-depth', '5']
		]) {
			const { code, stderr } = await runCliCaptured([
				'run',
				'--dataset',
				dataset,
				'--embed-model',
				embedModel,
				'--rerank-model',
				rerankModel,
				'--dtype',
				'fp32',
				'--top-k',
				'3',
				'--out',
				'-',
				...extra
			]);
			expect(code).not.toBe(0);
			expect(stderr).toContain('--rerank-depth');
		}
	});

	it('shows embedding and per-query progress (with reranking) on stderr while stdout carries only the run', async () => {
		const { code, stdout, stderr } = await runCliCaptured([
			'run',
			'--dataset',
			dataset,
			'--mode',
			'hybrid-rerank',
			'--embed-model',
			embedModel,
			'--rerank-model',
			rerankModel,
			'--dtype',
			'fp32',
			'--top-k',
			'3',
			'--out',
			'-'
		]);
		expect(code, stderr).toBe(0);
		const docs = Number(/embedding (\d+) documents/.exec(stderr)?.[1]);
		expect(docs).toBeGreaterThan(0);
		expect(stderr).toContain(`embedding ${docs} documents: 0/${docs} (0%)`);
		expect(stderr).toContain(`embedding ${docs} documents: ${docs}/${docs} (100%)`);
		const queries = new Set(
			stdout
				.trim()
				.split('\n')
				.map((l) => l.split(' ')[0])
		).size;
		expect(stderr).toContain('queries (BM25 + vector search, RRF, reranking): 0/');
		expect(stderr).toMatch(new RegExp(`queries \\(BM25 \\+ vector search, RRF, reranking\\): (\\d+)/\\1 \\(100%\\)`));
		expect(queries).toBeGreaterThan(0);
		for (const line of stdout.trim().split('\n')) expect(line).toMatch(/^\S+ Q0 \S+ \d+ \S+ assay-hybrid-rerank$/);
	});

	it('prints no progress lines with --quiet, only the model recipe it runs with and the summary', async () => {
		const { stderr } = await run('dense', '--quiet');
		expect(stderr).not.toMatch(/embedding \d+ documents/);
		expect(stderr).not.toContain('queries (');
		expect(stderr).toContain('assay run: embedding static-embed (fp32), pooling');
		expect(stderr).toContain('assay run: topics');
	});

	it('refuses dense mode without an embedding model', async () => {
		const { code, stderr } = await runCliCaptured(['run', '--dataset', dataset, '--mode', 'dense', '--out', '-']);
		expect(code).toBe(2);
		expect(stderr).toContain('--embed-model');
	});
});
