import { describe, expect, it } from 'vitest';
import { answerContent, recordFeedback } from '../../../src/lib/app/feedback.ts';
import { traceDocuments } from '../../../src/lib/tracing/content.ts';
import type { SpanEvent, SpanRecord } from '../../../src/lib/tracing/types.ts';

const root: SpanRecord = {
	traceId: 'a'.repeat(32),
	spanId: 'b'.repeat(16),
	parentSpanId: null,
	name: 'rag.answer',
	startTimeMs: 1,
	endTimeMs: 2,
	durationMs: 1,
	status: 'ok',
	attributes: {},
	events: []
};
const child: SpanRecord = { ...root, spanId: 'c'.repeat(16), parentSpanId: root.spanId, name: 'chat m' };

describe('answer feedback', () => {
	it('puts user_feedback on the root span after the spans were recorded', async () => {
		const calls: [string, string, SpanEvent][] = [];
		let recorded = false;
		const api = {
			addEvaluation: async (traceId: string, spanId: string, event: SpanEvent) => {
				expect(recorded).toBe(true);
				calls.push([traceId, spanId, event]);
				return root;
			}
		};
		const recording = new Promise<void>((resolve) => setTimeout(() => ((recorded = true), resolve()), 5));
		await recordFeedback(api, [child, root], 'bad', '  off by one ', recording, 42);
		expect(calls).toEqual([
			[
				root.traceId,
				root.spanId,
				{
					name: 'gen_ai.evaluation.result',
					timeMs: 42,
					attributes: {
						'gen_ai.evaluation.name': 'user_feedback',
						'gen_ai.evaluation.score.value': 0,
						'gen_ai.evaluation.score.label': 'bad',
						'gen_ai.evaluation.explanation': 'off by one'
					}
				}
			]
		]);
		await expect(recordFeedback(api, [], 'good', '')).rejects.toMatchObject({ code: 'NOT_FOUND' });
	});

	it("records the question, the answer and the retrieved documents (portable refs, best score, document name) on the answer's trace", () => {
		const retrieved = [
			{ chunkId: 'c1', documentId: 'd1', documentRef: 'docs/sync.md', score: 2, title: 'sync.md › Errors', text: '' },
			{ chunkId: 'c2', documentId: 'd1', documentRef: 'docs/sync.md', score: 3, title: 'sync.md', text: '' },
			{ chunkId: 'c3', documentId: 'd2', documentRef: 'faq.md', score: 1, title: 'faq.md', text: '' }
		];
		const attrs = answerContent({ question: 'SYNC_CONFLICT?', text: '' }, retrieved);
		expect(attrs['assay.rag.question']).toBe('SYNC_CONFLICT?');
		expect(attrs).not.toHaveProperty('assay.rag.answer');
		expect(traceDocuments([{ ...root, attributes: attrs }])).toEqual([
			{ id: 'docs/sync.md', title: 'sync.md', score: 3 },
			{ id: 'faq.md', title: 'faq.md', score: 1 }
		]);
	});
});
