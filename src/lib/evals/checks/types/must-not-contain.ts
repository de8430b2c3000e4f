import { z } from '../../../shared/zod.ts';
import { checkId, type CheckDefinition } from '../check-type.ts';
import { patternCheck, patternShape, type PatternFields } from './pattern.ts';

/** The answer neither contains the literal `text` nor matches the `regex` (see {@link PatternFields}). */
export interface MustNotContainCheckSpec extends PatternFields {
	readonly type: 'must-not-contain';
}

export const mustNotContainCheck: CheckDefinition<MustNotContainCheckSpec> = {
	type: 'must-not-contain',
	schema: z.object({ id: checkId, type: z.literal('must-not-contain'), ...patternShape }).strict(),
	compile: (spec) => patternCheck(spec, false)
};
