import type { ChatModel } from '../../generation/types.ts';
import type { SchemaValidator } from '../../generation/structured.ts';
import { gradeAnswers } from '../answers/grade.ts';
import type { AnswerRecord, GradingSettings } from '../answers/types.ts';

/** Inputs of {@link gradeRepeats}. */
export interface GradeRepeatsInput {
	/** `byRepeat[r]` = the records of repeat r (e.g. from `recordsByRepeat`). */
	readonly byRepeat: readonly (readonly AnswerRecord[])[];
	readonly settings: GradingSettings;
	/** The judge engine; wrap it in `CachingChatModel` to cache verdicts. */
	readonly model: ChatModel;
	readonly validator: SchemaValidator;
	readonly signal?: AbortSignal;
	/** `done` of `total` = records over all repeats, failed ones included. */
	readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Grade every repeat with `gradeAnswers` (checks + rubric judges; failed records are kept as
 * they are, ungraded). Repeat r is judged with seed `settings.seed + r`, so each repeat gets its
 * own seeded verdict (and its own cache key) rather than a replay of repeat 0's.
 * @returns the records per repeat in the order given, graded where grading applied; `cancelled`
 *   when `signal` aborted (records not reached are returned ungraded).
 * @throws AssayError `CONFIG_INVALID` for a bad check list (see `compileChecks`).
 */
export async function gradeRepeats(input: GradeRepeatsInput): Promise<{ byRepeat: AnswerRecord[][]; cancelled: boolean }> {
	const total = input.byRepeat.reduce((n, rs) => n + rs.length, 0);
	let before = 0;
	let cancelled = false;
	const out: AnswerRecord[][] = [];
	for (const [r, records] of input.byRepeat.entries()) {
		const graded = new Map<string, AnswerRecord>();
		if (!cancelled) {
			const res = await gradeAnswers({
				answers: records,
				settings: { ...input.settings, seed: input.settings.seed + r },
				model: input.model,
				validator: input.validator,
				...(input.signal ? { signal: input.signal } : {}),
				onGraded: async (a) => void graded.set(a.caseId, a),
				onProgress: (done) => input.onProgress?.(before + done, total)
			});
			cancelled = res.cancelled;
		}
		before += records.length;
		out.push(records.map((a) => graded.get(a.caseId) ?? a));
	}
	return { byRepeat: out, cancelled };
}
