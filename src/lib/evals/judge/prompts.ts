import type { ChatMessage } from '../../generation/types.ts';
import { answer, JUDGE_DATA_RULE } from './prompt-parts.ts';
import type { VerdictKind } from './verdict.ts';

/**
 * Versioned judge prompts. A verdict is only comparable with verdicts from the same prompt id
 * and version, so both are recorded with every verdict; change the text → bump the version.
 * Rubrics follow the 1–5 scales of G-Eval (Liu et al., 2023) and the criteria of RAGAS
 * (Es et al., 2023: faithfulness, answer relevancy; Ragas docs, "Context Precision" and
 * "Context Recall", https://docs.ragas.io/en/stable/concepts/metrics/available_metrics/) and
 * MT-Bench (Zheng et al., 2023: pairwise comparison with position swap).
 * Version 2 of every prompt delimits what it grades as data: retrieved chunks as
 * `<source id="…">` elements and answers as `<answer>` elements, with delimiters inside them
 * neutralised, and the system message carries {@link JUDGE_DATA_RULE} — so a document (or an
 * answer that repeats it) cannot instruct the judge.
 */

/** One retrieved chunk shown to the judge. */
export interface JudgeContextChunk {
	readonly chunkId: string;
	readonly text: string;
}

/** What a rubric judge sees about one answer. */
export interface RubricInput {
	readonly question: string;
	readonly answer: string;
	/** Reference answer; needed by `correctness` and `context-recall`; used by `context-precision` when present. */
	readonly reference?: string;
	/** Retrieved chunks in rank order (first = rank 1); needed by `faithfulness`, `context-precision`, `context-recall`. */
	readonly context?: readonly JudgeContextChunk[];
}

/** What a pairwise judge sees: the same question answered twice (`A` shown first). */
export interface PairwiseInput {
	readonly question: string;
	readonly answerA: string;
	readonly answerB: string;
	readonly reference?: string;
}

/** A judge prompt: id + version, verdict kind, and the messages it sends. */
export interface JudgePromptSpec<I> {
	readonly id: string;
	/** Positive integer; bumped on every text change. */
	readonly version: number;
	readonly kind: VerdictKind;
	/** Renders the chat messages for one input. */
	render(input: I): ChatMessage[];
}

export { JUDGE_DATA_RULE } from './prompt-parts.ts';
export { CORRECTNESS_PROMPT } from './rubrics/correctness.ts';
export { FAITHFULNESS_PROMPT } from './rubrics/faithfulness.ts';
export { RELEVANCY_PROMPT } from './rubrics/answer-relevancy.ts';
export { CONTEXT_PRECISION_PROMPT } from './rubrics/context-precision.ts';
export { CONTEXT_RECALL_PROMPT } from './rubrics/context-recall.ts';

/** Pairwise preference between two answers (MT-Bench style); the runner asks in both orders. */
export const PAIRWISE_PROMPT: JudgePromptSpec<PairwiseInput> = {
	id: 'pairwise-preference',
	version: 2,
	kind: 'pairwise',
	render: (i) => [
		{
			role: 'system',
			content: `You compare two answers to the same question. Do not let their order or length influence you.\n${JUDGE_DATA_RULE}\nReply with one JSON object only: {"winner": "A" | "B" | "tie", "reason": "<one sentence>"}.`
		},
		{
			role: 'user',
			content: `Question:\n${i.question}\n\n${i.reference ? `Reference answer:\n${i.reference}\n\n` : ''}${answer(i.answerA, 'A')}\n\n${answer(i.answerB, 'B')}`
		}
	]
};
