import { AssayError, toErrorData, type AssayErrorData } from '../../shared/errors.ts';
import type { SchemaValidator } from '../../generation/structured.ts';
import type { FinishReason } from '../../generation/types.ts';
import { extractJsonObject, repairSingleQuotes } from './extract.ts';

/**
 * Judge verdicts and how raw replies become them. A reply is either a valid verdict or a typed
 * error ({@link VerdictError}); errors are counted and excluded from means — never scored 0 and
 * never clamped into range (a clamped 7 → 5 would be a fabricated verdict).
 */

/** Lowest and highest rubric score (an ordinal 1–5 Likert scale). */
export const RUBRIC_MIN = 1;
export const RUBRIC_MAX = 5;

/** JSON Schema of a rubric verdict: integer score 1–5 and a reason. Sent as the constrained format. */
export const RUBRIC_VERDICT_SCHEMA = {
	type: 'object',
	required: ['score', 'reason'],
	properties: { score: { type: 'integer', minimum: RUBRIC_MIN, maximum: RUBRIC_MAX }, reason: { type: 'string' } },
	additionalProperties: false
} as const;

/** JSON Schema of a pairwise verdict: which answer is better (`A`, `B` or `tie`) and why. */
export const PAIRWISE_VERDICT_SCHEMA = {
	type: 'object',
	required: ['winner', 'reason'],
	properties: { winner: { type: 'string', enum: ['A', 'B', 'tie'] }, reason: { type: 'string' } },
	additionalProperties: false
} as const;

/** A rubric verdict: `score` is an integer in 1–5. */
export interface RubricVerdict {
	readonly score: number;
	readonly reason: string;
}

/** A pairwise verdict in the positions the judge saw: `A` = the answer shown first. */
export interface PairwiseVerdict {
	readonly winner: 'A' | 'B' | 'tie';
	readonly reason: string;
}

/** The kinds of reply this module parses. */
export type VerdictKind = 'rubric' | 'pairwise';

/**
 * Outcome of parsing one reply. `repaired` is true when the reply needed a lenient fix
 * (single quotes → JSON, `"4"` → 4) before it validated. An error carries a `JUDGE_*` code and
 * `details.retryable` (whether asking again may help); `raw` is always kept.
 */
export type VerdictResult<V> =
	| { readonly ok: true; readonly verdict: V; readonly repaired: boolean; readonly raw: string }
	| { readonly ok: false; readonly error: AssayErrorData; readonly raw: string };

/** A parsing failure of one reply (see {@link VerdictResult}). */
export type VerdictError = Extract<VerdictResult<unknown>, { ok: false }>;

/** Options of {@link parseVerdict}. */
export interface ParseVerdictOptions {
	/** The engine's finish reason; `length` or `abort` means the reply was cut off. Default `stop`. */
	readonly finishReason?: FinishReason;
}

function failure(
	raw: string,
	code: 'JUDGE_OUTPUT_INVALID' | 'JUDGE_OUTPUT_TRUNCATED' | 'JUDGE_OUTPUT_AMBIGUOUS' | 'JUDGE_SCORE_OUT_OF_RANGE',
	message: string,
	details: Record<string, unknown>
): VerdictError {
	return { ok: false, raw, error: toErrorData(new AssayError(code, message, { details })) };
}

/**
 * Parse a raw judge reply into a verdict of `kind`, validated against its schema
 * ({@link RUBRIC_VERDICT_SCHEMA} / {@link PAIRWISE_VERDICT_SCHEMA}) by `validator`.
 * Order: cut off (finish reason or an unclosed object) → `JUDGE_OUTPUT_TRUNCATED`; two objects →
 * `JUDGE_OUTPUT_AMBIGUOUS`; no object or unparsable → `JUDGE_OUTPUT_INVALID`; a numeric score
 * outside 1–5 (or not finite) → `JUDGE_SCORE_OUT_OF_RANGE`; other schema violations →
 * `JUDGE_OUTPUT_INVALID` with `details.errors`. Never throws.
 */
export function parseVerdict(
	kind: 'rubric',
	raw: string,
	validator: SchemaValidator,
	options?: ParseVerdictOptions
): VerdictResult<RubricVerdict>;
export function parseVerdict(
	kind: 'pairwise',
	raw: string,
	validator: SchemaValidator,
	options?: ParseVerdictOptions
): VerdictResult<PairwiseVerdict>;
export function parseVerdict(
	kind: VerdictKind,
	raw: string,
	validator: SchemaValidator,
	options: ParseVerdictOptions = {}
): VerdictResult<RubricVerdict | PairwiseVerdict> {
	const found = extractJsonObject(raw);
	if (options.finishReason === 'length' || options.finishReason === 'abort' || found.kind === 'truncated') {
		return failure(
			raw,
			'JUDGE_OUTPUT_TRUNCATED',
			'The judge reply stops before its JSON verdict is complete; ask again with a larger max tokens.',
			{ retryable: true, kind: 'truncated' }
		);
	}
	if (found.kind === 'multiple') {
		return failure(raw, 'JUDGE_OUTPUT_AMBIGUOUS', `Expected one JSON verdict; the reply holds ${found.count}.`, {
			retryable: true,
			kind: 'ambiguous_multiple_objects'
		});
	}
	if (found.kind === 'none')
		return failure(raw, 'JUDGE_OUTPUT_INVALID', 'Expected a JSON verdict; the reply holds no JSON object.', {
			retryable: true,
			kind: 'not_json'
		});
	let repaired = false;
	let value: unknown;
	try {
		value = JSON.parse(found.text);
	} catch (cause) {
		const fixed = repairSingleQuotes(found.text);
		try {
			if (fixed === null) throw cause;
			value = JSON.parse(fixed);
			repaired = true;
		} catch {
			return failure(raw, 'JUDGE_OUTPUT_INVALID', `Expected a JSON verdict; the object does not parse (${String(cause)}).`, {
				retryable: true,
				kind: 'not_json'
			});
		}
	}
	if (kind === 'rubric' && typeof value === 'object' && value !== null && !Array.isArray(value)) {
		const record = value as Record<string, unknown>;
		// "4" is a clear 4 from a judge that quoted its number; "four" or "4.5" are not repaired.
		if (typeof record.score === 'string' && /^\s*\d+\s*$/.test(record.score)) {
			value = { ...record, score: Number(record.score) };
			repaired = true;
		}
		const score = (value as Record<string, unknown>).score;
		if (typeof score === 'number' && (!Number.isFinite(score) || score < RUBRIC_MIN || score > RUBRIC_MAX)) {
			return failure(
				raw,
				'JUDGE_SCORE_OUT_OF_RANGE',
				`Expected a score from ${RUBRIC_MIN} to ${RUBRIC_MAX}; received ${score}. It is not clamped.`,
				{ retryable: true, kind: 'out_of_range', score }
			);
		}
	}
	const errors = validator.validate(kind === 'rubric' ? RUBRIC_VERDICT_SCHEMA : PAIRWISE_VERDICT_SCHEMA, value);
	if (errors.length > 0) {
		return failure(raw, 'JUDGE_OUTPUT_INVALID', `The verdict does not match the ${kind} schema: ${errors.join('; ')}`, {
			retryable: true,
			kind: 'schema',
			errors
		});
	}
	return { ok: true, verdict: value as RubricVerdict | PairwiseVerdict, repaired, raw };
}
