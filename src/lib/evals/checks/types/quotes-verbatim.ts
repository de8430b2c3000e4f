import { z } from '../../../shared/zod.ts';
import { checkId, type CheckDefinition } from '../check-type.ts';
import { checkQuotesVerbatim } from '../citation-checks.ts';

/** Every quotation the answer attributes to a source is verbatim in it (see {@link checkQuotesVerbatim}). */
export interface QuotesVerbatimCheckSpec {
	readonly id: string;
	readonly type: 'quotes-verbatim';
}

export const quotesVerbatimCheck: CheckDefinition<QuotesVerbatimCheckSpec> = {
	type: 'quotes-verbatim',
	schema: z.object({ id: checkId, type: z.literal('quotes-verbatim') }).strict(),
	compile:
		() =>
		({ answer, sources }) =>
			checkQuotesVerbatim(answer, sources)
};
