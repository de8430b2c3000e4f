import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CfworkerSchemaValidator } from '../../../src/lib/adapters/json-schema-validator.ts';
import { parseEvalReport, type EvalReport } from '../../../src/lib/evals/report/index.ts';
import { DEFAULT_GATE_CONFIG, parseGateConfig, runGate } from '../../../src/lib/evals/gate/index.ts';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/gate/${name}`, import.meta.url), 'utf8'));
const schema = JSON.parse(readFileSync(new URL('../../../schemas/eval-report.v1.schema.json', import.meta.url), 'utf8')) as object;
const baseline = parseEvalReport(fixture('baseline.json'));

/** The baseline with query values changed by `edit`. */
function variant(edit: (metrics: Record<string, number>, index: number) => void, patch: Partial<EvalReport> = {}): EvalReport {
	const copy = structuredClone(baseline);
	copy.perQuery.forEach((q, i) => edit(q.metrics, i));
	return { ...copy, id: 'variant', ...patch };
}

describe('regression gate', () => {
	it('the fixture reports are valid against schemas/eval-report.v1.schema.json', () => {
		const v = new CfworkerSchemaValidator();
		for (const f of ['baseline.json', 'candidate-pass.json', 'candidate-fail.json']) expect(v.validate(schema, fixture(f))).toEqual([]);
	});

	it('passes the candidate built to pass under the defaults', () => {
		expect(runGate(baseline, parseEvalReport(fixture('candidate-pass.json'))).verdict).toBe('PASS');
	});

	it('fails the candidate built to fail, showing baseline, candidate, delta, limit and p-value per metric', () => {
		const r = runGate(baseline, parseEvalReport(fixture('candidate-fail.json')));
		expect(r.verdict).toBe('FAIL');
		expect(r.metrics.map((m) => [m.metric, m.pass, m.limit])).toEqual([
			['ndcg@10', false, 'drop ≤ 0.02, drop ≤ 5 %'],
			['recall@10', false, 'drop ≤ 0.02, drop ≤ 5 %']
		]);
		expect(r.metrics[0]?.absoluteDrop).toBeCloseTo(0.15, 4);
		expect(r.metrics[0]?.delta).toBeCloseTo(-0.15, 4);
		expect(r.metrics[0]?.checks.map((c) => [c.kind, c.breached])).toEqual([
			['maxDrop', true],
			['maxDropPct', true]
		]);
		expect(r.metrics[0]?.reason).toMatch(
			/^dropped 0\.1500 \(0\.6089 → 0\.4589\), more than the allowed 0\.02 and 24\.\d+ % of the baseline, more than the allowed 5 %; p = 0\.\d{4}/
		);
	});

	/** Six queries lose 0.3 nDCG@10, four gain 0.3: the mean drops 0.0214, the paired test gives p ≈ 0.41. */
	const noisy = () =>
		variant((m, i) => {
			const v = m['ndcg@10'] as number;
			if (i < 6) m['ndcg@10'] = Math.max(0, v - 0.3);
			else if (i < 10) m['ndcg@10'] = Math.min(1, v + 0.3);
		});

	it('fails a breached limit by default even when the drop is not significant (p = 0.41), with the p-value beside it', () => {
		const r = runGate(baseline, noisy(), { metrics: { 'ndcg@10': { maxDrop: 0.02 } } });
		expect(r.metrics[0]?.pValue).toBeGreaterThan(0.4);
		expect(r.metrics[0]?.pValue).toBeLessThan(0.42);
		expect(r.verdict).toBe('FAIL');
		expect(r.metrics[0]).toMatchObject({ pass: false, significantlyWorse: false, requireSignificance: false });
		expect(r.metrics[0]?.reason).toBe(
			'dropped 0.0214 (0.6089 → 0.5875), more than the allowed 0.02; p = 0.4114 (a breached limit fails whatever the p-value)'
		);
	});

	it('passes that same breach when the rule opts into requireSignificance, with the reason "not significant"', () => {
		const r = runGate(baseline, noisy(), { metrics: { 'ndcg@10': { maxDrop: 0.02, requireSignificance: true } } });
		expect(r.verdict).toBe('PASS');
		expect(r.metrics[0]?.limit).toBe('drop ≤ 0.02, drops fail only when significant');
		expect(r.metrics[0]?.reason).toMatch(/not significant \(p = 0\.4114, α 0\.05\), and this rule fails only when significant/);
	});

	it('still fails a requireSignificance rule when the drop is significant', () => {
		const r = runGate(baseline, parseEvalReport(fixture('candidate-fail.json')), {
			metrics: { 'ndcg@10': { maxDrop: 0.02, requireSignificance: true } }
		});
		expect(r.verdict).toBe('FAIL');
		expect(r.metrics[0]?.reason).toMatch(/significant \(p = 0\.\d{4} < α 0\.05\)/);
	});

	it('fails a floor (min) the candidate is below even when nothing dropped from the baseline', () => {
		const r = runGate(
			baseline,
			variant(() => {}),
			{ metrics: { 'ndcg@10': { min: 0.7 } } }
		);
		expect(r.metrics[0]).toMatchObject({ absoluteDrop: 0, pass: false, limit: 'mean ≥ 0.7' });
		expect(r.verdict).toBe('FAIL');
		expect(r.metrics[0]?.reason).toMatch(/^candidate mean 0\.6089 is below the floor 0\.7/);
		expect(
			runGate(
				baseline,
				variant(() => {}),
				{ metrics: { 'ndcg@10': { min: 0.6 } } }
			).verdict
		).toBe('PASS');
	});

	it('a floor does not wait for significance: requireSignificance only softens drop limits', () => {
		expect(
			runGate(
				baseline,
				variant(() => {}),
				{ metrics: { 'ndcg@10': { min: 0.7, requireSignificance: true } } }
			).verdict
		).toBe('FAIL');
	});

	it('reports a null relative drop when the baseline mean is 0, and does not count it as breached', () => {
		const zero = variant((m) => (m['mrr@10'] = 0));
		const r = runGate(
			zero,
			variant((m) => (m['mrr@10'] = 0)),
			{ metrics: { 'mrr@10': { maxDropPct: 10 } } }
		);
		expect(r.metrics[0]).toMatchObject({ relativeDrop: null, pass: true });
		expect(r.metrics[0]?.checks[0]).toMatchObject({ kind: 'maxDropPct', observed: null, breached: false });
	});

	it('refuses reports on different golden sets', () => {
		expect(() => runGate(baseline, parseEvalReport(fixture('candidate-other-set.json')))).toThrow(/different golden sets/);
	});

	it('refuses a cancelled report', () => {
		expect(() =>
			runGate(
				baseline,
				variant(() => {}, { status: 'cancelled' })
			)
		).toThrow(/cancelled/);
	});

	it('refuses a metric the reports do not have', () => {
		expect(() => runGate(baseline, baseline, { metrics: { 'ndcg@3': { maxDrop: 0.01 } } })).toThrow(/missing/);
	});

	it('checks a floor on a metric the baseline lacks against the candidate alone, but still refuses a drop limit on it', () => {
		const withJudge = variant((m, i) => (m['judge.correctness'] = i % 2 === 0 ? 5 : 3));
		const r = runGate(baseline, withJudge, { metrics: { 'judge.correctness': { min: 4.2 }, 'ndcg@10': { maxDrop: 0.02 } } });
		expect(r.metrics.map((m) => [m.metric, m.pass])).toEqual([
			['judge.correctness', false],
			['ndcg@10', true]
		]);
		expect(r.metrics[0]?.candidateMean).toBeCloseTo(
			withJudge.perQuery.reduce((s, q) => s + (q.metrics['judge.correctness'] as number), 0) / withJudge.perQuery.length,
			12
		);
		expect(r.metrics[0]?.reason).toMatch(
			/^candidate mean \d\.\d{4} is below the floor 4\.2; the baseline has no judge.correctness: floor only$/
		);
		expect([r.metrics[0]?.baselineLacksMetric, r.metrics[1]?.baselineLacksMetric]).toEqual([true, undefined]);
		const pass = runGate(baseline, withJudge, { metrics: { 'judge.correctness': { min: 3 } } });
		expect([pass.verdict, pass.metrics[0]?.reason]).toEqual([
			'PASS',
			'candidate mean 4.0000 is at or above the floor 3 (the baseline has no judge.correctness: floor only)'
		]);
		expect(() => runGate(baseline, withJudge, { metrics: { 'judge.correctness': { min: 3, maxDrop: 0.1 } } })).toThrow(/missing/);
	});

	it('rejects a config rule without any limit', () => {
		expect(() => parseGateConfig({ metrics: { 'ndcg@10': {} } })).toThrow(/maxDrop, maxDropPct or min/);
	});

	it('refuses the fields of the old gate config with CONFIG_INVALID naming the field and its replacement', () => {
		expect(() => parseGateConfig({ metrics: { 'ndcg@10': { maxAbsoluteDrop: 0.02 } } })).toThrow(
			expect.objectContaining({
				code: 'CONFIG_INVALID',
				message: expect.stringContaining('metrics.ndcg@10.maxAbsoluteDrop is no longer a gate field: use "maxDrop"')
			})
		);
		expect(() => parseGateConfig({ metrics: { 'recall@10': { maxDrop: 0.02, maxRelativeDrop: 0.05 } } })).toThrow(
			/metrics\.recall@10\.maxRelativeDrop .*"maxDropPct" in percent \(0\.05 → 5\).*"requireSignificance": true/
		);
	});

	it('accepts its own defaults as a config', () => {
		expect(parseGateConfig(DEFAULT_GATE_CONFIG)).toEqual(DEFAULT_GATE_CONFIG);
	});
});
