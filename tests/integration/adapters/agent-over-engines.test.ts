import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MLCEngineInterface } from '@mlc-ai/web-llm';
import { CfworkerSchemaValidator } from '../../../src/lib/adapters/json-schema-validator.ts';
import { OpenAiChatModel } from '../../../src/lib/adapters/openai-chat.ts';
import { WebLlmChatModel } from '../../../src/lib/adapters/webllm-chat.ts';
import { denyAllPolicy } from '../../../src/lib/agents/approval.ts';
import { runAgent } from '../../../src/lib/agents/loop.ts';
import type { Tool } from '../../../src/lib/agents/types.ts';

// The agent loop over each real engine adapter: tool calls made by the engine run, their results
// go back in the engine's own format, and the model answers.

/** A read-only tool that records its arguments and answers `answer`. */
function tool(name: string, property: string, answer: string) {
	const calls: Record<string, unknown>[] = [];
	const t: Tool = {
		definition: {
			name,
			description: `${name} tool`,
			inputSchema: { type: 'object', properties: { [property]: { type: 'string' } }, required: [property], additionalProperties: false },
			version: 'v1',
			effect: 'read-only',
			source: { kind: 'builtin' }
		},
		run: async (args) => {
			calls.push({ ...args });
			return { content: answer, documentRefs: [answer] };
		}
	};
	return { tool: t, calls };
}

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

const sse = (obj: unknown) => `data: ${JSON.stringify(obj)}\n\n`;
const callDelta = (pieces: unknown[]) => sse({ choices: [{ index: 0, delta: { tool_calls: pieces }, finish_reason: null }] });

describe('runAgent over the OpenAI-compatible engine', () => {
	it('two parallel calls streamed as interleaved deltas both run, go back as tool messages with their ids, and the model answers', async () => {
		const bodies: { messages: Record<string, unknown>[]; tools?: unknown[] }[] = [];
		server = createServer((req, res) => {
			let body = '';
			req.on('data', (c: Buffer) => (body += c.toString()));
			req.on('end', () => {
				bodies.push(JSON.parse(body) as (typeof bodies)[number]);
				res.writeHead(200, { 'content-type': 'text/event-stream' });
				if (bodies.length === 1)
					return res.end(
						callDelta([{ index: 0, id: 'chatcmpl-tool-1', type: 'function', function: { name: 'search', arguments: '' } }]) +
							callDelta([{ index: 1, id: 'chatcmpl-tool-2', type: 'function', function: { name: 'read', arguments: '{"chunk' } }]) +
							callDelta([{ index: 0, function: { arguments: '{"q": "flutter"}' } }]) +
							callDelta([{ index: 1, function: { arguments: '_id": "d7#3"}' } }]) +
							sse({ choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] }) +
							sse({ choices: [], usage: { prompt_tokens: 100, completion_tokens: 20 } }) +
							'data: [DONE]\n\n'
					);
				res.end(
					sse({ choices: [{ index: 0, delta: { content: 'Flutter is in d7 [1].' }, finish_reason: 'stop' }] }) +
						sse({ choices: [], usage: { prompt_tokens: 160, completion_tokens: 8 } }) +
						'data: [DONE]\n\n'
				);
			});
		});
		await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
		const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
		const search = tool('search', 'q', 'd7');
		const read = tool('read', 'chunk_id', 'd7 text');
		const run = await runAgent({
			task: 'Where is flutter studied?',
			model: new OpenAiChatModel({ baseUrl, model: 'qwen' }),
			tools: [search.tool, read.tool],
			approval: denyAllPolicy(),
			validator: new CfworkerSchemaValidator()
		});
		expect(run.stopReason).toBe('final_answer');
		expect(run.answer).toBe('Flutter is in d7 [1].');
		expect(search.calls).toEqual([{ q: 'flutter' }]);
		expect(read.calls).toEqual([{ chunk_id: 'd7#3' }]);
		expect(run.steps[0]!.calls.map((c) => [c.id, c.status])).toEqual([
			['chatcmpl-tool-1', 'ok'],
			['chatcmpl-tool-2', 'ok']
		]);
		expect(run.usage).toEqual({ inputTokens: 260, outputTokens: 28 });
		const second = bodies[1]!.messages;
		expect(second.find((m) => m.role === 'assistant')).toMatchObject({
			tool_calls: [
				{ id: 'chatcmpl-tool-1', type: 'function', function: { name: 'search', arguments: '{"q": "flutter"}' } },
				{ id: 'chatcmpl-tool-2', type: 'function', function: { name: 'read', arguments: '{"chunk_id": "d7#3"}' } }
			]
		});
		expect(second.filter((m) => m.role === 'tool').map((m) => m.tool_call_id)).toEqual(['chatcmpl-tool-1', 'chatcmpl-tool-2']);
		expect(bodies[0]!.tools).toHaveLength(2);
	});
});

describe('runAgent over the WebLLM engine (fake engine, Hermes prompting)', () => {
	it('a <tool_call> written as text runs, its result goes back as a user <tool_response> turn, never a tool role, and the answer is clean', async () => {
		const requests: { messages: { role: string; content: string }[]; response_format?: unknown }[] = [];
		const engine = {
			interruptGenerate: () => {},
			chat: {
				completions: {
					create: async (body: (typeof requests)[number]) => {
						requests.push(body);
						const answered = body.messages.some((m) => m.role === 'user' && m.content.includes('<tool_response>'));
						const pieces = answered
							? ['Flutter is ', 'in d7 [1].']
							: ['<think>\n\n</think>\n\n', 'Searching.\n<tool', '_call>\n{"name": "search", "arguments": {"q": "flutter"}}\n</tool_call>'];
						return (async function* () {
							for (const p of pieces) yield { choices: [{ delta: { content: p }, finish_reason: null }] };
							yield { choices: [{ delta: { content: '' }, finish_reason: 'stop' }] };
						})();
					}
				}
			}
		} as unknown as MLCEngineInterface;
		const search = tool('search', 'q', 'd7');
		const run = await runAgent({
			task: 'Where is flutter studied?',
			model: new WebLlmChatModel(engine, 'Qwen3-1.7B-q4f16_1-MLC'),
			tools: [search.tool],
			approval: denyAllPolicy(),
			validator: new CfworkerSchemaValidator()
		});
		expect(run.stopReason).toBe('final_answer');
		expect(run.answer).toBe('Flutter is in d7 [1].');
		expect(run.steps[0]!.text).toBe('Searching.');
		expect(search.calls).toEqual([{ q: 'flutter' }]);
		expect(requests).toHaveLength(2);
		expect(requests.flatMap((r) => r.messages.map((m) => m.role))).not.toContain('tool');
		expect(requests[1]!.messages.at(-1)!.content).toMatch(/^<tool_response>\n<tool_result name="search"[^>]*>/);
		expect(requests[1]!.messages.at(-2)!.content).toContain('<tool_call>\n{"name": "search", "arguments": {"q":"flutter"}}\n</tool_call>');
		expect(requests.every((r) => r.response_format !== undefined)).toBe(true);
	});
});
