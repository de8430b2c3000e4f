import { rubric, answer } from '../prompt-parts.ts';
import { defineRubric } from './rubric.ts';

/** Answer relevancy: does the answer address the question, 1 (off-topic) – 5 (fully, directly). */
export const RELEVANCY_PROMPT = rubric(
	'answer-relevancy',
	'You grade how well an answer addresses the question asked, not whether it is true.\nRubric: 5 = answers it fully and directly; 4 = answers it with some padding; 3 = partly answers it; 2 = mostly beside the point; 1 = off-topic or a refusal.',
	(i) => `Question:\n${i.question}\n\nAnswer:\n${answer(i.answer)}`
);

/** The `answer-relevancy` rubric: on by default. */
export const answerRelevancyRubric = defineRubric({
	id: 'answer-relevancy',
	prompt: RELEVANCY_PROMPT,
	byDefault: true,
	context: false,
	applies: (_a) => true
});
