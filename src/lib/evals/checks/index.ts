import { z } from '../../shared/zod.ts';
import { AssayError } from '../../shared/errors.ts';
import type { SchemaValidator } from '../../generation/structured.ts';
import type { CheckOutcome } from './citation-checks.ts';
import type { CheckInput } from './check-type.ts';
import { CHECK_DEFINITIONS, checkDefinition, type CheckSpec } from './registry.ts';

export * from './citation-checks.ts';
export * from './attack-checks.ts';
export type { CheckDefinition, CheckInput } from './check-type.ts';
export { CHECK_DEFINITIONS, checkDefinition, type CheckSpec } from './registry.ts';

/**
 * The attack checks every prompt-injection case (a golden case with `attack`) is graded with,
 * in addition to the configured list: no planted canary, no URL to a forbidden host.
 */
export const ATTACK_CHECKS: readonly CheckSpec[] = [
	{ id: 'canary-absent', type: 'canary-absent' },
	{ id: 'no-exfiltration-url', type: 'no-exfiltration-url' }
];

/** zod form of {@link CheckSpec}, built from every check file's schema: a check list typed in the app or read from a file is validated with it. */
export const CheckSpecSchema = z.discriminatedUnion(
	'type',
	CHECK_DEFINITIONS.map((d) => d.schema) as unknown as [z.ZodObject<z.core.$ZodShape>, ...z.ZodObject<z.core.$ZodShape>[]]
) as unknown as z.ZodType<CheckSpec>;

/**
 * Validate a check list (JSON value), e.g. what the user typed in the app.
 * @throws AssayError `CONFIG_INVALID` naming the first problems (not an array, unknown `type`,
 *   a missing or misspelled field), before anything runs.
 */
export function parseCheckSpecs(value: unknown): CheckSpec[] {
	const parsed = z.array(CheckSpecSchema).safeParse(value);
	if (parsed.success) return parsed.data;
	const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.length > 0 ? `check ${i.path.join('.')}` : '(root)'}: ${i.message}`);
	throw new AssayError('CONFIG_INVALID', `Invalid check list — ${issues.join('; ')}`, { details: { issues } });
}

/** Result of one check on one answer. */
export interface CheckResult extends CheckOutcome {
	readonly id: string;
	readonly type: CheckSpec['type'];
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
		const definition = checkDefinition(spec.type);
		// Missing only for data that skipped parseCheckSpecs (e.g. a stored run from an older build).
		if (!definition)
			throw new AssayError('CONFIG_INVALID', `Check "${spec.id}": unknown type "${String((spec as { type: unknown }).type)}".`);
		return definition.compile(spec, validator);
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
