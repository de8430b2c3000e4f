import { z } from '../../shared/zod.ts';
import { AssayError } from '../../shared/errors.ts';
import type { SchemaValidator } from '../../generation/structured.ts';
import type { AttackSpec } from '../golden/types.ts';
import { checkCitationsPresent, checkCitationsValid, checkQuotesVerbatim, type CheckOutcome, type CheckSource } from './citation-checks.ts';
import { checkCanaryAbsent, checkNoExfiltrationUrl } from './attack-checks.ts';

export * from './citation-checks.ts';
export * from './attack-checks.ts';

/**
 * Layer 1 of answer evaluation: deterministic checks in code. Each check passes or fails per
 * answer with a reason. Checks are data (JSON-serialisable) so a check suite can be saved with
 * an eval configuration.
 */
export type CheckSpec = { readonly id: string } & (
	| { readonly type: 'json-schema'; readonly schema: object }
	| { readonly type: 'required-fields'; readonly fields: readonly string[] }
	| { readonly type: 'must-contain' | 'must-not-contain'; readonly text?: string; readonly regex?: string; readonly flags?: string }
	| { readonly type: 'banned-phrases'; readonly phrases: readonly string[] }
	| { readonly type: 'length'; readonly minChars?: number; readonly maxChars?: number }
	| { readonly type: 'citations-present' }
	| { readonly type: 'citations-valid' }
	| { readonly type: 'quotes-verbatim' }
	| { readonly type: 'canary-absent' }
	| { readonly type: 'no-exfiltration-url' }
);

/**
 * The attack checks every prompt-injection case (a golden case with `attack`) is graded with,
 * in addition to the configured list: no planted canary, no URL to a forbidden host.
 */
export const ATTACK_CHECKS: readonly CheckSpec[] = [
	{ id: 'canary-absent', type: 'canary-absent' },
	{ id: 'no-exfiltration-url', type: 'no-exfiltration-url' }
];

const id = z.string().trim().min(1).max(80);
const pattern = { text: z.string().optional(), regex: z.string().optional(), flags: z.string().max(8).optional() };

/** zod form of {@link CheckSpec}: a check list typed in the app or read from a file is validated with it. */
export const CheckSpecSchema = z.discriminatedUnion('type', [
	z.object({ id, type: z.literal('json-schema'), schema: z.record(z.string(), z.unknown()) }).strict(),
	z.object({ id, type: z.literal('required-fields'), fields: z.array(z.string().min(1)).min(1) }).strict(),
	z.object({ id, type: z.literal('must-contain'), ...pattern }).strict(),
	z.object({ id, type: z.literal('must-not-contain'), ...pattern }).strict(),
	z.object({ id, type: z.literal('banned-phrases'), phrases: z.array(z.string()).min(1) }).strict(),
	z
		.object({ id, type: z.literal('length'), minChars: z.number().int().min(0).optional(), maxChars: z.number().int().min(0).optional() })
		.strict(),
	z.object({ id, type: z.literal('citations-present') }).strict(),
	z.object({ id, type: z.literal('citations-valid') }).strict(),
	z.object({ id, type: z.literal('quotes-verbatim') }).strict(),
	z.object({ id, type: z.literal('canary-absent') }).strict(),
	z.object({ id, type: z.literal('no-exfiltration-url') }).strict()
]);

/**
 * Validate a check list (JSON value), e.g. what the user typed in the app.
 * @throws AssayError `CONFIG_INVALID` naming the first problems (not an array, unknown `type`,
 *   a missing or misspelled field), before anything runs.
 */
export function parseCheckSpecs(value: unknown): CheckSpec[] {
	const parsed = z.array(CheckSpecSchema).safeParse(value);
	if (parsed.success) return parsed.data as CheckSpec[];
	const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.length > 0 ? `check ${i.path.join('.')}` : '(root)'}: ${i.message}`);
	throw new AssayError('CONFIG_INVALID', `Invalid check list — ${issues.join('; ')}`, { details: { issues } });
}

/** One answer to check: its text, the sources it was given (`[n]` → `sources` with that `n`) and, for an injection case, what its documents plant. */
export interface CheckInput {
	readonly answer: string;
	readonly sources: readonly CheckSource[];
	readonly attack?: AttackSpec;
}

/** Result of one check on one answer. */
export interface CheckResult extends CheckOutcome {
	readonly id: string;
	readonly type: CheckSpec['type'];
}

function parseJson(answer: string): { ok: true; value: unknown } | { ok: false; reason: string } {
	try {
		return { ok: true, value: JSON.parse(answer) };
	} catch (error) {
		return { ok: false, reason: `The answer is not JSON (${String(error)}).` };
	}
}

function compilePattern(spec: { id: string; text?: string; regex?: string; flags?: string }): (s: string) => boolean {
	if (spec.regex !== undefined) {
		let re: RegExp;
		try {
			re = new RegExp(spec.regex, (spec.flags ?? '').replace(/[gy]/g, ''));
		} catch (cause) {
			throw new AssayError('CONFIG_INVALID', `Check "${spec.id}": invalid regular expression /${spec.regex}/ (${String(cause)}).`, {
				cause
			});
		}
		return (s) => re.test(s);
	}
	if (spec.text === undefined || spec.text === '') throw new AssayError('CONFIG_INVALID', `Check "${spec.id}" needs "text" or "regex".`);
	const needle = spec.text;
	return (s) => s.includes(needle);
}

/**
 * Build the check functions of `specs` once (regexes compiled up front, so a bad pattern fails
 * at configuration time, not on the hundredth answer).
 * @throws AssayError `CONFIG_INVALID` for a bad regex, an empty pattern, duplicate ids or inverted length limits.
 */
export function compileChecks(specs: readonly CheckSpec[], validator: SchemaValidator): (input: CheckInput) => CheckResult[] {
	const ids = new Set<string>();
	const fns = specs.map((spec): ((input: CheckInput) => CheckOutcome) => {
		if (ids.has(spec.id)) throw new AssayError('CONFIG_INVALID', `Duplicate check id "${spec.id}".`);
		ids.add(spec.id);
		switch (spec.type) {
			case 'json-schema':
				return ({ answer }) => {
					const parsed = parseJson(answer);
					if (!parsed.ok) return { pass: false, reason: parsed.reason };
					const errors = validator.validate(spec.schema, parsed.value);
					return errors.length === 0
						? { pass: true, reason: 'Valid against the schema.' }
						: { pass: false, reason: `Schema violations: ${errors.join('; ')}` };
				};
			case 'required-fields':
				return ({ answer }) => {
					const parsed = parseJson(answer);
					if (!parsed.ok) return { pass: false, reason: parsed.reason };
					const value = parsed.value;
					if (typeof value !== 'object' || value === null || Array.isArray(value))
						return { pass: false, reason: 'The answer is JSON but not an object.' };
					const missing = spec.fields.filter((f) => !(f in value));
					return missing.length === 0
						? { pass: true, reason: 'All required fields present.' }
						: { pass: false, reason: `Missing field(s): ${missing.join(', ')}.` };
				};
			case 'must-contain':
			case 'must-not-contain': {
				const matches = compilePattern(spec);
				const label = spec.regex !== undefined ? `/${spec.regex}/${spec.flags ?? ''}` : `"${spec.text}"`;
				const want = spec.type === 'must-contain';
				return ({ answer }) =>
					matches(answer) === want
						? { pass: true, reason: `${want ? 'Contains' : 'Does not contain'} ${label}.` }
						: { pass: false, reason: `${want ? 'Does not contain' : 'Contains'} ${label}.` };
			}
			case 'banned-phrases': {
				const phrases = spec.phrases.map((p) => p.toLocaleLowerCase('en'));
				return ({ answer }) => {
					const lower = answer.toLocaleLowerCase('en');
					const hits = phrases.filter((p) => p !== '' && lower.includes(p));
					return hits.length === 0
						? { pass: true, reason: 'No banned phrase.' }
						: { pass: false, reason: `Banned phrase(s): ${hits.map((h) => `"${h}"`).join(', ')}.` };
				};
			}
			case 'length': {
				const min = spec.minChars ?? 0;
				const max = spec.maxChars ?? Number.POSITIVE_INFINITY;
				if (!(min >= 0 && max >= min))
					throw new AssayError('CONFIG_INVALID', `Check "${spec.id}": length limits need 0 ≤ minChars ≤ maxChars, received ${min}…${max}.`);
				// Length in code points, so an emoji counts once.
				return ({ answer }) => {
					const n = [...answer].length;
					if (n < min) return { pass: false, reason: `${n} characters, fewer than the minimum ${min}.` };
					if (n > max) return { pass: false, reason: `${n} characters, more than the maximum ${max}.` };
					return { pass: true, reason: `${n} characters, within limits.` };
				};
			}
			case 'citations-present':
				return ({ answer, sources }) => checkCitationsPresent(answer, sources);
			case 'citations-valid':
				return ({ answer, sources }) => checkCitationsValid(answer, sources);
			case 'quotes-verbatim':
				return ({ answer, sources }) => checkQuotesVerbatim(answer, sources);
			case 'canary-absent':
				return ({ answer, attack }) => checkCanaryAbsent(answer, attack);
			case 'no-exfiltration-url':
				return ({ answer, attack }) => checkNoExfiltrationUrl(answer, attack);
			default:
				// Reached only by data that skipped parseCheckSpecs (e.g. a stored run from an older build).
				throw new AssayError(
					'CONFIG_INVALID',
					`Check "${(spec as { id: string }).id}": unknown type "${String((spec as { type: unknown }).type)}".`
				);
		}
	});
	return (input) => fns.map((fn, i) => ({ id: (specs[i] as CheckSpec).id, type: (specs[i] as CheckSpec).type, ...fn(input) }));
}

/** Pass counts per check id over many answers; `passRate` = passed / (passed + failed). */
export function summariseChecks(
	results: readonly (readonly CheckResult[])[]
): Record<string, { passed: number; failed: number; passRate: number }> {
	const out: Record<string, { passed: number; failed: number; passRate: number }> = {};
	for (const perCase of results) {
		for (const r of perCase) {
			const s = (out[r.id] ??= { passed: 0, failed: 0, passRate: 0 });
			if (r.pass) s.passed++;
			else s.failed++;
			s.passRate = s.passed / (s.passed + s.failed);
		}
	}
	return out;
}
