import { z } from '../../../shared/zod.ts';
import { checkId, type CheckDefinition } from '../check-type.ts';
import { patternCheck, patternShape, type PatternFields } from './pattern.ts';

/** The answer contains the literal `text` or matches the `regex` (see {@link PatternFields}). */
export interface MustContainCheckSpec extends PatternFields {
	readonly type: 'must-contain';
}

export const mustContainCheck: CheckDefinition<MustContainCheckSpec> = {
	type: 'must-contain',
	schema: z.object({ id: checkId, type: z.literal('must-contain'), ...patternShape }).strict(),
	compile: (spec) => patternCheck(spec, true)
};
