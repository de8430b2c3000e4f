import { describe, expect, it } from 'vitest';
import { answerConfig, answerPending, answerWorkspace, type AnswerServices } from '../../support/answer-runs.ts';
import type { RetrievedSource } from '../../../src/lib/evals/answers/run.ts';
import type { AnswerRecord, AnswerRunRecord } from '../../../src/lib/evals/answers/types.ts';
import { EstimateTokenizer, ScriptedChatModel } from '../../../src/lib/generation/index.ts';
import { BasicTracer } from '../../../src/lib/tracing/index.ts';
import { exportAnswerBatch, importAnswerBatch, type BatchInputLine } from '../../../src/lib/evals/batch/index.ts';

const retrieveFor =
	(svc: AnswerServices, run: AnswerRunRecord) =>
	async (q: string): Promise<RetrievedSource[]> =>
		(await svc.search({ workspaceId: run.workspaceId, query: q, topK: 5, mode: 'lexical' })).hits.map((h) => ({
			chunkId: h.chunkId,
			documentId: h.documentId,
			documentRef: h.documentRef,
			score: h.score,
			title: h.documentName,
			text: h.text
		}));

function output(lines: readonly BatchInputLine[]): string {
	return lines
		.map((l, i) =>
			JSON.stringify({
				id: `batch_req_${i}`,
				custom_id: l.custom_id,
				response: {
					status_code: 200,
					request_id: `req_${i}`,
					body: {
						object: 'chat.completion',
						choices: [{ index: 0, message: { role: 'assistant', content: 'See [1].' }, finish_reason: 'stop' }],
						usage: { prompt_tokens: 30, completion_tokens: 3 }
					}
				},
				error: null
			})
		)
		.join('\n');
}

const content = ({ timings: _t, traceId: _a, spanId: _b, createdAtMs: _c, runId: _r, ...rest }: AnswerRecord) => rest;

describe('Batch API round trip over the stored workspace', () => {
	it('imports the batch output of the pending cases into the stored run, equal to an online run with the same replies', async () => {
		const { svc, workspaceId, goldenSet } = await answerWorkspace(4);
		const run = await svc.startAnswerRun({ workspaceId, goldenSetId: goldenSet.id, config: answerConfig('batched', 'gpt-4o-mini') });
		const state = await svc.answerRunState(run.id);
		const base = {
			run: state.run,
			cases: state.pending,
			modelName: 'gpt-4o-mini',
			retrieve: retrieveFor(svc, state.run),
			tokenizer: new EstimateTokenizer()
		};
		const exported = await exportAnswerBatch(base);
		expect(exported.lines).toHaveLength(4);
		// One line the batch failed: that case stays pending.
		const text =
			output(exported.lines.slice(0, 3)) +
			'\n' +
			JSON.stringify({
				id: 'x',
				custom_id: exported.lines[3]!.custom_id,
				response: null,
				error: { code: 'server_error', message: 'boom' }
			});
		const imported = await importAnswerBatch({ ...base, outputText: text, tracer: new BasicTracer([]), clock: () => 0 });
		for (const r of imported.records) await svc.saveAnswer(r);
		expect(imported.problems).toEqual([
			{ line: 4, customId: exported.lines[3]!.custom_id, caseId: state.pending[3]!.id, message: 'the batch reported server_error: boom' }
		]);

		const after = await svc.answerRunState(run.id);
		expect(after.answers).toHaveLength(3);
		expect(after.pending.map((c) => c.id)).toEqual([state.pending[3]!.id]);

		const online = await svc.startAnswerRun({ workspaceId, goldenSetId: goldenSet.id, config: answerConfig('online', 'gpt-4o-mini') });
		await answerPending(
			svc,
			online.id,
			new ScriptedChatModel('gpt-4o-mini', { tokens: ['See [1].'], usage: { inputTokens: 30, outputTokens: 3 } })
		);
		const onlineAnswers = (await svc.answerRunState(online.id)).answers.slice(0, 3);
		expect(after.answers.map(content)).toEqual(onlineAnswers.map(content));

		// Importing the same file again applies nothing twice: the answered cases are no longer pending.
		const again = await importAnswerBatch({ ...base, cases: after.pending, outputText: text, tracer: new BasicTracer([]), clock: () => 0 });
		expect(again.records).toEqual([]);
		expect(again.problems.filter((p) => p.message.startsWith('matches no pending'))).toHaveLength(3);
	});
});
