import { z } from '../../../shared/zod.ts';
import { checkId, type CheckDefinition } from '../check-type.ts';
import { checkCitationsPresent } from '../citation-checks.ts';

/** The answer cites at least one source (see {@link checkCitationsPresent}). */
export interface CitationsPresentCheckSpec {
	readonly id: string;
	readonly type: 'citations-present';
}

export const citationsPresentCheck: CheckDefinition<CitationsPresentCheckSpec> = {
	type: 'citations-present',
	schema: z.object({ id: checkId, type: z.literal('citations-present') }).strict(),
	compile:
		() =>
		({ answer, sources }) =>
			checkCitationsPresent(answer, sources)
};
