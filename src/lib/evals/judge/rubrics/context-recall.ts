import { rubric, context } from '../prompt-parts.ts';
import { defineRubric, hasReference } from './rubric.ts';

/**
 * Context recall (Ragas "LLM context recall", adapted to a 1–5 verdict): the share of the
 * reference answer's claims that can be attributed to the retrieved contexts. Ragas splits the
 * reference into claims and scores attributed / total (0–1); the rubric asks for the share in
 * bands: 5 = every claim, 4 = all but a minor detail, 3 = about half, 2 = a few, 1 = none.
 * Needs a reference answer (skipped without one, like correctness).
 */
export const CONTEXT_RECALL_PROMPT = rubric(
	'context-recall',
	'You check how much of a reference answer can be attributed to the retrieved contexts: split the reference answer into its claims and, for each, decide whether the contexts state it. Ignore whether the claims are true elsewhere and ignore the order of the contexts.\nRubric: 5 = every claim of the reference is stated in the contexts; 4 = every claim but one minor detail; 3 = about half of the claims; 2 = only a few claims; 1 = no claim, or no context retrieved.',
	(i) => `Question:\n${i.question}\n\nReference answer:\n${i.reference ?? '(none)'}\n\nContexts:\n${context(i.context)}`
);

/** The `context-recall` rubric: opt-in, a context rubric. */
export const contextRecallRubric = defineRubric({
	id: 'context-recall',
	prompt: CONTEXT_RECALL_PROMPT,
	byDefault: false,
	context: true,
	applies: (a) => hasReference(a)
});
