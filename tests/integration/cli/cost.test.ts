import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseEvalReport } from '../../../src/lib/evals/index.ts';
import { assay } from '../../support/system-eval-setup.ts';

const dirs: string[] = [];
afterAll(() => {
	for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A file system (outputs another system produced) whose rows carry OpenAI-style usage, evaluated with the dated default prices. */
function outputsEval(label: string): { config: string; out: string } {
	const dir = mkdtempSync(join(tmpdir(), 'assay-cost-'));
	dirs.push(dir);
	writeFileSync(
		join(dir, 'golden.jsonl'),
		[
			'{"id":"a","query":"one","relevant":["d1"]}',
			'{"id":"b","query":"two","relevant":["d2"]}',
			'{"id":"c","query":"three","relevant":["d3"]}'
		].join('\n')
	);
	writeFileSync(
		join(dir, 'outputs.jsonl'),
		[
			'{"id":"a","answer":"x [1]","contexts":[{"id":"d1","text":"t"}],"usage":{"prompt_tokens":1234,"completion_tokens":567}}',
			'{"id":"b","answer":"y [1]","contexts":[{"id":"d2","text":"t"}],"usage":{"input_tokens":1000000,"output_tokens":1}}',
			'{"id":"c","answer":"z [1]","contexts":[{"id":"d3","text":"t"}]}'
		].join('\n')
	);
	writeFileSync(join(dir, 'c.json'), JSON.stringify({ goldenSet: 'golden.jsonl', system: { type: 'file', label, path: 'outputs.jsonl' } }));
	return { config: join(dir, 'c.json'), out: join(dir, 'out') };
}

type CostReport = {
	answers: {
		cost: {
			currency: string;
			totalUsd: number | null;
			pricedCases: number;
			unpricedCases: number;
			reasons: string[];
			priceTableAsOf: string;
			priceMatch: string | null;
		};
		perCase: { caseId: string; costUsd: number | null }[];
	};
};

describe('assay eval reports cost: tokens × the price table', () => {
	it('prices each case with reported tokens and totals them exactly (gpt-4o-mini at $0.15 / $0.60 per MTok)', async () => {
		const { config, out } = outputsEval('gpt-4o-mini');
		const r = await assay(['eval', '--config', config, '--out', out, '--no-cache']);
		expect(r.code, r.stdout + r.stderr).toBe(0);
		const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as unknown;
		expect(() => parseEvalReport(json)).not.toThrow();
		const report = json as CostReport;
		// a: 1234 × 0.15 + 567 × 0.60 = 525.3 µ$; b: 1 000 000 × 0.15 + 1 × 0.60 = 150 000.6 µ$.
		expect(report.answers.perCase.map((c) => [c.caseId, c.costUsd])).toEqual([
			['a', 0.0005253],
			['b', 0.1500006],
			['c', null]
		]);
		expect(report.answers.cost).toEqual({
			currency: 'USD',
			totalUsd: 0.1505259,
			pricedCases: 2,
			unpricedCases: 1,
			reasons: ['no token counts reported'],
			priceTableAsOf: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
			priceMatch: 'gpt-4o-mini*',
			totalMs: expect.any(Number)
		});
	});

	it('says why a system whose model the table does not price has no cost', async () => {
		const { config, out } = outputsEval('support bot v2');
		const r = await assay(['eval', '--config', config, '--out', out, '--no-cache']);
		expect(r.code, r.stdout + r.stderr).toBe(0);
		const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as CostReport;
		expect(report.answers.cost).toMatchObject({ totalUsd: null, pricedCases: 0, unpricedCases: 3, priceMatch: null });
		expect(report.answers.cost.reasons).toEqual(['no price for model support bot v2']);
		expect(report.answers.perCase.every((c) => c.costUsd === null)).toBe(true);
	});

	it('--prices prices with the given table, and refuses a bad one naming each bad row (exit 2)', async () => {
		const { config, out } = outputsEval('support bot v2');
		const prices = join(out, '..', 'prices.json');
		const row = { match: 'support bot*', inputPerMTok: 1, outputPerMTok: 2, source: 'https://example.com/pricing', asOf: '2026-12-01' };
		writeFileSync(prices, JSON.stringify({ version: 1, asOf: '2026-12-01', currency: 'USD', models: [row] }));
		const r = await assay(['eval', '--config', config, '--out', out, '--no-cache', '--prices', prices]);
		expect(r.code, r.stdout + r.stderr).toBe(0);
		const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as CostReport;
		// a: 1234 × $1 + 567 × $2 = 2368 µ$; b: 1 000 000 × $1 + 1 × $2 = 1 000 002 µ$.
		expect(report.answers.perCase.map((c) => c.costUsd)).toEqual([0.002368, 1.000002, null]);
		expect(report.answers.cost).toMatchObject({ totalUsd: 1.00237, priceTableAsOf: '2026-12-01', priceMatch: 'support bot*' });
		writeFileSync(
			prices,
			JSON.stringify({ version: 1, asOf: '2026-12-01', currency: 'USD', models: [row, { ...row, match: 'x', outputPerMTok: -1 }] })
		);
		const bad = await assay(['eval', '--config', config, '--out', join(out, 'bad'), '--no-cache', '--prices', prices]);
		expect(bad.code).toBe(2);
		expect(bad.stderr).toContain('models[1].outputPerMTok: must be ≥ 0');
	});
});
