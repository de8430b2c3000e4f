import { describe, expect, it } from 'vitest';
import { BasicTracer, InMemorySpanSink } from '../../../src/lib/tracing/tracer.ts';
import { ScriptedChatModel, type SourceChunk, type Tokenizer } from '../../../src/lib/generation/index.ts';
import { answerQuestion, decideRoute, type AnswerEvent, type AnswerRouting } from '../../../src/lib/rag/index.ts';
import { parseRouterSpec } from '../../../src/lib/evals/routing/index.ts';

const words: Tokenizer = { exact: true, countTokens: (s) => s.split(/\s+/).filter(Boolean).length };
const spec = { version: 1, role: 'R', inputFormat: 'I', outputFormat: 'O', rules: [], edgeCases: [] };
const chunks: (SourceChunk & { score: number })[] = [
	{ chunkId: 'c1', documentId: 'd1', title: 'Kites', text: 'Kites fly high.', score: 3.5 },
	{ chunkId: 'c2', documentId: 'd2', title: 'Birds', text: 'Birds sing.', score: 1.25 }
];
const noSleep = async () => {};
const rules = parseRouterSpec({
	schema: 'assay.router/v1',
	kind: 'rules',
	id: 'hard-to-strong',
	version: 2,
	rules: [
		{ route: 'strong', keywords: ['why', 'compare'] },
		{ route: 'strong', topScoreBelow: 2 }
	],
	default: 'cheap'
});

function routing(
	router = rules,
	classifierReply: string[] = ['easy']
): AnswerRouting & { cheap: ScriptedChatModel; strong: ScriptedChatModel } {
	const cheap = new ScriptedChatModel('small-1b', (r) => ({ tokens: r.maxTokens <= 8 ? classifierReply : ['cheap answer [1]'] }), noSleep);
	const strong = new ScriptedChatModel('large-70b', { tokens: ['strong answer [1]'] }, noSleep);
	return { router, models: { cheap, strong }, cheap, strong };
}

describe('decideRoute', () => {
	it('sends a question with a listed keyword to the strong model and says which rule matched', async () => {
		const { decision, model } = await decideRoute(routing(), 'Why do kites fly?', chunks);
		expect(decision).toEqual({
			route: 'strong',
			router: 'hard-to-strong@2',
			modelId: 'large-70b',
			reason: 'rule 1: keyword why|compare',
			topScore: 3.5
		});
		expect(model.modelId).toBe('large-70b');
	});

	it('uses the top retrieved score: below the threshold goes strong, nothing retrieved counts as below', async () => {
		const low = await decideRoute(routing(), 'Do kites fly?', [{ ...chunks[0]!, score: 1.5 } as SourceChunk]);
		expect([low.decision.route, low.decision.reason]).toEqual(['strong', 'rule 2: top score < 2']);
		const none = await decideRoute(routing(), 'Do kites fly?', []);
		expect([none.decision.route, none.decision.topScore]).toEqual(['strong', null]);
	});

	it('takes the default route when no rule matches', async () => {
		const { decision } = await decideRoute(routing(), 'Do kites fly?', chunks);
		expect([decision.route, decision.reason, decision.modelId]).toEqual(['cheap', 'default route', 'small-1b']);
	});

	it('asks the cheap model to classify for a classifier router, and falls back when the reply has no label or the call fails', async () => {
		const classifier = parseRouterSpec({ schema: 'assay.router/v1', kind: 'classifier', id: 'clf', version: 1 });
		const hard = await decideRoute(routing(classifier, ['Hard.']), 'Do kites fly?', chunks);
		expect([hard.decision.route, hard.decision.reason]).toEqual(['strong', 'classifier: hard']);
		const easy = await decideRoute(routing(classifier, ['easy']), 'Do kites fly?', chunks);
		expect(easy.decision.route).toBe('cheap');
		const unknown = await decideRoute(routing(classifier, ['maybe']), 'Do kites fly?', chunks);
		expect([unknown.decision.route, unknown.decision.reason]).toEqual(['strong', 'classifier reply without a known label: fallback']);
		const failing = routing(classifier);
		const broken = new ScriptedChatModel(
			'small-1b',
			{ tokens: [], error: { name: 'AssayError', code: 'LLM_REQUEST_FAILED', message: 'connection refused' } },
			noSleep
		);
		const failed = await decideRoute({ ...failing, models: { ...failing.models, cheap: broken } }, 'Do kites fly?', chunks);
		expect([failed.decision.route, failed.decision.reason]).toEqual(['strong', 'classifier failed (connection refused): fallback']);
	});
});

describe('answerQuestion with routing', () => {
	async function answer(question: string, r: ReturnType<typeof routing>) {
		const sink = new InMemorySpanSink();
		const events: AnswerEvent[] = [];
		await answerQuestion({
			model: r.strong,
			routing: r,
			retrieve: async () => chunks,
			tracer: new BasicTracer([sink], () => 0),
			clock: () => 0,
			spec,
			question,
			contextWindowTokens: 200,
			reserveOutputTokens: 50,
			tokenizer: words,
			onEvent: (e) => events.push(e)
		});
		return { events, spans: sink.spans };
	}

	it('answers with the routed model: its chat span, its text, the route event and assay.route.* on rag.answer', async () => {
		const r = routing();
		const { events, spans } = await answer('Do kites fly?', r);
		expect(r.cheap.requests).toHaveLength(1);
		expect(r.strong.requests).toHaveLength(0);
		expect(events.find((e) => e.type === 'done')).toMatchObject({ text: 'cheap answer [1]' });
		const route = events.find((e) => e.type === 'route');
		expect(route).toMatchObject({ decision: { route: 'cheap', modelId: 'small-1b' } });
		expect(events.findIndex((e) => e.type === 'route')).toBeLessThan(events.findIndex((e) => e.type === 'sources'));
		expect(spans.map((s) => s.name).sort()).toEqual(['chat small-1b', 'rag.answer']);
		const root = spans.find((s) => s.name === 'rag.answer')!;
		expect(root.attributes).toMatchObject({
			'assay.route.route': 'cheap',
			'assay.route.router': 'hard-to-strong@2',
			'assay.route.model': 'small-1b',
			'assay.route.reason': 'default route',
			'assay.route.top_score': 3.5
		});
	});

	it('sends a hard question to the strong model', async () => {
		const r = routing();
		const { events } = await answer('Compare kites and birds', r);
		expect(r.strong.requests).toHaveLength(1);
		expect(r.cheap.requests).toHaveLength(0);
		expect(events.find((e) => e.type === 'done')).toMatchObject({ text: 'strong answer [1]' });
	});
});
