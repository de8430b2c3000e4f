import { AssayError, toErrorData } from '../../shared/errors.ts';
import type { SchemaValidator } from '../../generation/structured.ts';
import type { ChatModel, FinishReason } from '../../generation/types.ts';
import type { JudgePromptSpec } from './prompts.ts';
import {
	PAIRWISE_VERDICT_SCHEMA,
	parseVerdict,
	RUBRIC_VERDICT_SCHEMA,
	type PairwiseVerdict,
	type RubricVerdict,
	type VerdictResult
} from './verdict.ts';

/** The judge model and sampling settings; all recorded with each verdict. */
export interface JudgeSettings {
	readonly model: ChatModel;
	/** Sampling temperature 0–2; default 0 (judges should be as deterministic as the engine allows). */
	readonly temperature?: number;
	/** Seed sent to the engine; default 42. */
	readonly seed?: number;
	/** Token limit of a reply; default 512. A truncated reply is retried with twice this. */
	readonly maxTokens?: number;
}

/** Who judged, with what: enough to reproduce or to refuse comparing verdicts. */
export interface JudgeProvenance {
	readonly modelId: string;
	readonly provider: string;
	readonly promptId: string;
	readonly promptVersion: number;
	readonly temperature: number;
	readonly seed: number;
}

/** One judged item: the final parse (after at most one retry) and how many requests it took (1 or 2). */
export interface JudgeOutcome<V> {
	readonly result: VerdictResult<V>;
	readonly attempts: number;
	readonly judge: JudgeProvenance;
}

async function collect(
	model: ChatModel,
	request: Parameters<ChatModel['stream']>[0],
	signal?: AbortSignal
): Promise<{ text: string; finishReason: FinishReason } | { error: VerdictResult<never> }> {
	let text = '';
	for await (const event of model.stream(request, signal)) {
		if (event.type === 'token') text += event.text;
		else if (event.type === 'error') return { error: { ok: false, error: event.error, raw: text } };
		else if (event.type === 'done') return { text, finishReason: event.finishReason };
	}
	return {
		error: {
			ok: false,
			raw: text,
			error: toErrorData(new AssayError('LLM_GENERATION_FAILED', 'The judge stream ended without a done event.'))
		}
	};
}

/**
 * Ask the judge once, constrained to the verdict JSON Schema (`responseFormat`), then validate
 * the reply anyway (engines without constrained decoding ignore it). A reply that is invalid and
 * retryable is asked once more — with twice the token limit when it was truncated. Engine
 * failures (`LLM_*`) are returned as the error, not retried. Never throws for a bad reply.
 */
export async function judgeOne<I>(
	spec: JudgePromptSpec<I>,
	input: I,
	settings: JudgeSettings,
	validator: SchemaValidator,
	signal?: AbortSignal
): Promise<JudgeOutcome<RubricVerdict | PairwiseVerdict>> {
	const temperature = settings.temperature ?? 0;
	const seed = settings.seed ?? 42;
	let maxTokens = settings.maxTokens ?? 512;
	const judge: JudgeProvenance = {
		modelId: settings.model.modelId,
		provider: settings.model.provider,
		promptId: spec.id,
		promptVersion: spec.version,
		temperature,
		seed
	};
	const schema = spec.kind === 'rubric' ? RUBRIC_VERDICT_SCHEMA : PAIRWISE_VERDICT_SCHEMA;
	let result: VerdictResult<RubricVerdict | PairwiseVerdict> | undefined;
	for (let attempt = 1; attempt <= 2; attempt++) {
		const reply = await collect(
			settings.model,
			{
				messages: spec.render(input),
				maxTokens,
				temperature,
				seed,
				responseFormat: { type: 'json_object', schema: JSON.stringify(schema) }
			},
			signal
		);
		if ('error' in reply) return { result: reply.error, attempts: attempt, judge };
		result =
			spec.kind === 'rubric'
				? parseVerdict('rubric', reply.text, validator, { finishReason: reply.finishReason })
				: parseVerdict('pairwise', reply.text, validator, { finishReason: reply.finishReason });
		if (result.ok || result.error.details?.retryable !== true || reply.finishReason === 'abort')
			return { result, attempts: attempt, judge };
		if (result.error.code === 'JUDGE_OUTPUT_TRUNCATED') maxTokens *= 2;
	}
	return { result: result as VerdictResult<RubricVerdict | PairwiseVerdict>, attempts: 2, judge };
}

/** Rubric judging of one answer; see {@link judgeOne}. */
export function judgeRubric<I>(
	spec: JudgePromptSpec<I>,
	input: I,
	settings: JudgeSettings,
	validator: SchemaValidator,
	signal?: AbortSignal
): Promise<JudgeOutcome<RubricVerdict>> {
	if (spec.kind !== 'rubric') throw new AssayError('CONFIG_INVALID', `Expected a rubric judge prompt; "${spec.id}" is ${spec.kind}.`);
	return judgeOne(spec, input, settings, validator, signal) as Promise<JudgeOutcome<RubricVerdict>>;
}
