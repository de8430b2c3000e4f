/**
 * The rubric judges Assay can run, in display order. A new rubric is one file in this folder
 * (its prompt and {@link RubricDefinition}) plus its line in {@link RUBRICS}; `RubricId`, the
 * id lists and the judge prompts per rubric all derive from this list.
 */
import { answerRelevancyRubric } from './answer-relevancy.ts';
import { contextPrecisionRubric } from './context-precision.ts';
import { contextRecallRubric } from './context-recall.ts';
import { correctnessRubric } from './correctness.ts';
import { faithfulnessRubric } from './faithfulness.ts';
import type { RubricDefinition } from './rubric.ts';

export const RUBRICS = [correctnessRubric, faithfulnessRubric, answerRelevancyRubric, contextPrecisionRubric, contextRecallRubric] as const;

/** Id of a registered rubric. */
export type RegisteredRubricId = (typeof RUBRICS)[number]['id'];

/** The definition of rubric `id`. */
export function rubricDefinition(id: RegisteredRubricId): RubricDefinition<RegisteredRubricId> {
	return RUBRICS.find((r) => r.id === id) as RubricDefinition<RegisteredRubricId>;
}

export type { RubricDefinition, RubricSubject } from './rubric.ts';
