import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { ScriptedChatModel } from '../../../src/lib/generation/index.ts';
import { runGate } from '../../../src/lib/evals/gate/index.ts';
import { answerConfig, answerPending, answerWorkspace, gradedRunReport, TEST_ENVIRONMENT } from '../../support/answer-runs.ts';
import { toAnswerRecord } from '../../../src/lib/evals/system/records.ts';
import { systemRunConfig } from '../../../src/lib/app/answer-system.svelte.ts';

const schema = JSON.parse(readFileSync(new URL('../../../schemas/eval-report.v2.schema.json', import.meta.url), 'utf8')) as object;

describe('answer service', () => {
	it('stores one answer per case as it arrives, so a stopped run resumes with only the cases left', async () => {
		const { svc, workspaceId, goldenSet } = await answerWorkspace();
		const run = await svc.startAnswerRun({ workspaceId, goldenSetId: goldenSet.id, config: answerConfig('good', 'good') });
		expect(run.caseIds).toEqual(goldenSet.cases.map((c) => c.id));
		const abort = new AbortController();
		let calls = 0;
		const stopping = new ScriptedChatModel('good', () => {
			if (++calls === 3) abort.abort();
			return { tokens: ['See ', '[1].'] };
		});
		expect(await answerPending(svc, run.id, stopping, abort.signal)).toMatchObject({ answered: 2, cancelled: true });
		const halfway = await svc.answerRunState(run.id);
		expect(halfway.answers.map((a) => a.caseId)).toEqual(run.caseIds.slice(0, 2));
		expect(halfway.pending.map((c) => c.id)).toEqual(run.caseIds.slice(2));
		expect(halfway.answers[0]!.sources.length).toBeGreaterThan(0);
		expect(halfway.answers[0]!.retrieved[0]!.documentRef).toMatch(/^\S+$/);

		expect(await answerPending(svc, run.id, new ScriptedChatModel('good', { tokens: ['See ', '[1].'] }))).toMatchObject({
			answered: 3,
			cancelled: false
		});
		expect((await svc.answerRunState(run.id)).pending).toEqual([]);
	});

	it('builds a v2 report with retrieval metrics from the answers’ chunks and judge metrics, stored with the eval reports and gateable', async () => {
		const { svc, workspaceId, goldenSet } = await answerWorkspace();
		const baseline = await gradedRunReport(svc, workspaceId, goldenSet.id, 'baseline', 5);
		const candidate = await gradedRunReport(svc, workspaceId, goldenSet.id, 'candidate', 1);
		const ajv = new Ajv({ allErrors: true, strict: false });
		expect(ajv.validate(schema, baseline), JSON.stringify(ajv.errors)).toBe(true);
		expect(baseline.schema).toBe('assay.eval-report/v2');
		expect(baseline.dataset.contentHash).toBe(candidate.dataset.contentHash);
		expect(baseline.metrics.aggregate['judge.correctness']!.mean).toBe(5);
		expect(baseline.perQuery[0]!.metrics['ndcg@10']).toBeGreaterThanOrEqual(0);
		expect(baseline.answers!.perCase).toHaveLength(5);
		expect((await svc.listEvalReports(workspaceId)).map((r) => r.id).sort()).toEqual([baseline.id, candidate.id].sort());
		// Five cases, all 4 points worse: the exact sign-flip p-value is 2/32 = 0.0625, not below α = 0.05.
		// A breached limit fails anyway (the p-value is shown beside it); a rule that opts into
		// requireSignificance holds.
		const strict = runGate(baseline, candidate, {
			metrics: { 'judge.correctness': { maxDrop: 0.5 } },
			alpha: 0.05,
			seed: 42,
			permutations: 2000
		});
		expect(strict.verdict).toBe('FAIL');
		expect(strict.metrics[0]!.absoluteDrop).toBe(4);
		expect(strict.metrics[0]!.pValue).toBeGreaterThan(0.05);
		const lenient = runGate(baseline, candidate, {
			metrics: { 'judge.correctness': { maxDrop: 0.5, requireSignificance: true } },
			alpha: 0.05,
			seed: 42,
			permutations: 2000
		});
		expect(lenient.verdict).toBe('PASS');
		expect(lenient.metrics[0]!.reason).toContain('not significant');
	});

	it('deletes a run with its answers and refuses answers for unknown runs or cases', async () => {
		const { svc, workspaceId, goldenSet } = await answerWorkspace();
		const run = await svc.startAnswerRun({ workspaceId, goldenSetId: goldenSet.id, config: answerConfig('x', 'x') });
		await answerPending(svc, run.id, new ScriptedChatModel('x', { tokens: ['a'] }));
		const one = (await svc.answerRunState(run.id)).answers[0]!;
		await expect(svc.saveAnswer({ ...one, caseId: 'not-a-case' })).rejects.toMatchObject({ code: 'DATASET_INVALID' });
		await svc.deleteAnswerRun(run.id);
		expect(await svc.listAnswerRuns(workspaceId)).toEqual([]);
		await expect(svc.answerRunState(run.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
		await expect(svc.saveAnswer(one)).rejects.toMatchObject({ code: 'NOT_FOUND' });
	});
});

describe('the library worker’s RPC surface', () => {
	it('exposes the services’ API methods and none of their internals', async () => {
		const { svc } = await answerWorkspace(1);
		const names = Object.keys(svc);
		expect(names).toEqual(expect.arrayContaining(['search', 'runEval', 'startAnswerRun', 'saveAnswerReport', 'disconnectModels']));
		for (const internal of ['store', 'index', 'serial', 'runImport', 'run', 'internals', 'internalsOf', 'tracked'])
			expect(names).not.toContain(internal);
	});
});

describe('a run answered by a system under test', () => {
	it('reports as a system report: the system named, a failed case counted in errors and left out of the metrics, never scored 0', async () => {
		const { svc, workspaceId, goldenSet } = await answerWorkspace(3);
		const system = { type: 'file' as const, label: 'other system', details: { name: 'outputs.jsonl', sha256: 'a'.repeat(64) } };
		const run = await svc.startAnswerRun({ workspaceId, goldenSetId: goldenSet.id, config: systemRunConfig(system) });
		expect(run.config).toMatchObject({ mode: 'system:file', system });
		const [ok1, ok2, failed] = run.cases;
		for (const c of [ok1!, ok2!]) {
			const doc = c.relevant[0]!.doc;
			await svc.saveAnswer(
				toAnswerRecord(
					run.id,
					c,
					{
						caseId: c.id,
						repeat: 0,
						output: { answer: `From ${doc} [1]`, contexts: [{ documentRef: doc, text: 'passage' }], timings: { totalMs: 5, ttftMs: null } },
						error: null
					},
					1
				)
			);
		}
		await svc.saveAnswer(
			toAnswerRecord(
				run.id,
				failed!,
				{
					caseId: failed!.id,
					repeat: 0,
					output: null,
					error: { name: 'AssayError', code: 'SYSTEM_REQUEST_FAILED', message: `No output for case ${failed!.id} in outputs.jsonl.` }
				},
				1
			)
		);
		await svc.updateAnswerRun(run.id, { status: 'complete' });
		const report = await svc.saveAnswerReport({ runId: run.id, appVersion: 'test', environment: TEST_ENVIRONMENT });
		const ajv = new Ajv({ allErrors: true, strict: false });
		expect(ajv.validate(schema, report), JSON.stringify(ajv.errors)).toBe(true);
		expect(report.system).toEqual(system);
		expect(report.errors).toEqual({ count: 1, byCode: { SYSTEM_REQUEST_FAILED: 1 } });
		expect(report.perQuery.find((q) => q.id === ok1!.id)!.metrics['recall@10']).toBe(1);
		expect(report.perQuery.find((q) => q.id === failed!.id)?.metrics['recall@10']).toBeUndefined();
		expect(report.metrics.aggregate['recall@10']!.mean).toBe(1);
		expect((await svc.listEvalReports(workspaceId)).map((r) => r.id)).toContain(report.id);
	});
});
