import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { Validator } from '@cfworker/json-schema';
import { describe, expect, it } from 'vitest';
import { CfworkerSchemaValidator } from '../../../../src/lib/adapters/json-schema-validator.ts';
import { ScriptedChatModel, type ChatRequest } from '../../../../src/lib/generation/index.ts';
import { defaultGrading } from '../../../../src/lib/evals/answers/grade.ts';
import type { GradingSettings } from '../../../../src/lib/evals/answers/types.ts';
import type { GoldenCase } from '../../../../src/lib/evals/golden/types.ts';
import { runGate } from '../../../../src/lib/evals/gate/index.ts';
import { parseEvalReport } from '../../../../src/lib/evals/report/build.ts';
import { EvalReportSchema } from '../../../../src/lib/evals/report/types.ts';
import { CachingChatModel, MemoryResponseCache } from '../../../../src/lib/evals/system/cache.ts';
import { gradeRepeats } from '../../../../src/lib/evals/system/grade.ts';
import { recordsByRepeat } from '../../../../src/lib/evals/system/records.ts';
import { addCacheCounts, buildSystemReport } from '../../../../src/lib/evals/system/report.ts';
import { runSystemEval } from '../../../../src/lib/evals/system/runner.ts';
import type { ResponseCache } from '../../../../src/lib/evals/system/types.ts';
import { FakeSystem, goldenCases, type Scripted } from './fake-system.ts';

const schema = JSON.parse(readFileSync(new URL('../../../../schemas/eval-report.v2.schema.json', import.meta.url), 'utf8')) as object;
const ajv = new Ajv({ strict: true, allowUnionTypes: true }).compile(schema);
const cfworker = new Validator(schema as never, '7');
const validator = new CfworkerSchemaValidator();

/** The report validates against the zod schema and the checked-in JSON Schema (Ajv and @cfworker/json-schema). */
function expectValid(report: unknown): void {
	const json = JSON.parse(JSON.stringify(report)) as unknown;
	expect(EvalReportSchema.safeParse(json).success).toBe(true);
	expect(ajv(json), JSON.stringify(ajv.errors)).toBe(true);
	const r = cfworker.validate(json);
	expect(r.valid, JSON.stringify(r.errors.slice(0, 3))).toBe(true);
}

/** A judge whose correctness score is `score(caseQuery, seed)`. */
function judge(score: (query: string, seed: number) => number): ScriptedChatModel {
	return new ScriptedChatModel(
		'judge-1',
		(req: ChatRequest) => {
			const query = /question \d+/.exec(req.messages.map((m) => m.content).join('\n'))?.[0] ?? '';
			return { tokens: [JSON.stringify({ score: score(query, req.seed ?? 0), reason: 'scripted' })] };
		},
		async () => {}
	);
}

const grading: GradingSettings = { ...defaultGrading({ provider: 'scripted', modelId: 'judge-1' }), rubrics: ['correctness'], checks: [] };

/** Runner → records → grading → report, as `assay eval` does it. */
async function evaluate(
	script: (c: GoldenCase, repeat: number) => Scripted,
	options: { cases?: GoldenCase[]; repeats?: number; judgeModel?: ScriptedChatModel | null; cache?: ResponseCache } = {}
) {
	const cases = options.cases ?? goldenCases(4);
	const system = new FakeSystem(script);
	const repeats = options.repeats ?? 1;
	const run = await runSystemEval({ system, cases, repeats, concurrency: 2, clock: system.clock, cache: options.cache ?? null });
	let byRepeat = recordsByRepeat('run-1', cases, run.results, repeats, 0);
	let judgeCounts = { hits: 0, requests: 0 };
	if (options.judgeModel !== null) {
		const model = options.cache
			? new CachingChatModel(options.judgeModel ?? judge(() => 5), options.cache)
			: (options.judgeModel ?? judge(() => 5));
		byRepeat = (await gradeRepeats({ byRepeat, settings: grading, model, validator })).byRepeat;
		if (model instanceof CachingChatModel) judgeCounts = model.counts();
	}
	const report = await buildSystemReport({
		id: 'rep-1',
		runId: 'run-1',
		system: system.ref,
		goldenSet: { id: 'g', name: 'fake set', cases },
		byRepeat,
		grading: options.judgeModel === null ? null : grading,
		baseSeed: 42,
		cache: options.cache ? addCacheCounts({ hits: run.cacheHits, requests: run.requests }, judgeCounts) : null,
		stopped: run.stopped,
		cancelled: run.cancelled,
		appVersion: '0.0.0-test',
		createdAtMs: Date.UTC(2026, 11, 1),
		environment: { userAgent: 'vitest', gpuAdapter: null, hardwareConcurrency: null }
	});
	return { report, system, run };
}

/** Case i answers with its relevant document d<i> first, except the cases in `second` (relevant one at rank 2). */
const withContexts =
	(second: readonly string[] = []) =>
	(c: GoldenCase): Scripted => {
		const hit = { documentRef: `d${c.id.slice(1)}`, text: `passage about ${c.query}` };
		const miss = { documentRef: 'dx', text: 'unrelated passage' };
		return { output: { answer: `Answer [1].`, contexts: second.includes(c.id) ? [miss, hit] : [hit, miss] } };
	};

describe('buildSystemReport', () => {
	it('writes a v2 report that validates against the zod schema and schemas/eval-report.v2.schema.json', async () => {
		const { report } = await evaluate(withContexts(['c2']));
		expectValid(report);
		expect(parseEvalReport(JSON.parse(JSON.stringify(report)))).toEqual(report);
		expect(report).toMatchObject({
			schema: 'assay.eval-report/v2',
			status: 'complete',
			system: { type: 'http', label: 'fake app', details: { method: 'POST', headerNames: ['authorization'] } },
			errors: { count: 0, byCode: {} }
		});
		expect(report.retrieval).toMatchObject({ label: 'fake app', mode: 'system:http', topK: 2 });
		expect(report.cache).toBeUndefined();
		expect(report.repeats).toBeUndefined();
	});

	it("scores retrieval from the contexts that name documents, in the system's rank order", async () => {
		const { report } = await evaluate(withContexts(['c2']));
		expect(report.perQuery.map((q) => [q.id, q.metrics.recip_rank])).toEqual([
			['c1', 1],
			['c2', 0.5],
			['c3', 1],
			['c4', 1]
		]);
		expect(report.metrics.aggregate.recip_rank).toEqual({ mean: 0.875, answerableMean: 0.875 });
		expect(report.metrics.aggregate['judge.correctness']).toEqual({ mean: 5, answerableMean: 5 });
		expect(report.perQuery[1]!.ranked).toEqual([
			['dx', 2],
			['d2', 1]
		]);
	});

	it('counts a case the system failed as an error, never scored: only answered = 0 in its row, out of every other mean', async () => {
		const { report } = await evaluate((c) => (c.id === 'c3' ? { error: 'SYSTEM_REQUEST_FAILED' } : withContexts(['c2'])(c)));
		expectValid(report);
		expect(report.errors).toEqual({ count: 1, byCode: { SYSTEM_REQUEST_FAILED: 1 } });
		const c3 = report.perQuery.find((q) => q.id === 'c3')!;
		expect(c3.metrics).toEqual({ answered: 0 });
		expect(report.metrics.aggregate.recip_rank).toEqual({ mean: 2.5 / 3, answerableMean: 2.5 / 3 });
		expect(report.metrics.aggregate.answered).toEqual({ mean: 3 / 4, answerableMean: 3 / 4 });
		expect(report.perQuery.filter((q) => q.id !== 'c3').every((q) => q.metrics.answered === 1)).toBe(true);
		expect(report.metrics.queryCount).toBe(3);
		expect(report.dataset).toMatchObject({ cases: 4, evaluatedCases: 3 });
		expect(report.answers!.summary).toMatchObject({ answered: 3, failed: 1 });
		expect(report.answers!.perCase[2]).toMatchObject({ caseId: 'c3', error: { code: 'SYSTEM_REQUEST_FAILED' }, verdicts: {} });
		expect(report.status).toBe('complete');
	});

	it('gates on failed cases with answered: a floor of 1 fails a run with one failed case, a drop rule fails against a baseline that failed none', async () => {
		const good = (await evaluate(withContexts(['c2']))).report;
		const bad = (await evaluate((c) => (c.id === 'c3' ? { error: 'SYSTEM_REQUEST_FAILED' } : withContexts(['c2'])(c)))).report;
		expect(good.metrics.aggregate.answered).toEqual({ mean: 1, answerableMean: 1 });
		expect(runGate(good, good, { metrics: { answered: { min: 1 } } }).verdict).toBe('PASS');
		expect(runGate(good, bad, { metrics: { answered: { min: 1 } } }).verdict).toBe('FAIL');
		expect(runGate(good, bad, { metrics: { answered: { maxDrop: 0.1 } } }).verdict).toBe('FAIL');
	});

	it('marks the report incomplete when the system was unreachable, and the gate refuses it', async () => {
		const cases = goldenCases(6);
		const { report, system } = await evaluate((c) => (c.id === 'c2' ? { error: 'SYSTEM_UNREACHABLE' } : withContexts()(c)), { cases });
		expectValid(report);
		expect(system.requests.length).toBeLessThan(6);
		expect(report.status).toBe('incomplete');
		expect(report.incomplete).toEqual({
			reason: 'scripted SYSTEM_UNREACHABLE for c2',
			code: 'SYSTEM_UNREACHABLE',
			notRun: 6 - system.requests.length
		});
		expect(report.errors).toEqual({ count: 1, byCode: { SYSTEM_UNREACHABLE: 1 } });
		expect(() => runGate(report, report, { metrics: { recip_rank: { min: 0 } } })).toThrow(
			/incomplete: a partial run cannot gate a release/
		);
	});

	it('still writes an incomplete report when the very first request finds the system unreachable', async () => {
		const { report } = await evaluate(() => ({ error: 'SYSTEM_UNREACHABLE' }), { cases: goldenCases(3) });
		expectValid(report);
		expect(report.status).toBe('incomplete');
		expect(report.metrics.queryCount).toBe(0);
		expect(report.dataset).toMatchObject({ cases: 3, evaluatedCases: 0 });
		expect(report.incomplete!.notRun + report.errors!.count).toBe(3);
	});

	it('has no retrieval metric (not zeros) when the contexts name no document, and says so', async () => {
		const { report } = await evaluate(() => ({ output: { answer: 'Text only [1].', contexts: [{ text: 'a passage' }] } }));
		expectValid(report);
		expect(Object.keys(report.metrics.aggregate).sort()).toEqual(['answered', 'judge.correctness']);
		expect(report.perQuery.every((q) => Object.keys(q.metrics).sort().join() === 'answered,judge.correctness')).toBe(true);
		expect(report.metrics.definitions['recall@10']).toBeUndefined();
		expect(report.metrics.conventions).toContain('name no document (no documentRef): the report has no retrieval metric (not zeros)');
		expect(report.answers!.perCase[0]!.sources).toEqual([{ n: 1, chunkId: 'context-1', documentRef: '', title: 'Context 1' }]);
	});

	it('counts cache hits and requests of the system and the judge; a second run sends 0 requests', async () => {
		const cache = new MemoryResponseCache();
		const first = await evaluate(withContexts(), { cache, judgeModel: judge(() => 4) });
		expect(first.report.cache).toEqual({ hits: 0, requests: 8 });
		const judgeAgain = judge(() => 1);
		const second = await evaluate(withContexts(), { cache, judgeModel: judgeAgain });
		expect(second.system.requests).toHaveLength(0);
		expect(judgeAgain.requests).toHaveLength(0);
		expect(second.report.cache).toEqual({ hits: 8, requests: 0 });
		expect(second.report.metrics.aggregate).toEqual(first.report.metrics.aggregate);
		expectValid(second.report);
	});
});

describe('repeats and flaky cases', () => {
	// The judge flips on case 2 only: 5 with seed 42 and 44, 2 with seed 43.
	const flipping = () => judge((query, seed) => (query === 'question 2' && seed === 43 ? 2 : 5));

	it('repeats: 3 with a judge that flips on one case flags exactly that case', async () => {
		const { report } = await evaluate(withContexts(), { repeats: 3, judgeModel: flipping() });
		expectValid(report);
		expect(report.repeats!.n).toBe(3);
		expect(report.repeats!.flakyCaseIds).toEqual(['c2']);
		expect(report.repeats!.perCase.map((c) => [c.caseId, c.verdicts, c.consistency, c.flipped])).toEqual([
			['c1', ['pass', 'pass', 'pass'], 1, false],
			['c2', ['pass', 'fail', 'pass'], 2 / 3, true],
			['c3', ['pass', 'pass', 'pass'], 1, false],
			['c4', ['pass', 'pass', 'pass'], 1, false]
		]);
		expect(report.repeats!.perCase[1]!.spread).toEqual({ correctness: { n: 3, min: 2, max: 5, stdev: Math.sqrt(3) } });
		expect(report.perQuery.map((q) => q.metrics.consistency)).toEqual([1, 2 / 3, 1, 1]);
		expect(report.metrics.aggregate.consistency!.mean).toBeCloseTo(11 / 12, 12);
		// Answer metrics come from repeat 0 (seed 42: every case 5).
		expect(report.metrics.aggregate['judge.correctness']).toEqual({ mean: 5, answerableMean: 5 });
		expect(report.metrics.conventions).toContain(
			'Repeats: n = 3; retrieval and answer metrics are from repeat 0, consistency from all repeats.'
		);
	});

	it('a gate rule consistency min 1 fails on the flaky run and passes on a stable one', async () => {
		const flaky = (await evaluate(withContexts(), { repeats: 3, judgeModel: flipping() })).report;
		const stable = (await evaluate(withContexts(), { repeats: 3, judgeModel: judge(() => 5) })).report;
		const rule = { metrics: { consistency: { min: 1 } } };
		const failed = runGate(stable, flaky, rule);
		expect(failed.verdict).toBe('FAIL');
		expect(failed.metrics[0]).toMatchObject({ metric: 'consistency', pass: false, queryCount: 4 });
		expect(failed.metrics[0]!.reason).toContain('below the floor 1');
		expect(runGate(flaky, stable, rule).verdict).toBe('PASS');
		expect(stable.repeats!.flakyCaseIds).toEqual([]);
	});

	it('without repeats there is no consistency metric and no repeats field', async () => {
		const { report } = await evaluate(withContexts());
		expect(report.metrics.aggregate.consistency).toBeUndefined();
		expect(() => runGate(report, report, { metrics: { consistency: { min: 1 } } })).toThrow(/consistency/);
	});
});
