import { z } from '../../../shared/zod.ts';
import { checkId, type CheckDefinition } from '../check-type.ts';
import { checkCitationsValid } from '../citation-checks.ts';

/** Every number the answer cites names a source it was given (see {@link checkCitationsValid}). */
export interface CitationsValidCheckSpec {
	readonly id: string;
	readonly type: 'citations-valid';
}

export const citationsValidCheck: CheckDefinition<CitationsValidCheckSpec> = {
	type: 'citations-valid',
	schema: z.object({ id: checkId, type: z.literal('citations-valid') }).strict(),
	compile:
		() =>
		({ answer, sources }) =>
			checkCitationsValid(answer, sources)
};
