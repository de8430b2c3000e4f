import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../support/cli.ts';
import { StageAblationReportSchema } from '../../../src/lib/evals/ablation/index.ts';

const fixtures = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const base = [
	'run',
	'--dataset',
	join(fixtures, 'datasets/topics'),
	'--embed-model',
	join(fixtures, 'models/static-embed'),
	'--rerank-model',
	join(fixtures, 'models/static-reranker'),
	'--dtype',
	'fp32',
	'--top-k',
	'3',
	'-q'
];
const tmp = () => join(mkdtempSync(join(tmpdir(), 'assay-ablation-')), 'ablation.json');

describe('assay run --ablation', () => {
	it('writes every stage of a hybrid-rerank run with its tests and losses, and prints the table on stderr', async () => {
		const out = tmp();
		const { code, stdout, stderr } = await runCliCaptured([...base, '--mode', 'hybrid-rerank', '--out', '-', '--ablation', out]);
		expect(code, stderr).toBe(0);
		expect(stdout).toMatch(/ Q0 /);
		const report = StageAblationReportSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
		expect(report).toMatchObject({
			schema: 'assay.stage-ablation/v1',
			dataset: 'topics',
			mode: 'hybrid-rerank',
			config: { topK: 3, depth: 100, rrfK: 60, rerankPoolFactor: 4 },
			models: { embedding: 'static-embed', reranker: 'static-reranker' }
		});
		const a = report.ablation;
		expect(a.stages).toEqual(['lexical', 'dense', 'fused', 'rerank']);
		expect(a.comparisons.map((c) => `${c.from}→${c.to}`)).toEqual(['lexical→fused', 'dense→fused', 'fused→rerank']);
		expect(a.perQuery.length).toBeGreaterThan(0);
		// q-dog shares no word with its documents: lexical finds none of them.
		const dog = a.perQuery.find((q) => q.id === 'q-dog')!;
		expect(dog.relevant.every((r) => r.ranks.lexical === null)).toBe(true);
		expect(stderr).toContain(`assay run: stage ablation at depth 3 (${a.perQuery.length} queries)`);
		expect(stderr).toMatch(/assay run: lexical → fused on ndcg@10: /);
		expect(stderr).toMatch(/assay run: relevant documents: \d+ kept to the end/);
	});

	it('records the rerank pool depth of --rerank-depth in the configuration, and leaves it out without one', async () => {
		const out = tmp();
		const { code, stderr } = await runCliCaptured([
			...base,
			'--mode',
			'hybrid-rerank',
			'--rerank-depth',
			'5',
			'--out',
			tmp(),
			'--ablation',
			out
		]);
		expect(code, stderr).toBe(0);
		expect(StageAblationReportSchema.parse(JSON.parse(readFileSync(out, 'utf8'))).config).toMatchObject({
			rerankPoolFactor: 4,
			rerankDepth: 5
		});
		const plain = tmp();
		await runCliCaptured([...base, '--mode', 'hybrid-rerank', '--out', tmp(), '--ablation', plain]);
		expect(StageAblationReportSchema.parse(JSON.parse(readFileSync(plain, 'utf8'))).config).not.toHaveProperty('rerankDepth');
	});

	it('compares the stages on --ablation-metric and writes to stdout with "-"', async () => {
		const { code, stdout, stderr } = await runCliCaptured([
			...base,
			'--mode',
			'hybrid',
			'--out',
			tmp(),
			'--ablation',
			'-',
			'--ablation-metric',
			'recall@3'
		]);
		expect(code, stderr).toBe(0);
		const a = StageAblationReportSchema.parse(JSON.parse(stdout)).ablation;
		expect(a.stages).toEqual(['lexical', 'dense', 'fused']);
		expect(a.comparisons.map((c) => c.metric)).toEqual(['recall@3', 'recall@3']);
	});

	it('refuses stdout for both the run and the ablation, and --ablation with --tune-fusion', async () => {
		const both = await runCliCaptured([...base, '--mode', 'hybrid', '--out', '-', '--ablation', '-']);
		expect(both.code).toBe(2);
		expect(both.stderr).toContain('cannot both write to stdout');
		const tune = await runCliCaptured([...base, '--tune-fusion', '--out', tmp(), '--ablation', tmp()]);
		expect(tune.code).toBe(2);
		expect(tune.stderr).toContain('--ablation cannot be combined with --tune-fusion');
	});
});
