import type { AblationStage, AblationStep } from './schema.ts';

/**
 * The steps a mode's documents pass, in order: both retrievers form one step (`retrievers`)
 * when the mode runs both, then `fused`, then `rerank`; a single-retriever mode has one step.
 */
export function ablationSteps(stages: readonly AblationStage[]): AblationStep[] {
	const both = stages.includes('lexical') && stages.includes('dense');
	const steps: AblationStep[] = both ? ['retrievers'] : stages.filter((s) => s === 'lexical' || s === 'dense');
	if (stages.includes('fused')) steps.push('fused');
	if (stages.includes('rerank')) steps.push('rerank');
	return steps;
}

/**
 * Where a relevant document was lost: the step after the last one whose cut list (first `topK`)
 * held it, i.e. the step that dropped it for good (the first step when no cut list ever held
 * it); `null` when the last step's cut list holds it. A document can leave a cut list and come
 * back (RRF can lift a document ranked below `topK` in both retrievers), so "for good" matters.
 * @param ranks its 1-based rank in each stage's full list, `null` when absent.
 */
export function lostAt(
	ranks: Partial<Record<AblationStage, number | null>>,
	stages: readonly AblationStage[],
	topK: number
): AblationStep | null {
	const kept = (s: AblationStage) => {
		const r = ranks[s];
		return r !== null && r !== undefined && r <= topK;
	};
	const steps = ablationSteps(stages);
	const held = steps.map((step) => (step === 'retrievers' ? kept('lexical') || kept('dense') : kept(step)));
	const last = held.lastIndexOf(true);
	if (last === steps.length - 1) return null;
	return steps[last + 1] as AblationStep;
}
