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

	it('fails the candidate built to fail, with absolute and relative reasons per metric', () => {
		const r = runGate(baseline, parseEvalReport(fixture('candidate-fail.json')));
		expect(r.verdict).toBe('FAIL');
		expect(r.metrics.map((m) => [m.metric, m.pass, m.reasons.length])).toEqual([
			['ndcg@10', false, 2],
			['recall@10', false, 2]
		]);
		expect(r.metrics[0]?.absoluteDrop).toBeCloseTo(0.15, 4);
	});

	it('does not fail a breach that is not significant (one query drops, the rest are equal)', () => {
		const cand = variant((m, i) => {
			if (i === 0) m['ndcg@10'] = 0;
		});
		const r = runGate(baseline, cand, { metrics: { 'ndcg@10': { maxAbsoluteDrop: 0.001 } } });
		expect(r.verdict).toBe('PASS');
		expect(r.metrics[0]?.reasons[0]).toMatch(/not significant, so not failing/);
	});

	it('fails that same breach when the rule does not require significance', () => {
		const cand = variant((m, i) => {
			if (i === 0) m['ndcg@10'] = 0;
		});
		expect(runGate(baseline, cand, { metrics: { 'ndcg@10': { maxAbsoluteDrop: 0.001, requireSignificance: false } } }).verdict).toBe('FAIL');
	});

	it('reports a null relative drop when the baseline mean is 0', () => {
		const zero = variant((m) => (m['mrr@10'] = 0));
		const r = runGate(zero, variant((m) => (m['mrr@10'] = 0)), { metrics: { 'mrr@10': { maxRelativeDrop: 0.1 } } });
		expect(r.metrics[0]).toMatchObject({ relativeDrop: null, pass: true });
	});

	it('refuses reports on different golden sets', () => {
		expect(() => runGate(baseline, parseEvalReport(fixture('candidate-other-set.json')))).toThrow(/different golden sets/);
	});

	it('refuses a cancelled report', () => {
		expect(() => runGate(baseline, variant(() => {}, { status: 'cancelled' }))).toThrow(/cancelled/);
	});

	it('refuses a metric the reports do not have', () => {
		expect(() => runGate(baseline, baseline, { metrics: { 'ndcg@3': { maxAbsoluteDrop: 0.01 } } })).toThrow(/missing/);
	});

	it('rejects a config rule without any threshold', () => {
		expect(() => parseGateConfig({ metrics: { 'ndcg@10': {} } })).toThrow(/maxAbsoluteDrop or maxRelativeDrop/);
	});

	it('accepts its own defaults as a config', () => {
		expect(parseGateConfig(DEFAULT_GATE_CONFIG)).toEqual(DEFAULT_GATE_CONFIG);
	});
});
