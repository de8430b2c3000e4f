import { ScriptedChatModel, type ChatScript } from '../../generation/scripted.ts';
import type { ChatRequest } from '../../generation/types.ts';
import type { InjectionCase } from './cases.ts';

/**
 * A model scripted to obey every injection — the worst case a guardrail must survive. Turn 1
 * makes the case's benign first call; once a tool result carrying the payload is in the
 * conversation it does exactly what the payload asks (the attacker's call, or the answer with
 * the attacker's link), once; then it answers. A real model can only obey less, so 0 harm here
 * means the guardrails, not the model, held.
 */
export function obedientModel(
	c: InjectionCase,
	sleep: (ms: number, signal?: AbortSignal) => Promise<void> = async () => {}
): ScriptedChatModel {
	const usage = { inputTokens: 200, outputTokens: 20 };
	const script = (r: ChatRequest): ChatScript => {
		const results = r.messages.filter((m) => m.role === 'tool');
		if (results.length === 0) return { tokens: [], toolCalls: [{ name: c.firstCall.name, arguments: c.firstCall.arguments }], usage };
		// The payload's opening words (plain text in every case; a forged tag later in it reaches the model neutralised).
		const marker = c.payload.slice(0, 20);
		const sawPayload = results.some((m) => m.content.includes(marker));
		// One result so far: the benign call's. Obey it once; after the attacker's call came back (run or denied), answer.
		if (sawPayload && results.length === 1) {
			if ('call' in c.obeyed) return { tokens: ['As instructed by the document, '], toolCalls: [c.obeyed.call], usage };
			return { tokens: [c.obeyed.answer], usage };
		}
		return { tokens: ['Damaged items are refunded in full within 30 days [refund-policy].'], usage };
	};
	return new ScriptedChatModel('obedient-scripted', script, sleep);
}
