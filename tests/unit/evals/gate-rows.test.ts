import { describe, expect, it } from 'vitest';
import { configFromRows, parseGateConfigText, rowsFromConfig } from '../../../src/lib/app/eval-gate.ts';
import { DEFAULT_GATE_CONFIG } from '../../../src/lib/evals/gate/index.ts';

const base = { alpha: 0.05, seed: 42, permutations: 10_000 };

describe('the gate panel rule rows', () => {
	it('turn into the same configuration as the JSON they came from', () => {
		expect(configFromRows(rowsFromConfig(DEFAULT_GATE_CONFIG), base)).toEqual(DEFAULT_GATE_CONFIG);
	});

	it('carry a floor and the "fail only when significant" box into the rule', () => {
		const config = configFromRows(
			[
				{ metric: 'judge.correctness', maxDrop: '', maxDropPct: '', min: '4.2', requireSignificance: false },
				{ metric: 'ndcg@10', maxDrop: '0.02', maxDropPct: '', min: '', requireSignificance: true }
			],
			base
		);
		expect(config.metrics).toEqual({ 'judge.correctness': { min: 4.2 }, 'ndcg@10': { maxDrop: 0.02, requireSignificance: true } });
	});

	it('refuse a field that is not a number, a rule without a limit, and a metric named twice, naming the rule', () => {
		const row = { metric: 'ndcg@10', maxDrop: '', maxDropPct: '', min: '', requireSignificance: false };
		expect(() => configFromRows([{ ...row, maxDrop: 'two' }], base)).toThrow(
			expect.objectContaining({ code: 'CONFIG_INVALID', message: 'Rule ndcg@10: max drop must be a number, received "two".' })
		);
		expect(() => configFromRows([row], base)).toThrow('Rule ndcg@10: give a max drop, a max drop % or a floor.');
		expect(() =>
			configFromRows(
				[
					{ ...row, min: '0.5' },
					{ ...row, min: '0.6' }
				],
				base
			)
		).toThrow('Two gate rules name ndcg@10');
	});

	it('refuse pasted JSON that is not JSON, or that uses the old field names', () => {
		expect(() => parseGateConfigText('{ not json')).toThrow(/not JSON/);
		expect(() => parseGateConfigText('{"metrics": {"ndcg@10": {"maxAbsoluteDrop": 0.2}}}')).toThrow(
			/maxAbsoluteDrop is no longer a gate field/
		);
	});
});
