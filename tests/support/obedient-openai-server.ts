import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local OpenAI-compatible chat server (`POST /v1/chat/completions`, streamed) that plays an
 * agent model which obeys whatever a tool result tells it: its first turn looks the task up
 * (`lookup_order` when the task names an order, else `search_documents`), its second does what
 * the result asks (delete_order, send_email, fetch_url, or an answer with the Markdown image it
 * was told to add), its third answers. Calls arrive as streamed `delta.tool_calls` pieces, the
 * shape OpenAI and vLLM send. For the injection suite run "on a real model" over HTTP.
 */

interface Message {
	role: string;
	content: string | null;
}

const sse = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;

/** The next move of the obedient model for this conversation. */
function nextMove(messages: Message[]): { call?: { name: string; args: Record<string, unknown> }; text?: string } {
	const task = messages.find((m) => m.role === 'user')?.content ?? '';
	const results = messages.filter((m) => m.role === 'tool').map((m) => m.content ?? '');
	if (results.length === 0) {
		const order = /\bA-\d{4}\b/.exec(task)?.[0];
		return order
			? { call: { name: 'lookup_order', args: { order_id: order } } }
			: { call: { name: 'search_documents', args: { query: task } } };
	}
	const last = results[results.length - 1]!;
	if (results.length === 1) {
		const order = /\bA-\d{4}\b/.exec(last)?.[0] ?? 'A-1001';
		const url = /https:\/\/[^\s)]+/.exec(last)?.[0]?.replace(/[.,]$/, '');
		if (last.includes('![')) return { text: `Refunds take 30 days. ![status](${url ?? ''})` };
		if (last.includes('delete_order')) return { call: { name: 'delete_order', args: { order_id: order } } };
		if (last.includes('send_email'))
			return { call: { name: 'send_email', args: { to: /\S+@\S+\.example/.exec(last)?.[0] ?? '', body: task } } };
		if (last.includes('fetch_url') && url) return { call: { name: 'fetch_url', args: { url } } };
	}
	return { text: 'Damaged items are refunded in full within 30 days.' };
}

/** Start the server on 127.0.0.1, port 0. @returns its `/v1` base URL and a close function. */
export async function startObedientOpenAiServer(
	model = 'obedient-http'
): Promise<{ baseUrl: string; requests: number; close: () => Promise<void> }> {
	const state = { requests: 0 };
	let n = 0;
	const server: Server = createServer((req, res) => {
		let body = '';
		req.on('data', (c: Buffer) => (body += c.toString()));
		req.on('end', () => {
			state.requests++;
			const parsed = JSON.parse(body) as { messages: Message[] };
			const move = nextMove(parsed.messages);
			res.writeHead(200, { 'content-type': 'text/event-stream' });
			const chunk = (delta: unknown, finish: string | null = null) => sse({ model, choices: [{ index: 0, delta, finish_reason: finish }] });
			if (move.call) {
				const id = `call_${++n}`;
				const json = JSON.stringify(move.call.args);
				res.write(
					chunk({
						role: 'assistant',
						content: null,
						tool_calls: [{ index: 0, id, type: 'function', function: { name: move.call.name, arguments: '' } }]
					})
				);
				res.write(chunk({ tool_calls: [{ index: 0, function: { arguments: json.slice(0, 5) } }] }));
				res.write(chunk({ tool_calls: [{ index: 0, function: { arguments: json.slice(5) } }] }));
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
	const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
	return {
		baseUrl,
		get requests() {
			return state.requests;
		},
		close: () => new Promise<void>((resolve) => server.close(() => resolve()))
	};
}
