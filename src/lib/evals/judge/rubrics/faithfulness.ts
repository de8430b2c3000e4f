import { rubric, answer, context } from '../prompt-parts.ts';
import { defineRubric } from './rubric.ts';

/** Faithfulness: every claim supported by the retrieved context, 1 (none) – 5 (all). */
export const FAITHFULNESS_PROMPT = rubric(
	'faithfulness',
	'You check whether every claim of an answer is supported by the retrieved context. Ignore whether the claims are true elsewhere.\nRubric: 5 = every claim supported; 4 = one minor unsupported detail; 3 = some claims unsupported; 2 = most claims unsupported; 1 = contradicts the context or none supported.',
	(i) => `Context:\n${context(i.context)}\n\nQuestion:\n${i.question}\n\nAnswer:\n${answer(i.answer)}`
);

/** The `faithfulness` rubric: on by default. */
export const faithfulnessRubric = defineRubric({
	id: 'faithfulness',
	prompt: FAITHFULNESS_PROMPT,
	byDefault: true,
	context: false,
	applies: (_a) => true
});
