import type { JudgePromptSpec, RubricInput } from '../prompts.ts';

/** What a rubric needs to know about an answer to decide whether it can grade it. */
export interface RubricSubject {
	readonly reference?: string;
	readonly sources: readonly unknown[];
}

/**
 * One rubric judge, in its own file under `rubrics/` and listed in `rubrics/index.ts` (the model
 * is promptfoo's assertion registry): its id, its versioned prompt, whether gradings run it by
 * default, whether it grades the retrieved contexts (a context rubric), and when it applies.
 */
export interface RubricDefinition<Id extends string = string> {
	readonly id: Id;
	readonly prompt: JudgePromptSpec<RubricInput>;
	/** In the default set ({@link DEFAULT_RUBRIC_IDS} of answers/types.ts). */
	readonly byDefault: boolean;
	/** Grades the retrieved contexts rather than the answer (`CONTEXT_RUBRIC_IDS`). */
	readonly context: boolean;
	/** Whether it can grade this answer; when not, the answer gets no verdict (not an error, never a score). */
	applies(a: RubricSubject): boolean;
}

/** Identity, typed so the rubric's id stays a literal (the registry derives `RubricId` from it). */
export function defineRubric<const Id extends string>(definition: RubricDefinition<Id>): RubricDefinition<Id> {
	return definition;
}

/** Whether the answer has a non-blank reference answer. */
export function hasReference(a: RubricSubject): boolean {
	return a.reference !== undefined && a.reference.trim() !== '';
}
