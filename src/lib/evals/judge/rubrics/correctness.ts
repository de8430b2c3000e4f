import { rubric, answer } from '../prompt-parts.ts';
import { defineRubric, hasReference } from './rubric.ts';

/** Correctness against the reference answer, 1 (contradicts it) – 5 (same facts, nothing wrong). */
export const CORRECTNESS_PROMPT = rubric(
	'correctness',
	'You grade an answer against a reference answer.\nRubric: 5 = all facts of the reference, nothing wrong; 4 = correct but misses a minor detail; 3 = partly correct; 2 = mostly wrong; 1 = contradicts the reference or does not answer.',
	(i) => `Question:\n${i.question}\n\nReference answer:\n${i.reference ?? '(none)'}\n\nAnswer to grade:\n${answer(i.answer)}`
);

/** The `correctness` rubric: on by default. */
export const correctnessRubric = defineRubric({
	id: 'correctness',
	prompt: CORRECTNESS_PROMPT,
	byDefault: true,
	context: false,
	applies: (a) => hasReference(a)
});
