import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local OpenAI-compatible chat server (`POST /v1/chat/completions`, streamed) that plays a
 * scripted agent model: for the conversation's task (the first user message) and turn (how many
 * assistant messages it holds), `script` says which tool calls to make — streamed as
 * `delta.tool_calls` pieces (id and name first, the arguments in three pieces, several calls
 * interleaved by `index`), the shape OpenAI and vLLM send — or which text to answer. `script` sees
 * the last tool result, so a turn can use what a search returned. Every turn reports 120 prompt
 * and 12 completion tokens.
 */

interface Message {
	role: string;
	content: string | null;
}

/** One scripted turn: calls or a text answer. */
export type ScriptedMove = { readonly calls: readonly { name: string; args: Record<string, unknown> }[] } | { readonly text: string };

/** Picks the move of `turn` (0-based) for `task`, given the last tool result's text (or ''). */
export type AgentServerScript = (task: string, turn: number, lastToolResult: string) => ScriptedMove;

const sse = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;

/** Start the server on 127.0.0.1, port 0. @returns its `/v1` base URL, the request count and a close function. */
export async function startScriptedAgentServer(
	script: AgentServerScript,
	model = 'scripted-http-agent'
): Promise<{ baseUrl: string; readonly requests: number; close: () => Promise<void> }> {
	const state = { requests: 0 };
	let n = 0;
	const server: Server = createServer((req, res) => {
		let body = '';
		req.on('data', (c: Buffer) => (body += c.toString()));
		req.on('end', () => {
			state.requests++;
			const messages = (JSON.parse(body) as { messages: Message[] }).messages;
			const task = messages.find((m) => m.role === 'user')?.content ?? '';
			const turn = messages.filter((m) => m.role === 'assistant').length;
			const last = messages.filter((m) => m.role === 'tool').at(-1)?.content ?? '';
			const move = script(task, turn, last);
			res.writeHead(200, { 'content-type': 'text/event-stream' });
			const chunk = (delta: unknown, finish: string | null = null) => sse({ model, choices: [{ index: 0, delta, finish_reason: finish }] });
			if ('calls' in move) {
				const calls = move.calls.map((c, index) => ({ index, id: `call_${++n}`, name: c.name, json: JSON.stringify(c.args) }));
				res.write(
					chunk({
						role: 'assistant',
						content: null,
						tool_calls: calls.map((c) => ({ index: c.index, id: c.id, type: 'function', function: { name: c.name, arguments: '' } }))
					})
				);
				for (const part of [0, 1, 2])
					for (const c of calls) {
						const third = Math.ceil(c.json.length / 3);
						res.write(chunk({ tool_calls: [{ index: c.index, function: { arguments: c.json.slice(part * third, (part + 1) * third) } }] }));
					}
				res.write(chunk({}, 'tool_calls'));
			} else {
				res.write(chunk({ role: 'assistant', content: move.text }));
				res.write(chunk({}, 'stop'));
			}
			res.write(sse({ model, choices: [], usage: { prompt_tokens: 120, completion_tokens: 12 } }));
			res.end('data: [DONE]\n\n');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
		get requests() {
			return state.requests;
		},
		close: () => new Promise<void>((resolve) => server.close(() => resolve()))
	};
}
