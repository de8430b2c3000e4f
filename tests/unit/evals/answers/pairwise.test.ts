import { describe, expect, it } from 'vitest';
import { CfworkerSchemaValidator } from '../../../../src/lib/adapters/json-schema-validator.ts';
import { ScriptedChatModel, type ChatRequest } from '../../../../src/lib/generation/index.ts';
import { answerPairs, compareAnswerRuns, pairwiseLengthBias } from '../../../../src/lib/evals/answers/pairwise.ts';
import { makeAnswer } from './fixtures.ts';

const validator = new CfworkerSchemaValidator();
const first = [makeAnswer('q1', { text: 'short' }), makeAnswer('q2', { text: 'a much longer answer' }), makeAnswer('q3', { text: 'x' })];
const second = [
	makeAnswer('q1', { text: 'a longer second answer' }),
	makeAnswer('q2', { text: 'brief' }),
	makeAnswer('q3', { error: { name: 'AssayError', code: 'LLM_GENERATION_FAILED', message: 'x' }, finishReason: null })
];

/** The text shown as answer A in a pairwise request. */
const answerA = (req: ChatRequest) => /<answer id="A">\n([\s\S]*?)\n<\/answer>/.exec(req.messages[1]!.content)![1]!;

describe('compareAnswerRuns', () => {
	it('pairs the cases both runs answered without error, by case id', () => {
		expect(answerPairs(first, second).map((p) => [p.id, p.first, p.second])).toEqual([
			['q1', 'short', 'a longer second answer'],
			['q2', 'a much longer answer', 'brief']
		]);
	});

	it('a consistent judge that prefers the longer answer: every pair won, consistency 1, longer-wins rate 1', async () => {
		const judge = new ScriptedChatModel(
			'judge',
			(req) => {
				const body = req.messages[1]!.content;
				const b = /<answer id="B">\n([\s\S]*?)\n<\/answer>$/.exec(body)![1]!;
				return { tokens: [`{"winner": "${answerA(req).length > b.length ? 'A' : 'B'}", "reason": "r"}`] };
			},
			async () => {}
		);
		const r = await compareAnswerRuns(first, second, { model: judge }, validator);
		expect(judge.requests).toHaveLength(4);
		expect(r.outcomes.map((o) => [o.id, o.preferred, o.consistent])).toEqual([
			['q1', 'second', true],
			['q2', 'first', true]
		]);
		expect(r.summary).toMatchObject({ pairs: 2, judged: 2, firstWins: 1, secondWins: 1, ties: 0, positionConsistency: 1 });
		expect(r.lengthBias).toEqual({ n: 2, longerWinsRate: 1 });
	});

	it('a judge that always picks position A: every pair a tie, consistency 0, no length-bias evidence', async () => {
		const judge = new ScriptedChatModel('judge', { tokens: ['{"winner": "A", "reason": "first is best"}'] }, async () => {});
		const r = await compareAnswerRuns(first, second, { model: judge }, validator);
		expect(r.summary).toMatchObject({ judged: 2, ties: 2, firstWins: 0, secondWins: 0, positionConsistency: 0 });
		expect(r.lengthBias).toEqual({ n: 0, longerWinsRate: null });
	});

	it('counts agreed wins by the shorter answer against the length-bias rate', () => {
		const pairs = answerPairs(first, second);
		const outcome = (id: string, preferred: 'first' | 'second') => ({
			id,
			forward: preferred,
			swapped: preferred,
			consistent: true,
			preferred,
			errors: [],
			attempts: 2
		});
		expect(pairwiseLengthBias(pairs, [outcome('q1', 'first'), outcome('q2', 'first')])).toEqual({ n: 2, longerWinsRate: 0.5 });
	});
});
