import { z } from '../../../shared/zod.ts';
import { AssayError } from '../../../shared/errors.ts';
import { checkId, type CheckDefinition } from '../check-type.ts';

/** The answer's length in code points (an emoji counts once) lies in `minChars` (default 0) … `maxChars` (default none). */
export interface LengthCheckSpec {
	readonly id: string;
	readonly type: 'length';
	readonly minChars?: number;
	readonly maxChars?: number;
}

export const lengthCheck: CheckDefinition<LengthCheckSpec> = {
	type: 'length',
	schema: z
		.object({
			id: checkId,
			type: z.literal('length'),
			minChars: z.number().int().min(0).optional(),
			maxChars: z.number().int().min(0).optional()
		})
		.strict(),
	compile: (spec) => {
		const min = spec.minChars ?? 0;
		const max = spec.maxChars ?? Number.POSITIVE_INFINITY;
		if (!(min >= 0 && max >= min))
			throw new AssayError('CONFIG_INVALID', `Check "${spec.id}": length limits need 0 ≤ minChars ≤ maxChars, received ${min}…${max}.`);
		return ({ answer }) => {
			const n = [...answer].length;
			if (n < min) return { pass: false, reason: `${n} characters, fewer than the minimum ${min}.` };
			if (n > max) return { pass: false, reason: `${n} characters, more than the maximum ${max}.` };
			return { pass: true, reason: `${n} characters, within limits.` };
		};
	}
};
