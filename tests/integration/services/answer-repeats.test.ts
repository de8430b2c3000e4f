import { describe, expect, it } from 'vitest';
import { answerWorkspace, TEST_ENVIRONMENT } from '../../support/answer-runs.ts';
import { toAnswerRecord } from '../../../src/lib/evals/system/records.ts';
import { systemRunConfig } from '../../../src/lib/app/answer-system.svelte.ts';
import { defaultGrading, gradeAnswers } from '../../../src/lib/evals/answers/grade.ts';
import { ScriptedChatModel } from '../../../src/lib/generation/index.ts';
import { CfworkerSchemaValidator } from '../../../src/lib/adapters/json-schema-validator.ts';
import type { GoldenCase } from '../../../src/lib/evals/golden/types.ts';
import type { SystemContext } from '../../../src/lib/evals/system/types.ts';

const system = { type: 'file' as const, label: 'outputs', details: { name: 'outputs.jsonl', sha256: 'b'.repeat(64) } };
const output = (c: GoldenCase, contexts: readonly SystemContext[]) => ({
	answer: `About ${c.id}.`,
	contexts,
	timings: { totalMs: 1, ttftMs: null }
});

describe('system runs with repeats', () => {
	it('keeps repeat 0 as the run’s answers, stores repeats ≥ 1 beside it, and reports the case whose verdict flips as flaky', async () => {
		const { svc, workspaceId, goldenSet } = await answerWorkspace(3);
		const run = await svc.startAnswerRun({ workspaceId, goldenSetId: goldenSet.id, config: systemRunConfig(system), repeats: 3 });
		expect(run.repeats).toBe(3);
		const flipping = run.cases[1]!.id;
		for (let r = 0; r < 3; r++)
			for (const c of run.cases)
				await svc.saveAnswer(
					toAnswerRecord(
						run.id,
						c,
						{ caseId: c.id, repeat: r, output: output(c, [{ documentRef: c.relevant[0]!.doc, text: 'passage' }]), error: null },
						1
					),
					r
				);
		const state = await svc.answerRunState(run.id);
		expect(state.answers.map((a) => a.caseId)).toEqual(run.caseIds);
		expect(state.pending).toEqual([]);
		const repeats = await svc.answerRepeats(run.id);
		expect(repeats.map((rs) => rs.map((a) => a.caseId))).toEqual([run.caseIds, run.caseIds]);
		expect(repeats.flat().every((a) => a.runId === run.id)).toBe(true);
		expect((await svc.listAnswerRuns(workspaceId)).map((r) => r.id)).toEqual([run.id]);

		// A judge that fails one case on repeat 2's seed (42 + 2) only.
		const settings = { ...defaultGrading({ provider: 'scripted', modelId: 'judge' }), rubrics: ['correctness' as const], checks: [] };
		const judge = new ScriptedChatModel('judge', (req) => ({
			tokens: [
				JSON.stringify({
					score: req.seed === 44 && JSON.stringify(req.messages).includes(`About ${flipping}.`) ? 1 : 5,
					reason: 'scripted'
				})
			]
		}));
		const validator = new CfworkerSchemaValidator();
		for (const [r, records] of [state.answers, ...repeats].entries())
			await gradeAnswers({
				answers: records,
				settings: { ...settings, seed: settings.seed + r },
				model: judge,
				validator,
				onGraded: (a) => svc.saveAnswer(a, r)
			});
		await svc.updateAnswerRun(run.id, { status: 'complete', grading: settings });
		const report = await svc.saveAnswerReport({ runId: run.id, appVersion: 'test', environment: TEST_ENVIRONMENT });
		expect(report.repeats?.n).toBe(3);
		expect(report.repeats?.flakyCaseIds).toEqual([flipping]);
		expect(report.perQuery.find((q) => q.id === flipping)!.metrics['consistency']).toBeCloseTo(2 / 3, 10);

		await svc.deleteAnswerRun(run.id);
		await expect(svc.answerRepeats(run.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
	});

	it('refuses repeats outside 1–10 and an answer for a repeat the run does not have, with a typed error', async () => {
		const { svc, workspaceId, goldenSet } = await answerWorkspace(1);
		await expect(
			svc.startAnswerRun({ workspaceId, goldenSetId: goldenSet.id, config: systemRunConfig(system), repeats: 11 })
		).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('got 11') });
		await expect(
			svc.startAnswerRun({ workspaceId, goldenSetId: goldenSet.id, config: systemRunConfig(system), repeats: 0 })
		).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
		const run = await svc.startAnswerRun({ workspaceId, goldenSetId: goldenSet.id, config: systemRunConfig(system), repeats: 2 });
		const c = run.cases[0]!;
		const record = toAnswerRecord(run.id, c, { caseId: c.id, repeat: 2, output: output(c, []), error: null }, 1);
		await expect(svc.saveAnswer(record, 2)).rejects.toMatchObject({
			code: 'DATASET_INVALID',
			message: expect.stringContaining('got repeat 2')
		});
	});

	it('matches text-only contexts to the workspace’s documents in the worker, and the report carries the counts', async () => {
		const { svc, workspaceId, goldenSet } = await answerWorkspace(1);
		const [m] = await svc.matchContexts(workspaceId, [
			[{ text: 'one apple seen near the old' }, { text: 'nothing like any document here at all, zebra quantum' }, { documentRef: 'dis0' }]
		]);
		expect(m!.contexts.map((k) => k.documentRef)).toEqual(['rel0', undefined, 'dis0']);
		expect(m!.counts).toEqual({ given: 1, matched: 1, unmatched: 1, ambiguous: 0 });
		const run = await svc.startAnswerRun({ workspaceId, goldenSetId: goldenSet.id, config: systemRunConfig(system) });
		const c = run.cases[0]!;
		await svc.saveAnswer(toAnswerRecord(run.id, c, { caseId: c.id, repeat: 0, output: output(c, m!.contexts), error: null }, 1));
		await svc.updateAnswerRun(run.id, { status: 'complete', contextMatching: m!.counts });
		const report = await svc.saveAnswerReport({ runId: run.id, appVersion: 'test', environment: TEST_ENVIRONMENT });
		expect(report.contextMatching).toEqual(m!.counts);
	});
});
