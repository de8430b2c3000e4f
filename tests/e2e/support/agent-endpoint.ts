import type { Route } from '@playwright/test';

/**
 * A scripted OpenAI-compatible agent for e2e tests: each request gets the turn its conversation
 * has reached (the number of `tool` messages in it), streamed as a real server does — text as
 * `delta.content`, calls as `delta.tool_calls` pieces by `index` (id and name first, then the
 * arguments in two pieces), finish `tool_calls`, a usage chunk, `[DONE]`.
 */

/** What the page sent: the request body, as the OpenAI adapter writes it. */
export interface AgentRequestBody {
	model: string;
	max_tokens: number;
	tools?: { type: string; function: { name: string; description: string; parameters: unknown } }[];
	messages: { role: string; content: string | null; tool_call_id?: string; tool_calls?: unknown[] }[];
}

/** One scripted turn: text, then calls (arguments as an object, or raw text for a malformed call). */
export interface AgentTurn {
	text?: string;
	calls?: { name: string; arguments: object | string }[];
	usage?: { prompt_tokens: number; completion_tokens: number };
}

const CORS = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*', 'access-control-allow-methods': 'POST, OPTIONS' };

/** The SSE body of one turn; call ids are `call_<turn>_<n>`. */
export function agentTurnSse(turn: AgentTurn, turnIndex: number): string {
	const chunk = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;
	const choice = (delta: unknown, finish: string | null = null) => chunk({ choices: [{ index: 0, delta, finish_reason: finish }] });
	let body = choice({ role: 'assistant', content: '' });
	for (const piece of (turn.text ?? '').match(/.{1,12}/gsu) ?? []) body += choice({ content: piece });
	(turn.calls ?? []).forEach((call, index) => {
		const args = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
		const cut = Math.ceil(args.length / 2);
		body += choice({
			tool_calls: [{ index, id: `call_${turnIndex}_${index + 1}`, type: 'function', function: { name: call.name, arguments: '' } }]
		});
		body += choice({ tool_calls: [{ index, function: { arguments: args.slice(0, cut) } }] });
		body += choice({ tool_calls: [{ index, function: { arguments: args.slice(cut) } }] });
	});
	body += choice({}, (turn.calls?.length ?? 0) > 0 ? 'tool_calls' : 'stop');
	body += chunk({ choices: [], usage: { ...(turn.usage ?? { prompt_tokens: 100, completion_tokens: 10 }), total_tokens: 0 } });
	return body + 'data: [DONE]\n\n';
}

/**
 * Answer each request with `script(body, turnIndex)`, where `turnIndex` (0-based) is the number of
 * tool results in the conversation so far (use with `routeLlm`, which records the bodies).
 */
export function scriptedAgent(script: (body: AgentRequestBody, turnIndex: number) => AgentTurn): (route: Route) => Promise<void> {
	return async (route) => {
		const body = route.request().postDataJSON() as AgentRequestBody;
		const turnIndex = body.messages.filter((m) => m.role === 'tool').length;
		await route.fulfill({
			status: 200,
			headers: { ...CORS, 'content-type': 'text/event-stream' },
			body: agentTurnSse(script(body, turnIndex), turnIndex)
		});
	};
}

/** The text of the last tool result the page sent (the loop wraps it as `<tool_result …>…</tool_result>`). */
export function lastToolResult(body: AgentRequestBody): string {
	return body.messages.filter((m) => m.role === 'tool').at(-1)?.content ?? '';
}

/**
 * The first hit's document reference and chunk id in a `search_documents` result as the model
 * reads it (`[1] <ref> — <title> (chunk <id>, score x)`).
 * @throws Error when the text has no first hit.
 */
export function firstSearchHit(result: string): { ref: string; chunkId: string } {
	const m = /\[1\] (\S+) — .*?\(chunk ([^,\s)]+)/u.exec(result);
	if (!m) throw new Error(`no hit in the search result the model got:\n${result}`);
	return { ref: m[1]!, chunkId: m[2]! };
}

/**
 * A three-step script: search for `query`, read the first hit's chunk, answer citing its document
 * (the hit is read from the conversation, so the script keeps no state between requests).
 */
export function searchReadAnswer(query: string, answer: (ref: string) => string): (body: AgentRequestBody, turn: number) => AgentTurn {
	return (body, turn) => {
		if (turn === 0) return { text: 'I will search the documents.', calls: [{ name: 'search_documents', arguments: { query, top_k: 3 } }] };
		const hit = firstSearchHit(body.messages.find((m) => m.role === 'tool')?.content ?? '');
		if (turn === 1) return { calls: [{ name: 'read_chunk', arguments: { chunk_id: hit.chunkId } }] };
		return { text: answer(hit.ref), usage: { prompt_tokens: 300, completion_tokens: 12 } };
	};
}
