import { rubric, answer, context } from '../prompt-parts.ts';
import { defineRubric } from './rubric.ts';

/**
 * Context precision (Ragas "LLM context precision with reference", adapted to a 1–5 verdict):
 * are the retrieved contexts useful for arriving at the reference answer (or, without a
 * reference, the answer given — Ragas' "without reference" variant), and are the useful ones
 * ranked first? Ragas scores the mean of precision@k over the ranks k of the useful contexts
 * (0–1); the rubric asks the judge for that judgement directly, in bands: 5 ≈ every useful
 * context ranked above every useless one (≥ 0.9), 1 = no context useful. Contexts are shown as
 * `<source id="rank">` elements in rank order. Skipped (no verdict) when nothing was retrieved.
 */
export const CONTEXT_PRECISION_PROMPT = rubric(
	'context-precision',
	'You grade the retrieved contexts of a question, not the answer. A context is useful when it states information needed to arrive at the expected answer (the reference answer when one is given, else the answer shown). Contexts are listed in rank order: the source with id "1" was ranked first.\nRubric: 5 = every useful context is ranked above every context that is not useful, and at least one is useful; 4 = the useful contexts are mostly ranked first, one context that is not useful is ranked above a useful one; 3 = useful and useless contexts are mixed in the ranking; 2 = only a low-ranked context is useful; 1 = no context is useful.',
	(i) =>
		`Question:\n${i.question}\n\n${i.reference !== undefined && i.reference.trim() !== '' ? `Reference answer:\n${i.reference}` : `Answer:\n${answer(i.answer)}`}\n\nContexts in rank order:\n${context(i.context)}`
);

/** The `context-precision` rubric: opt-in, a context rubric. */
export const contextPrecisionRubric = defineRubric({
	id: 'context-precision',
	prompt: CONTEXT_PRECISION_PROMPT,
	byDefault: false,
	context: true,
	applies: (a) => a.sources.length > 0
});
