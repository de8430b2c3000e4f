import { z } from '../../../shared/zod.ts';
import { AssayError } from '../../../shared/errors.ts';
import type { CheckOutcome } from '../citation-checks.ts';
import type { CheckInput } from '../check-type.ts';

/** What `must-contain` and `must-not-contain` look for: a literal `text`, or a `regex` with `flags` (`g`/`y` ignored). */
export interface PatternFields {
	readonly id: string;
	readonly text?: string;
	readonly regex?: string;
	readonly flags?: string;
}

/** zod fields of {@link PatternFields} (besides `id` and `type`). */
export const patternShape = { text: z.string().optional(), regex: z.string().optional(), flags: z.string().max(8).optional() };

function compilePattern(spec: PatternFields): (s: string) => boolean {
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
 * The check of a pattern spec: passes when the answer matches (`want` true) or does not match
 * (`want` false). @throws AssayError `CONFIG_INVALID` for a bad regex or an empty pattern.
 */
export function patternCheck(spec: PatternFields, want: boolean): (input: CheckInput) => CheckOutcome {
	const matches = compilePattern(spec);
	const label = spec.regex !== undefined ? `/${spec.regex}/${spec.flags ?? ''}` : `"${spec.text}"`;
	return ({ answer }) =>
		matches(answer) === want
			? { pass: true, reason: `${want ? 'Contains' : 'Does not contain'} ${label}.` }
			: { pass: false, reason: `${want ? 'Does not contain' : 'Contains'} ${label}.` };
}
