import { z } from '../../../shared/zod.ts';
import { checkId, parseJson, type CheckDefinition } from '../check-type.ts';

/** The answer is a JSON object holding every one of `fields` (top level). */
export interface RequiredFieldsCheckSpec {
	readonly id: string;
	readonly type: 'required-fields';
	readonly fields: readonly string[];
}

export const requiredFieldsCheck: CheckDefinition<RequiredFieldsCheckSpec> = {
	type: 'required-fields',
	schema: z.object({ id: checkId, type: z.literal('required-fields'), fields: z.array(z.string().min(1)).min(1) }).strict(),
	compile:
		(spec) =>
		({ answer }) => {
			const parsed = parseJson(answer);
			if (!parsed.ok) return { pass: false, reason: parsed.reason };
			const value = parsed.value;
			if (typeof value !== 'object' || value === null || Array.isArray(value))
				return { pass: false, reason: 'The answer is JSON but not an object.' };
			const missing = spec.fields.filter((f) => !(f in value));
			return missing.length === 0
				? { pass: true, reason: 'All required fields present.' }
				: { pass: false, reason: `Missing field(s): ${missing.join(', ')}.` };
		}
};
