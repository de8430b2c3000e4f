import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../support/cli.ts';
import { parseRun } from '../../../src/lib/evals/index.ts';

const fixtures = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const base = [
	'--dataset',
	join(fixtures, 'datasets/topics'),
	'--embed-model',
	join(fixtures, 'models/static-embed'),
	'--dtype',
	'fp32',
	'-q'
];

async function cli(...args: string[]) {
	return runCliCaptured(['run', ...base, ...args]);
}

function top(stdout: string, qid: string): string | undefined {
	return [...(parseRun(stdout).get(qid) ?? [])].sort((a, b) => b.score - a.score)[0]?.docId;
}

describe('assay run fusion options', () => {
	it('fuses with CombMNZ over z-scores at weights 0.3,0.7 and keeps the lexical-only match first', async () => {
		const { code, stdout, stderr } = await cli(
			'--mode',
			'hybrid',
			'--fusion',
			'combmnz',
			'--normalization',
			'zscore',
			'--weights',
			'0.3,0.7',
			'--top-k',
			'3',
			'--out',
			'-'
		);
		expect(code, stderr).toBe(0);
		expect(top(stdout, 'q-code')).toBe('soft-2');
		expect(top(stdout, 'q-forecast')).toBe('weather-1');
	});

	it('refuses weights for plain RRF and a malformed weight pair', async () => {
		const a = await cli('--mode', 'hybrid', '--fusion', 'rrf', '--weights', '0.3,0.7', '--out', '-');
		expect(a.code).not.toBe(0);
		expect(a.stderr).toMatch(/weights need method weighted-rrf/);
		const b = await cli('--mode', 'hybrid', '--fusion', 'combsum', '--weights', '0.3', '--out', '-');
		expect(b.code).not.toBe(0);
		expect(b.stderr).toMatch(/--weights must be two numbers/);
	});

	it('tunes the lexical weight on the topics fixture: both single-retriever ends lose, the tuned result runs again through --fusion-config', async () => {
		// Seed 7 puts q-code (only lexical finds it) and dense-only queries in the tune split.
		const out = join(mkdtempSync(join(tmpdir(), 'assay-fusion-')), 'tuned.json');
		const { code, stderr } = await cli('--tune-fusion', '--seed', '7', '--metric', 'recip_rank', '--out', out);
		expect(code, stderr).toBe(0);
		expect(stderr).toMatch(/tuned CombSUM min-max 0.5\/0.5 on 8 queries/);
		const result = JSON.parse(readFileSync(out, 'utf8'));
		expect(result.schema).toBe('assay.fusion-tuning/v1');
		expect(result.split.tune).toContain('q-code');
		const means = new Map<number, number>(
			result.grid.map((g: { fusion: { weights: { lexical: number } }; tuneMean: number }) => [g.fusion.weights.lexical, g.tuneMean])
		);
		expect(means.get(0.5)).toBe(1);
		expect(means.get(0)).toBeLessThan(1);
		expect(means.get(1)).toBeLessThan(1);
		expect(result.fusion).toEqual({ method: 'combsum', normalization: 'minmax', weights: { lexical: 0.5, dense: 0.5 } });
		expect(result.confirm.comparison.queryCount).toBe(result.split.confirm.length);
		const again = await cli('--mode', 'hybrid', '--fusion-config', out, '--top-k', '3', '--out', '-');
		expect(again.code, again.stderr).toBe(0);
		expect(top(again.stdout, 'q-code')).toBe('soft-2');
	});
});
