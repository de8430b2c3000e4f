import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RUBRIC_PROMPTS, rubricApplies } from '../../../src/lib/evals/answers/grade.ts';
import { CONTEXT_RUBRIC_IDS, DEFAULT_RUBRIC_IDS, RUBRIC_IDS } from '../../../src/lib/evals/answers/types.ts';
import { PAIRWISE_PROMPT } from '../../../src/lib/evals/judge/prompts.ts';
import { RUBRICS } from '../../../src/lib/evals/judge/rubrics/index.ts';

const sha = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');
const input = {
	question: 'Q?',
	answer: 'A <b>',
	reference: 'R',
	context: [
		{ chunkId: '1', text: 'C one' },
		{ chunkId: '2', text: 'C two' }
	]
};

describe('rubric registry', () => {
	it('holds exactly the known rubrics, in display order, with the default and context sets unchanged', () => {
		expect(RUBRICS.map((r) => r.id)).toEqual(['correctness', 'faithfulness', 'answer-relevancy', 'context-precision', 'context-recall']);
		expect(RUBRIC_IDS).toEqual(RUBRICS.map((r) => r.id));
		expect(DEFAULT_RUBRIC_IDS).toEqual(['correctness', 'faithfulness', 'answer-relevancy']);
		expect(CONTEXT_RUBRIC_IDS).toEqual(['context-precision', 'context-recall']);
	});

	it('has one file per rubric under judge/rubrics, named by its id', () => {
		const dir = join(import.meta.dirname, '..', '..', '..', 'src', 'lib', 'evals', 'judge', 'rubrics');
		const files = readdirSync(dir)
			.filter((f) => f !== 'index.ts' && f !== 'rubric.ts')
			.map((f) => f.replace(/\.ts$/, ''));
		expect(files.sort()).toEqual([...RUBRIC_IDS].sort());
	});

	it('keeps every prompt id, version and rendered text (pinned before the prompts moved into rubric files)', () => {
		const pinned = Object.fromEntries(
			Object.entries(RUBRIC_PROMPTS).map(([id, p]) => [id, `${p.id} v${p.version} ${p.kind} ${sha(p.render(input))}`])
		);
		expect(pinned).toEqual({
			correctness: 'correctness v2 rubric 5935767089b6b28010c9681c8bff9472e9d5f66612862190a8e565e82482cf8d',
			faithfulness: 'faithfulness v2 rubric 5bbdc55a73ac69eaf2c503942ff8a2843016159de56565d0dcadaced5e233c10',
			'answer-relevancy': 'answer-relevancy v2 rubric 3af5ec0747435f57c6ab1fcd6d896778a448f0dbcd7899ce8c409a0d644fb723',
			'context-precision': 'context-precision v2 rubric 4a3a71a542ceff34dd6f2782b3d31d6dbcab07b6a9394e6cead4aef24c575c7b',
			'context-recall': 'context-recall v2 rubric 2178dde8dd07e7fa0b2ff6fb8863bf093ee6ab9e1492335e8f945c8e64727243'
		});
		expect(sha(PAIRWISE_PROMPT.render({ question: 'Q', answerA: 'a', answerB: 'b', reference: 'r' }))).toBe(
			'b3f9aba2cd41855fef1c256f2f293a817f6862b44d972eb6235fd9d7d1a1acd5'
		);
	});

	it('applies each rubric as before: reference-based ones need a reference, context precision needs a context', () => {
		const none = { sources: [] };
		const full = { reference: 'R', sources: [{}] as never[] };
		const blank = { reference: '  ', sources: [{}] as never[] };
		expect(RUBRIC_IDS.filter((r) => rubricApplies(r, none))).toEqual(['faithfulness', 'answer-relevancy']);
		expect(RUBRIC_IDS.filter((r) => rubricApplies(r, full))).toEqual([...RUBRIC_IDS]);
		expect(RUBRIC_IDS.filter((r) => rubricApplies(r, blank))).toEqual(['faithfulness', 'answer-relevancy', 'context-precision']);
	});
});
