import { z } from '../../../shared/zod.ts';
import { checkId, type CheckDefinition } from '../check-type.ts';

/** The answer holds none of `phrases` (case-insensitive substring; empty phrases ignored). */
export interface BannedPhrasesCheckSpec {
	readonly id: string;
	readonly type: 'banned-phrases';
	readonly phrases: readonly string[];
}

export const bannedPhrasesCheck: CheckDefinition<BannedPhrasesCheckSpec> = {
	type: 'banned-phrases',
	schema: z.object({ id: checkId, type: z.literal('banned-phrases'), phrases: z.array(z.string()).min(1) }).strict(),
	compile: (spec) => {
		const phrases = spec.phrases.map((p) => p.toLocaleLowerCase('en'));
		return ({ answer }) => {
			const lower = answer.toLocaleLowerCase('en');
			const hits = phrases.filter((p) => p !== '' && lower.includes(p));
			return hits.length === 0
				? { pass: true, reason: 'No banned phrase.' }
				: { pass: false, reason: `Banned phrase(s): ${hits.map((h) => `"${h}"`).join(', ')}.` };
		};
	}
};
