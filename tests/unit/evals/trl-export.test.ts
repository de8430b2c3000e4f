import { describe, expect, it } from 'vitest';
import { pairsFromHumanScores, pairsFromPairwise, toDpoJsonl, toSftJsonl } from '../../../src/lib/evals/export/trl.ts';
import type { PairwiseOutcome } from '../../../src/lib/evals/judge/pairwise.ts';
import type { ChatMessage } from '../../../src/lib/generation/types.ts';

const prompt: ChatMessage[] = [
	{ role: 'system', content: 'Answer from the sources.' },
	{ role: 'user', content: 'How long is the refund window?' }
];
const outcome = (id: string, preferred: PairwiseOutcome['preferred']): PairwiseOutcome => ({
	id,
	forward: null,
	swapped: null,
	consistent: null,
	preferred,
	errors: [],
	attempts: 2
});

describe('TRL export', () => {
	it('writes one SFT line with the prompt followed by the assistant answer', () => {
		expect(toSftJsonl([{ prompt, answer: '30 days [1].' }])).toBe(
			'{"messages":[{"role":"system","content":"Answer from the sources."},{"role":"user","content":"How long is the refund window?"},{"role":"assistant","content":"30 days [1]."}]}\n'
		);
	});

	it('writes DPO lines in the conversational preference format', () => {
		const line = JSON.parse(toDpoJsonl([{ prompt, chosen: 'good', rejected: 'bad', source: 'human-score' }]).trim());
		expect(line).toEqual({ prompt, chosen: [{ role: 'assistant', content: 'good' }], rejected: [{ role: 'assistant', content: 'bad' }] });
	});

	it('keeps only pairwise outcomes with an agreed winner, oriented by it', () => {
		const answers = new Map(['a', 'b', 'c', 'd'].map((id) => [id, { prompt, first: `${id}1`, second: `${id}2` }] as const));
		const pairs = pairsFromPairwise([outcome('a', 'first'), outcome('b', 'second'), outcome('c', 'tie'), outcome('d', null)], answers);
		expect(pairs.map((p) => [p.chosen, p.rejected])).toEqual([
			['a1', 'a2'],
			['b2', 'b1']
		]);
	});

	it('pairs human-scored answers with different scores, higher chosen, equal scores skipped', () => {
		const pairs = pairsFromHumanScores(prompt, [
			{ text: 'x', score: 2 },
			{ text: 'y', score: 5 },
			{ text: 'z', score: 2 }
		]);
		expect(pairs.map((p) => [p.chosen, p.rejected])).toEqual([
			['y', 'x'],
			['y', 'z']
		]);
	});
});
