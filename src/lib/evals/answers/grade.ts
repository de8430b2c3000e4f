import type { ChatModel } from '../../generation/types.ts';
import type { SchemaValidator } from '../../generation/structured.ts';
import { ATTACK_CHECKS, compileChecks, type CheckSpec } from '../checks/index.ts';
import type { JudgePromptSpec, RubricInput } from '../judge/prompts.ts';
import { RUBRICS, rubricDefinition } from '../judge/rubrics/index.ts';
import { judgeRubric, type JudgeSettings } from '../judge/runner.ts';
import { runOrderedPool } from './pool.ts';
import { ThroughputMeter, type Throughput } from './throughput.ts';
import { DEFAULT_RUBRIC_IDS, type AnswerRecord, type GradingSettings, type ModelRef, type RubricId, type StoredVerdict } from './types.ts';

/**
 * Layer 1 checks every grading runs by default: at least one citation, every cited number names
 * a packed source, every cited quotation is verbatim in its source, and at most 4000 characters
 * (code points) — long enough for any grounded answer within a 1024-token reply.
 */
export const DEFAULT_CHECKS: readonly CheckSpec[] = [
	{ id: 'citations-present', type: 'citations-present' },
	{ id: 'citations-valid', type: 'citations-valid' },
	{ id: 'quotes-verbatim', type: 'quotes-verbatim' },
	{ id: 'length', type: 'length', maxChars: 4000 }
];

/** Judge prompt of each rubric (versioned specs, one file per rubric in judge/rubrics). */
export const RUBRIC_PROMPTS: Readonly<Record<RubricId, JudgePromptSpec<RubricInput>>> = Object.fromEntries(
	RUBRICS.map((r) => [r.id, r.prompt])
) as Record<RubricId, JudgePromptSpec<RubricInput>>;

/**
 * Whether `rubric` can grade answer `a`: `correctness` and `context-recall` need a non-blank
 * reference answer; `context-precision` needs at least one context (0 of 0 is no precision).
 * A rubric that cannot grade leaves no verdict — not an error, never a score.
 */
export function rubricApplies(rubric: RubricId, a: Pick<AnswerRecord, 'reference' | 'sources'>): boolean {
	return rubricDefinition(rubric).applies(a);
}

/**
 * Default grading settings for `judge`: the three answer rubrics ({@link DEFAULT_RUBRIC_IDS};
 * the context rubrics are opt-in), temperature 0, seed 42, 512 reply
 * tokens (the judge runner's defaults), {@link DEFAULT_CHECKS}, pass threshold 4 (a score of 4
 * "correct but misses a minor detail" counts as pass).
 */
export function defaultGrading(judge: ModelRef): GradingSettings {
	return {
		judge,
		rubrics: [...DEFAULT_RUBRIC_IDS],
		temperature: 0,
		seed: 42,
		maxTokens: 512,
		checks: [...DEFAULT_CHECKS],
		passThreshold: 4
	};
}

/**
 * The checks an answer is graded with: the configured list, plus — for a prompt-injection case —
 * each of {@link ATTACK_CHECKS} whose type the list lacks (an id already taken gets a `attack:`
 * prefix), so an injection case is always scored for a successful attack.
 */
export function checksFor(configured: readonly CheckSpec[], attackCase: boolean): CheckSpec[] {
	if (!attackCase) return [...configured];
	const types = new Set(configured.map((c) => c.type));
	const ids = new Set(configured.map((c) => c.id));
	const extra = ATTACK_CHECKS.filter((c) => !types.has(c.type)).map((c) => (ids.has(c.id) ? { ...c, id: `attack:${c.id}` } : c));
	return [...configured, ...extra];
}

/** Inputs of {@link gradeAnswers}. */
export interface GradeInput {
	readonly answers: readonly AnswerRecord[];
	readonly settings: GradingSettings;
	/** The judge engine (its id/provider are recorded from the model itself, per verdict). */
	readonly model: ChatModel;
	/** JSON Schema validator for `json-schema` checks and judge verdicts. */
	readonly validator: SchemaValidator;
	/** Aborting stops grading; the answer in flight is not stored. */
	readonly signal?: AbortSignal;
	/** Persists one graded answer, in answer order (also with concurrency > 1); awaited before the next. */
	readonly onGraded: (record: AnswerRecord) => Promise<void>;
	/**
	 * `done` of `total` = `answers.length`, skipped (failed) answers included, and the throughput
	 * so far (graded answers and the judge's output tokens over `clock` time). Requires `clock` for the throughput; without one it reads 0 ms.
	 */
	readonly onProgress?: (done: number, total: number, throughput: Throughput) => void;
	/** Answers judged at once, integer 1–32; default 1. The in-browser engine judges one at a time: pass 1. */
	readonly concurrency?: number;
	/** Milliseconds clock for the throughput (e.g. `performance.now`); default a clock that stands still (rates `null`). */
	readonly clock?: () => number;
}

/** The rubric input of one answer: faithfulness and the context rubrics see the answer's packed sources, in order, as context (`<source id="n">`). */
function rubricInput(a: AnswerRecord): RubricInput {
	return {
		question: a.query,
		answer: a.text,
		...(a.reference !== undefined ? { reference: a.reference } : {}),
		context: a.sources.map((s) => ({ chunkId: String(s.n), text: s.text }))
	};
}

async function judgeAnswer(
	a: AnswerRecord,
	rubrics: readonly RubricId[],
	judge: JudgeSettings,
	validator: SchemaValidator,
	signal?: AbortSignal
): Promise<Partial<Record<RubricId, StoredVerdict>>> {
	const verdicts: Partial<Record<RubricId, StoredVerdict>> = {};
	const input = rubricInput(a);
	for (const rubric of rubrics) {
		// Correctness and context recall are graded against the reference, context precision over the contexts: without them there is nothing to grade (no verdict, not an error).
		if (!rubricApplies(rubric, a)) continue;
		const out = await judgeRubric(RUBRIC_PROMPTS[rubric], input, judge, validator, signal);
		verdicts[rubric] = { result: out.result, attempts: out.attempts, judge: out.judge };
	}
	return verdicts;
}

/**
 * Grade answers: layer 1 checks (compiled once; sources → `CheckSource` by `[n]`; an answer to a
 * prompt-injection case — `attack` set — also gets {@link ATTACK_CHECKS} that the list lacks, by
 * type, see {@link checksFor}), then a layer
 * 2 judge verdict per rubric of `settings.rubrics` (one request each, one retry on a bad reply;
 * typed errors are stored, never scored). Correctness and context recall are skipped for a case
 * without a reference, context precision for an answer without contexts ({@link rubricApplies}).
 * Answers whose generation failed (`error` set) are skipped entirely: no checks, no verdicts,
 * not stored. Each graded answer is a new record (`{...answer, checks, verdicts}`) — the human
 * `review` is kept as it was — handed to `onGraded` in answer order. Up to `concurrency`
 * answers are judged at once (their rubrics one after another); the verdicts kept do not depend
 * on the concurrency ({@link runOrderedPool}); on abort the answers in flight are not stored.
 * @throws AssayError `CONFIG_INVALID` up front for a bad check list (see `compileChecks`).
 */
export async function gradeAnswers(input: GradeInput): Promise<{ graded: number; cancelled: boolean; throughput: Throughput }> {
	const check = compileChecks(input.settings.checks, input.validator);
	const checkAttack = compileChecks(checksFor(input.settings.checks, true), input.validator);
	const { settings } = input;
	const judge: JudgeSettings = {
		model: input.model,
		temperature: settings.temperature,
		seed: settings.seed,
		maxTokens: settings.maxTokens
	};
	const meter = new ThroughputMeter(input.clock ?? (() => 0));
	const model = meter.counting(input.model);
	const counted: JudgeSettings = { ...judge, model };
	let graded = 0;
	const result = await runOrderedPool({
		items: input.answers,
		...(input.concurrency !== undefined ? { concurrency: input.concurrency } : {}),
		...(input.signal ? { signal: input.signal } : {}),
		work: async (a): Promise<AnswerRecord | null> => {
			if (a.error !== null) return null;
			const sources = a.sources.map((s) => ({ n: s.n, chunkId: s.chunkId, text: s.text }));
			const checks =
				a.attack !== undefined ? checkAttack({ answer: a.text, sources, attack: a.attack }) : check({ answer: a.text, sources });
			const verdicts = await judgeAnswer(a, settings.rubrics, counted, input.validator, input.signal);
			return { ...a, checks, verdicts };
		},
		commit: async (record, index) => {
			if (record !== null) {
				await input.onGraded(record);
				graded++;
				meter.addCase();
			}
			input.onProgress?.(index + 1, input.answers.length, meter.snapshot());
		}
	});
	return { graded, cancelled: result.cancelled, throughput: meter.snapshot() };
}
