import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OpenAiChatModel } from '../../../src/lib/adapters/openai-chat.ts';
import { sleepFor } from '../../../src/lib/shared/http/retry.ts';
import type { ModelStreamEvent } from '../../../src/lib/generation/index.ts';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** Start a mock OpenAI-compatible server; returns its `/v1` base URL. */
async function serve(handler: (req: IncomingMessage, body: string, res: ServerResponse) => void): Promise<string> {
	server = createServer((req, res) => {
		let body = '';
		req.on('data', (c: Buffer) => (body += c.toString()));
		req.on('end', () => handler(req, body, res));
	});
	await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
	return `http://127.0.0.1:${(server!.address() as AddressInfo).port}/v1`;
}

const sse = (obj: unknown) => `data: ${JSON.stringify(obj)}\n\n`;
const delta = (content: string, finish: string | null = null) =>
	sse({ choices: [{ index: 0, delta: { content }, finish_reason: finish }] });
const req = { messages: [{ role: 'user' as const, content: 'hi' }], maxTokens: 16 };

async function collect(it: AsyncIterable<ModelStreamEvent>): Promise<ModelStreamEvent[]> {
	const out: ModelStreamEvent[] = [];
	for await (const e of it) out.push(e);
	return out;
}

describe('OpenAiChatModel against a local mock server', () => {
	it('streams tokens split across network writes, then usage and done', async () => {
		const base = await serve((_req, _body, res) => {
			res.writeHead(200, { 'content-type': 'text/event-stream' });
			const all =
				delta('Hel') +
				delta('lo [1]') +
				delta('', 'stop') +
				sse({ choices: [], usage: { prompt_tokens: 12, completion_tokens: 3 } }) +
				'data: [DONE]\n\n';
			// Cut mid-line to prove the reader buffers partial events.
			res.write(all.slice(0, 17));
			setTimeout(() => res.end(all.slice(17)), 20);
		});
		const events = await collect(new OpenAiChatModel({ baseUrl: base, model: 'm' }).stream(req));
		expect(events).toEqual([
			{ type: 'token', text: 'Hel' },
			{ type: 'token', text: 'lo [1]' },
			{ type: 'usage', usage: { inputTokens: 12, outputTokens: 3 } },
			{ type: 'done', finishReason: 'stop' }
		]);
	});

	it('sends the model, streaming options, max_tokens and the bearer key', async () => {
		let seen: { auth?: string; body?: Record<string, unknown> } = {};
		const base = await serve((r, body, res) => {
			seen = { auth: r.headers.authorization!, body: JSON.parse(body) as Record<string, unknown> };
			res.writeHead(200, { 'content-type': 'text/event-stream' });
			res.end('data: [DONE]\n\n');
		});
		await collect(new OpenAiChatModel({ baseUrl: `${base}/`, model: 'qwen', apiKey: 'sk-test' }).stream(req));
		expect(seen.auth).toBe('Bearer sk-test');
		expect(seen.body).toMatchObject({
			model: 'qwen',
			stream: true,
			stream_options: { include_usage: true },
			max_tokens: 16,
			messages: req.messages
		});
	});

	it('reports finish reason length when the server cut the output', async () => {
		const base = await serve((_r, _b, res) => {
			res.writeHead(200, { 'content-type': 'text/event-stream' });
			res.end(delta('a') + delta('', 'length') + 'data: [DONE]\n\n');
		});
		const events = await collect(new OpenAiChatModel({ baseUrl: base, model: 'm' }).stream(req));
		expect(events.at(-1)).toEqual({ type: 'done', finishReason: 'length' });
	});

	it('turns an HTTP error into a typed LLM_REQUEST_FAILED event with the status', async () => {
		const base = await serve((_r, _b, res) => {
			res.writeHead(500);
			res.end('model not loaded');
		});
		const events = await collect(new OpenAiChatModel({ baseUrl: base, model: 'm' }).stream(req));
		expect(events).toEqual([
			{
				type: 'error',
				error: expect.objectContaining({ code: 'LLM_REQUEST_FAILED', message: expect.stringContaining('HTTP 500: model not loaded') })
			}
		]);
	});

	it('maps a server context-length error to CONTEXT_WINDOW_EXCEEDED', async () => {
		const base = await serve((_r, _b, res) => {
			res.writeHead(400);
			res.end('{"error":{"message":"This model\'s maximum context length is 4096 tokens"}}');
		});
		const events = await collect(new OpenAiChatModel({ baseUrl: base, model: 'm' }).stream(req));
		expect(events[0]).toMatchObject({ type: 'error', error: { code: 'CONTEXT_WINDOW_EXCEEDED' } });
	});

	it('turns an unreachable server into a typed error, not a throw', async () => {
		const base = await serve((_r, _b, res) => res.end());
		await new Promise<void>((resolve) => server!.close(() => resolve()));
		server = undefined;
		const sleeps: number[] = [];
		const model = new OpenAiChatModel({ baseUrl: base, model: 'm' }, undefined, {
			sleep: (ms) => {
				sleeps.push(ms);
				return Promise.resolve();
			},
			random: () => 0.5
		});
		const events = await collect(model.stream(req));
		expect(events[0]).toMatchObject({
			type: 'error',
			error: { code: 'LLM_REQUEST_FAILED', details: { retryExhausted: true, attempts: 5, lastStatus: null } }
		});
		// Four retries with full-jitter backoff (random 0.5 × 500 ms × 2^n) before giving up.
		expect(sleeps).toEqual([250, 500, 1000, 2000]);
	});

	it('retries a 429 with Retry-After before the stream starts, then streams the answer', async () => {
		let requests = 0;
		const base = await serve((_r, _b, res) => {
			requests++;
			if (requests === 1) {
				res.writeHead(429, { 'retry-after': '3' });
				return res.end('slow down');
			}
			res.writeHead(200, { 'content-type': 'text/event-stream' });
			res.end(delta('ok') + delta('', 'stop') + 'data: [DONE]\n\n');
		});
		const sleeps: number[] = [];
		const model = new OpenAiChatModel({ baseUrl: base, model: 'm' }, undefined, {
			sleep: (ms) => {
				sleeps.push(ms);
				return Promise.resolve();
			}
		});
		const events = await collect(model.stream(req));
		expect(events).toEqual([
			{ type: 'token', text: 'ok' },
			{ type: 'done', finishReason: 'stop' }
		]);
		expect(requests).toBe(2);
		expect(sleeps).toEqual([3000]);
	});

	it('a 503 on every attempt ends in LLM_REQUEST_FAILED naming the status and the attempts', async () => {
		let requests = 0;
		const base = await serve((_r, _b, res) => {
			requests++;
			res.writeHead(503);
			res.end('model is loading');
		});
		const model = new OpenAiChatModel({ baseUrl: base, model: 'm', retry: { maxRetries: 2 } }, undefined, {
			sleep: () => Promise.resolve()
		});
		const events = await collect(model.stream(req));
		expect(events).toEqual([
			{
				type: 'error',
				error: expect.objectContaining({
					code: 'LLM_REQUEST_FAILED',
					message: expect.stringContaining('after 3 attempts; the last one got HTTP 503: model is loading'),
					details: expect.objectContaining({ lastStatus: 503, retryExhausted: true })
				})
			}
		]);
		expect(requests).toBe(3);
	});

	it('a backoff wait longer than the idle timeout does not count as the server being idle', async () => {
		let requests = 0;
		const base = await serve((_r, _b, res) => {
			requests++;
			if (requests === 1) {
				res.writeHead(503, { 'retry-after': '0' });
				return res.end();
			}
			res.writeHead(200, { 'content-type': 'text/event-stream' });
			res.end(delta('ok', 'stop') + 'data: [DONE]\n\n');
		});
		// The wait (1.5 s) outlasts the idle timeout (1 s): timers fire in deadline order, so a
		// watch left running during it would abort first. A second is room enough for the reply
		// itself on a loaded machine (100 ms was not, with every core busy).
		const model = new OpenAiChatModel({ baseUrl: base, model: 'm', idleTimeoutMs: 1000 }, undefined, {
			sleep: (_ms, signal) => sleepFor(1500, signal)
		});
		const events = await collect(model.stream(req));
		expect(events).toEqual([
			{ type: 'token', text: 'ok' },
			{ type: 'done', finishReason: 'stop' }
		]);
	});

	it('ends with finish reason abort when stopped mid-stream', async () => {
		const base = await serve((_r, _b, res) => {
			res.writeHead(200, { 'content-type': 'text/event-stream' });
			res.write(delta('first'));
			const timer = setInterval(() => res.write(delta(' more')), 10);
			res.on('close', () => clearInterval(timer));
		});
		const ac = new AbortController();
		const events: ModelStreamEvent[] = [];
		for await (const e of new OpenAiChatModel({ baseUrl: base, model: 'm' }).stream(req, ac.signal)) {
			events.push(e);
			if (e.type === 'token') ac.abort();
		}
		expect(events).toEqual([
			{ type: 'token', text: 'first' },
			{ type: 'done', finishReason: 'abort' }
		]);
	});
});

describe('OpenAiChatModel on servers that cut or do not stream', () => {
	it('a stream that closes without a finish reason or [DONE] is a typed LLM_GENERATION_FAILED after the text so far, not a finished answer', async () => {
		const base = await serve((_r, _b, res) => {
			res.writeHead(200, { 'content-type': 'text/event-stream' });
			res.end(delta('The answer is cut mid-sen'));
		});
		const events = await collect(new OpenAiChatModel({ baseUrl: base, model: 'm' }).stream(req));
		expect(events).toEqual([
			{ type: 'token', text: 'The answer is cut mid-sen' },
			{
				type: 'error',
				error: expect.objectContaining({
					code: 'LLM_GENERATION_FAILED',
					message: expect.stringContaining('ended before the server finished')
				})
			}
		]);
	});

	it('a server that ignores stream: true and answers one JSON completion is read as that completion', async () => {
		const base = await serve((_r, _b, res) => {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(
				JSON.stringify({
					choices: [{ message: { role: 'assistant', content: 'Whole answer [1].' }, finish_reason: 'length' }],
					usage: { prompt_tokens: 9, completion_tokens: 4 }
				})
			);
		});
		const events = await collect(new OpenAiChatModel({ baseUrl: base, model: 'm' }).stream(req));
		expect(events).toEqual([
			{ type: 'token', text: 'Whole answer [1].' },
			{ type: 'usage', usage: { inputTokens: 9, outputTokens: 4 } },
			{ type: 'done', finishReason: 'length' }
		]);
	});

	it('a JSON answer without a message is a typed error, not an empty answer', async () => {
		const base = await serve((_r, _b, res) => {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end('{"object": "chat.completion"}');
		});
		const events = await collect(new OpenAiChatModel({ baseUrl: base, model: 'm' }).stream(req));
		expect(events).toEqual([
			{
				type: 'error',
				error: expect.objectContaining({
					code: 'LLM_REQUEST_FAILED',
					message: expect.stringContaining('without choices[0].message.content')
				})
			}
		]);
	});
});

describe('OpenAiChatModel on a server that goes silent', () => {
	it('gives up after the idle timeout with a typed LLM_REQUEST_FAILED instead of waiting forever', async () => {
		const base = await serve((_r, _b, res) => {
			res.writeHead(200, { 'content-type': 'text/event-stream' });
			res.write(delta('first'));
			// …and then nothing, with the connection left open.
		});
		const events = await collect(new OpenAiChatModel({ baseUrl: base, model: 'm', idleTimeoutMs: 150 }).stream(req));
		expect(events).toEqual([
			{ type: 'token', text: 'first' },
			{ type: 'error', error: expect.objectContaining({ code: 'LLM_REQUEST_FAILED', message: expect.stringContaining('idle timeout') }) }
		]);
		server!.closeAllConnections();
	});

	it('a server that never answers the request at all also times out', async () => {
		const base = await serve(() => {});
		const events = await collect(new OpenAiChatModel({ baseUrl: base, model: 'm', idleTimeoutMs: 150 }).stream(req));
		expect(events).toEqual([
			{ type: 'error', error: expect.objectContaining({ code: 'LLM_REQUEST_FAILED', message: expect.stringContaining('idle timeout') }) }
		]);
		server!.closeAllConnections();
	});
});

describe('case sse-01: comments, data: without a space, CRLF split across reads, keep-alives during a long prefill', () => {
	const dir = 'tests/fixtures/cases/sse-01-comments-nospace-keepalive';
	const expected = JSON.parse(readFileSync(`${dir}/expected.json`, 'utf8')) as {
		'stream-a.txt': { text: string; finishReason: string; usage: { inputTokens: number; outputTokens: number } };
	};

	it('reads stream-a served with CRLF in 7-byte pieces: text, usage and finish reason as expected, no error', async () => {
		const bytes = Buffer.from(readFileSync(`${dir}/stream-a.txt`, 'utf8').replace(/\r?\n/g, '\r\n'), 'utf8');
		const base = await serve((_r, _b, res) => {
			res.writeHead(200, { 'content-type': 'text/event-stream' });
			let at = 0;
			const next = () => {
				if (at >= bytes.length) return void res.end();
				res.write(bytes.subarray(at, (at += 7)), () => setImmediate(next));
			};
			next();
		});
		const events = await collect(new OpenAiChatModel({ baseUrl: base, model: 'm' }).stream(req));
		const want = expected['stream-a.txt'];
		expect(events.filter((e) => e.type === 'error')).toEqual([]);
		expect(events.flatMap((e) => (e.type === 'token' ? [e.text] : [])).join('')).toBe(want.text);
		expect(events.find((e) => e.type === 'usage')).toEqual({ type: 'usage', usage: want.usage });
		expect(events.at(-1)).toEqual({ type: 'done', finishReason: want.finishReason });
	});

	/** A server that sends `count` keep-alive comments `everyMs` apart, then (if `thenAnswer`) one content chunk and [DONE]. */
	async function keepAliveServer(count: number, everyMs: number, thenAnswer: boolean): Promise<string> {
		return serve((_r, _b, res) => {
			res.writeHead(200, { 'content-type': 'text/event-stream' });
			let sent = 0;
			const timer = setInterval(() => {
				if (sent++ < count) return void res.write(': keep-alive\n\n');
				clearInterval(timer);
				if (thenAnswer) res.end(delta('ok', 'stop') + 'data: [DONE]\n\n');
			}, everyMs);
			res.on('close', () => clearInterval(timer));
		});
	}

	it('keep-alive comments for longer than the idle timeout are signs of life: the answer arrives', async () => {
		// 16 comments 50 ms apart (≥ 800 ms of comments) against an idle timeout of 300 ms.
		const base = await keepAliveServer(16, 50, true);
		const events = await collect(new OpenAiChatModel({ baseUrl: base, model: 'm', idleTimeoutMs: 300 }).stream(req));
		expect(events).toEqual([
			{ type: 'token', text: 'ok' },
			{ type: 'done', finishReason: 'stop' }
		]);
	});

	it('a server that sends keep-alives and then goes silent still times out with LLM_REQUEST_FAILED', async () => {
		const base = await keepAliveServer(4, 50, false);
		const events = await collect(new OpenAiChatModel({ baseUrl: base, model: 'm', idleTimeoutMs: 300 }).stream(req));
		expect(events).toEqual([
			{ type: 'error', error: expect.objectContaining({ code: 'LLM_REQUEST_FAILED', message: expect.stringContaining('idle timeout') }) }
		]);
		server!.closeAllConnections();
	});
});

describe('OpenAiChatModel tool calling', () => {
	const tools = [
		{
			name: 'search_documents',
			description: 'Search the workspace.',
			parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] }
		},
		{ name: 'read_chunk', description: 'Read one chunk.', parameters: { type: 'object', properties: { chunk_id: { type: 'string' } } } }
	];
	const toolReq = { messages: [{ role: 'user' as const, content: 'Find boundary layer papers.' }], maxTokens: 64, tools };
	/** A chunk whose delta carries `tool_calls` pieces (OpenAI/vLLM streaming shape). */
	const callDelta = (pieces: unknown[], finish: string | null = null) =>
		sse({ choices: [{ index: 0, delta: { tool_calls: pieces }, finish_reason: finish }] });
	const finishChunk = (finish: string) => sse({ choices: [{ index: 0, delta: {}, finish_reason: finish }] });

	/** Serve `chunks` as an event stream, one network write each, and record the request body. */
	async function streamServer(chunks: string[], seen?: { body?: Record<string, unknown> }): Promise<string> {
		return serve((_r, body, res) => {
			if (seen) seen.body = JSON.parse(body) as Record<string, unknown>;
			res.writeHead(200, { 'content-type': 'text/event-stream' });
			let at = 0;
			// The last chunk ends the response (a separate empty end() leaves the client's socket lingering).
			const next = (): void => void (at < chunks.length - 1 ? res.write(chunks[at++]!, () => setImmediate(next)) : res.end(chunks[at]));
			next();
		});
	}

	it('assembles one call whose arguments arrive over five chunks into one tool_call event, finish tool_calls', async () => {
		// OpenAI's shape: role + id + name with empty arguments first, argument fragments after, an empty delta with the finish reason.
		const base = await streamServer([
			sse({
				choices: [
					{
						index: 0,
						delta: {
							role: 'assistant',
							content: null,
							tool_calls: [{ index: 0, id: 'call_DdmO9pD3', type: 'function', function: { name: 'search_documents', arguments: '' } }]
						},
						finish_reason: null
					}
				]
			}),
			callDelta([{ index: 0, function: { arguments: '{"qu' } }]),
			callDelta([{ index: 0, function: { arguments: 'ery": "bound' } }]),
			callDelta([{ index: 0, function: { arguments: 'ary la' } }]),
			callDelta([{ index: 0, function: { arguments: 'yer"}' } }]),
			finishChunk('tool_calls'),
			sse({ choices: [], usage: { prompt_tokens: 80, completion_tokens: 17 } }),
			'data: [DONE]\n\n'
		]);
		const events = await collect(new OpenAiChatModel({ baseUrl: base, model: 'm' }).stream(toolReq));
		expect(events).toEqual([
			{ type: 'tool_call', call: { id: 'call_DdmO9pD3', name: 'search_documents', argumentsJson: '{"query": "boundary layer"}' } },
			{ type: 'usage', usage: { inputTokens: 80, outputTokens: 17 } },
			{ type: 'done', finishReason: 'tool_calls' }
		]);
	});

	it('assembles two parallel calls whose pieces interleave by index, in index order, after the text', async () => {
		// vLLM's shape: ids `chatcmpl-tool-…`, no `arguments` on the first piece, the last fragment in the finish chunk.
		const base = await streamServer([
			delta('Two searches.'),
			callDelta([{ index: 0, id: 'chatcmpl-tool-a1', type: 'function', function: { name: 'search_documents' } }]),
			callDelta([{ index: 1, id: 'chatcmpl-tool-b2', type: 'function', function: { name: 'read_chunk' } }]),
			callDelta([{ index: 0, function: { arguments: '{"query": ' } }]),
			callDelta([{ index: 1, function: { arguments: '{"chunk_id": "d7#3"' } }]),
			callDelta([
				{ index: 0, function: { arguments: '"wing flutter"}' } },
				{ index: 1, function: { arguments: '}' } }
			]),
			finishChunk('tool_calls'),
			'data: [DONE]\n\n'
		]);
		const events = await collect(new OpenAiChatModel({ baseUrl: base, model: 'm' }).stream(toolReq));
		expect(events).toEqual([
			{ type: 'token', text: 'Two searches.' },
			{ type: 'tool_call', call: { id: 'chatcmpl-tool-a1', name: 'search_documents', argumentsJson: '{"query": "wing flutter"}' } },
			{ type: 'tool_call', call: { id: 'chatcmpl-tool-b2', name: 'read_chunk', argumentsJson: '{"chunk_id": "d7#3"}' } },
			{ type: 'done', finishReason: 'tool_calls' }
		]);
	});

	it('a server that finishes with stop while calls are present still yields them with finish tool_calls', async () => {
		const base = await streamServer([
			callDelta([{ index: 0, id: 'c1', type: 'function', function: { name: 'read_chunk', arguments: '{"chunk_id":"a#1"}' } }]),
			finishChunk('stop'),
			'data: [DONE]\n\n'
		]);
		const events = await collect(new OpenAiChatModel({ baseUrl: base, model: 'm' }).stream(toolReq));
		expect(events).toEqual([
			{ type: 'tool_call', call: { id: 'c1', name: 'read_chunk', argumentsJson: '{"chunk_id":"a#1"}' } },
			{ type: 'done', finishReason: 'tool_calls' }
		]);
	});

	it('broken deltas still yield what was assembled: an index without an id gets call_<index>, a nameless call an empty name, raw arguments kept', async () => {
		const base = await streamServer([
			callDelta([{ index: 0, function: { name: 'search_documents', arguments: '{"query": ' } }]),
			callDelta([{ index: 0, function: { arguments: 'not json' } }]),
			callDelta([{ index: 1, function: { arguments: '{"chunk_id": "x"}' } }]),
			finishChunk('tool_calls'),
			'data: [DONE]\n\n'
		]);
		const events = await collect(new OpenAiChatModel({ baseUrl: base, model: 'm' }).stream(toolReq));
		expect(events).toEqual([
			{ type: 'tool_call', call: { id: 'call_0', name: 'search_documents', argumentsJson: '{"query": not json' } },
			{ type: 'tool_call', call: { id: 'call_1', name: '', argumentsJson: '{"chunk_id": "x"}' } },
			{ type: 'done', finishReason: 'tool_calls' }
		]);
	});

	it('a server that sends each call whole at index 0 with its own id, arguments as an object, yields each call once', async () => {
		const base = await streamServer([
			callDelta([{ index: 0, id: 'call_a', function: { name: 'read_chunk', arguments: { chunk_id: 'a#1' } } }]),
			callDelta([{ index: 0, id: 'call_b', function: { name: 'read_chunk', arguments: '{"chunk_id":"b#2"}' } }]),
			finishChunk('tool_calls'),
			'data: [DONE]\n\n'
		]);
		const events = await collect(new OpenAiChatModel({ baseUrl: base, model: 'm' }).stream(toolReq));
		expect(events.filter((e) => e.type === 'tool_call')).toEqual([
			{ type: 'tool_call', call: { id: 'call_a', name: 'read_chunk', argumentsJson: '{"chunk_id":"a#1"}' } },
			{ type: 'tool_call', call: { id: 'call_b', name: 'read_chunk', argumentsJson: '{"chunk_id":"b#2"}' } }
		]);
	});

	it('a call cut by max_tokens is still yielded with its raw arguments and the finish reason stays length', async () => {
		const base = await streamServer([
			callDelta([{ index: 0, id: 'c1', type: 'function', function: { name: 'search_documents', arguments: '{"query": "wi' } }]),
			finishChunk('length'),
			'data: [DONE]\n\n'
		]);
		const events = await collect(new OpenAiChatModel({ baseUrl: base, model: 'm' }).stream(toolReq));
		expect(events).toEqual([
			{ type: 'tool_call', call: { id: 'c1', name: 'search_documents', argumentsJson: '{"query": "wi' } },
			{ type: 'done', finishReason: 'length' }
		]);
	});

	it('a stream aborted while calls are arriving yields no half-assembled call and ends with abort', async () => {
		const base = await serve((_r, _b, res) => {
			res.writeHead(200, { 'content-type': 'text/event-stream' });
			res.write(delta('Calling.'));
			res.write(callDelta([{ index: 0, id: 'c1', type: 'function', function: { name: 'search_documents', arguments: '{"q' } }]));
			const timer = setInterval(() => res.write(callDelta([{ index: 0, function: { arguments: 'x' } }])), 10);
			res.on('close', () => clearInterval(timer));
		});
		const ac = new AbortController();
		const events: ModelStreamEvent[] = [];
		for await (const e of new OpenAiChatModel({ baseUrl: base, model: 'm' }).stream(toolReq, ac.signal)) {
			events.push(e);
			if (e.type === 'token') setTimeout(() => ac.abort(), 30);
		}
		expect(events).toEqual([
			{ type: 'token', text: 'Calling.' },
			{ type: 'done', finishReason: 'abort' }
		]);
	});

	it('reads a non-streamed reply with tool_calls and null content as tool_call events with finish tool_calls', async () => {
		const base = await serve((_r, _b, res) => {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(
				JSON.stringify({
					choices: [
						{
							index: 0,
							message: {
								role: 'assistant',
								content: null,
								tool_calls: [
									{ id: 'call_1', type: 'function', function: { name: 'search_documents', arguments: '{"query":"flutter"}' } },
									{ id: 'call_2', type: 'function', function: { name: 'read_chunk', arguments: '{"chunk_id":"d1#0"}' } }
								]
							},
							finish_reason: 'tool_calls'
						}
					],
					usage: { prompt_tokens: 50, completion_tokens: 20 }
				})
			);
		});
		const events = await collect(new OpenAiChatModel({ baseUrl: base, model: 'm' }).stream(toolReq));
		expect(events).toEqual([
			{ type: 'tool_call', call: { id: 'call_1', name: 'search_documents', argumentsJson: '{"query":"flutter"}' } },
			{ type: 'tool_call', call: { id: 'call_2', name: 'read_chunk', argumentsJson: '{"chunk_id":"d1#0"}' } },
			{ type: 'usage', usage: { inputTokens: 50, outputTokens: 20 } },
			{ type: 'done', finishReason: 'tool_calls' }
		]);
	});

	it('sends tools, tool_choice, the assistant turn with its tool_calls and the tool results field by field', async () => {
		const seen: { body?: Record<string, unknown> } = {};
		const base = await streamServer([delta('Done [1].', 'stop'), 'data: [DONE]\n\n'], seen);
		await collect(
			new OpenAiChatModel({ baseUrl: base, model: 'm' }).stream({
				messages: [
					{ role: 'system', content: 'Use tools.' },
					{ role: 'user', content: 'Find it.' },
					{
						role: 'assistant',
						content: '',
						toolCalls: [
							{ id: 'call_1', name: 'search_documents', argumentsJson: '{"query":"a"}' },
							{ id: 'call_2', name: 'read_chunk', argumentsJson: '{"chunk_id":"d#1"}' }
						]
					},
					{ role: 'tool', toolCallId: 'call_1', name: 'search_documents', content: 'R1' },
					{ role: 'tool', toolCallId: 'call_2', name: 'read_chunk', content: 'R2' },
					{ role: 'assistant', content: 'Reading more.', toolCalls: [{ id: 'call_3', name: 'read_chunk', argumentsJson: '{}' }] },
					{ role: 'tool', toolCallId: 'call_3', name: 'read_chunk', content: 'R3' }
				],
				maxTokens: 64,
				tools,
				toolChoice: 'required'
			})
		);
		const body = seen.body!;
		expect(body.tools).toEqual([
			{
				type: 'function',
				function: {
					name: 'search_documents',
					description: 'Search the workspace.',
					parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] }
				}
			},
			{
				type: 'function',
				function: {
					name: 'read_chunk',
					description: 'Read one chunk.',
					parameters: { type: 'object', properties: { chunk_id: { type: 'string' } } }
				}
			}
		]);
		expect(body.tool_choice).toBe('required');
		expect(body.messages).toEqual([
			{ role: 'system', content: 'Use tools.' },
			{ role: 'user', content: 'Find it.' },
			{
				role: 'assistant',
				content: null,
				tool_calls: [
					{ id: 'call_1', type: 'function', function: { name: 'search_documents', arguments: '{"query":"a"}' } },
					{ id: 'call_2', type: 'function', function: { name: 'read_chunk', arguments: '{"chunk_id":"d#1"}' } }
				]
			},
			{ role: 'tool', tool_call_id: 'call_1', content: 'R1' },
			{ role: 'tool', tool_call_id: 'call_2', content: 'R2' },
			{
				role: 'assistant',
				content: 'Reading more.',
				tool_calls: [{ id: 'call_3', type: 'function', function: { name: 'read_chunk', arguments: '{}' } }]
			},
			{ role: 'tool', tool_call_id: 'call_3', content: 'R3' }
		]);
	});

	it('defaults tool_choice to auto, and a request without tools sends neither tools nor tool_choice', async () => {
		const seen: { body?: Record<string, unknown> } = {};
		let base = await streamServer([delta('ok', 'stop'), 'data: [DONE]\n\n'], seen);
		await collect(new OpenAiChatModel({ baseUrl: base, model: 'm' }).stream(toolReq));
		expect(seen.body!.tool_choice).toBe('auto');
		await new Promise<void>((resolve) => server!.close(() => resolve()));
		base = await streamServer([delta('ok', 'stop'), 'data: [DONE]\n\n'], seen);
		await collect(new OpenAiChatModel({ baseUrl: base, model: 'm' }).stream({ ...toolReq, tools: [] }));
		expect(Object.keys(seen.body!)).not.toContain('tools');
		expect(Object.keys(seen.body!)).not.toContain('tool_choice');
	});

	it('a malformed call in the history goes back as a JSON string of its raw text, so servers that parse arguments accept the request', async () => {
		const seen: { body?: Record<string, unknown> } = {};
		const base = await streamServer([delta('Retrying.', 'stop'), 'data: [DONE]\n\n'], seen);
		await collect(
			new OpenAiChatModel({ baseUrl: base, model: 'm' }).stream({
				...toolReq,
				messages: [
					{ role: 'user', content: 'q' },
					{ role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'search_documents', argumentsJson: '{"query": "wi' }] },
					{ role: 'tool', toolCallId: 'c1', name: 'search_documents', content: 'Invalid arguments: not JSON' }
				]
			})
		);
		const messages = seen.body!.messages as { tool_calls?: { function: { arguments: string } }[] }[];
		const args = messages[1]!.tool_calls![0]!.function.arguments;
		expect(args).toBe('"{\\"query\\": \\"wi"');
		expect(JSON.parse(args)).toBe('{"query": "wi');
	});

	it('a server not started for tool calling says so, and the error tells how to start it', async () => {
		const base = await serve((_r, _b, res) => {
			res.writeHead(400, { 'content-type': 'application/json' });
			res.end('{"object":"error","message":"\\"auto\\" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set"}');
		});
		const events = await collect(new OpenAiChatModel({ baseUrl: base, model: 'm' }).stream(toolReq));
		expect(events).toEqual([
			{
				type: 'error',
				error: expect.objectContaining({
					code: 'LLM_REQUEST_FAILED',
					message: expect.stringContaining('HTTP 400') as unknown,
					details: { status: 400 }
				})
			}
		]);
		expect((events[0] as { error: { message: string } }).error.message).toContain('--enable-auto-tool-choice --tool-call-parser hermes');
	});

	it('a tool result without a call id is a typed CONFIG_INVALID error before anything is sent', async () => {
		let requests = 0;
		const base = await serve((_r, _b, res) => {
			requests++;
			res.end();
		});
		const events = await collect(
			new OpenAiChatModel({ baseUrl: base, model: 'm' }).stream({
				...toolReq,
				messages: [{ role: 'tool', name: 'read_chunk', content: 'R' }]
			})
		);
		expect(events).toEqual([
			{
				type: 'error',
				error: expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('from read_chunk has no toolCallId') })
			}
		]);
		expect(requests).toBe(0);
	});
});
