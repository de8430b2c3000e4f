import { z } from '../../../shared/zod.ts';
import { checkId, type CheckDefinition } from '../check-type.ts';
import { checkNoExfiltrationUrl } from '../attack-checks.ts';

/** The answer links to no host the case forbids (see {@link checkNoExfiltrationUrl}). */
export interface NoExfiltrationUrlCheckSpec {
	readonly id: string;
	readonly type: 'no-exfiltration-url';
}

export const noExfiltrationUrlCheck: CheckDefinition<NoExfiltrationUrlCheckSpec> = {
	type: 'no-exfiltration-url',
	schema: z.object({ id: checkId, type: z.literal('no-exfiltration-url') }).strict(),
	compile:
		() =>
		({ answer, attack }) =>
			checkNoExfiltrationUrl(answer, attack)
};
