import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpSystem, type HttpSystemConfigInput, type HttpSystemDeps } from '../../../src/lib/evals/system/http-system.ts';
import type { GoldenCase } from '../../../src/lib/evals/golden/types.ts';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** Start a local "RAG app" on 127.0.0.1; returns its base URL. */
async function serve(handler: (req: IncomingMessage, body: string, res: ServerResponse) => void): Promise<string> {
	server = createServer((req, res) => {
		let body = '';
		req.on('data', (c: Buffer) => (body += c.toString()));
		req.on('end', () => handler(req, body, res));
	});
	await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
	return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

const golden: GoldenCase = {
	id: 'q1',
	query: 'What is BM25?',
	relevant: [{ doc: 'd1', grade: 1 }],
	tags: ['lexical'],
	reference: 'A ranking function.'
};
const ask = (c: GoldenCase = golden, repeat = 0) => ({ case: c, repeat, seed: 42 + repeat });
const noWait: HttpSystemDeps = { sleep: () => Promise.resolve() };

describe('http system against a local server', () => {
	it('sends the rendered body with typed placeholders and maps answer, contexts and usage', async () => {
		let seen: { body: unknown; auth?: string; type?: string; method?: string } | undefined;
		const base = await serve((req, body, res) => {
			seen = { body: JSON.parse(body), auth: req.headers.authorization!, type: req.headers['content-type']!, method: req.method! };
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(
				JSON.stringify({
					data: { text: 'BM25 ranks [1].' },
					hits: [{ doc_id: 'd1', passage: 'BM25 is…', s: 2.5 }, 'plain text context'],
					usage: { prompt_tokens: 10, completion_tokens: 4 }
				})
			);
		});
		const config: HttpSystemConfigInput = {
			type: 'http',
			url: `${base}/ask`,
			headers: { Authorization: 'Bearer secret-token' },
			body: {
				question: '{{query}}',
				meta: { id: '{{id}}', seed: '{{seed}}', tags: '{{tags}}' },
				note: 'case {{id}} seed {{seed}}',
				fixed: [1, true, null]
			},
			answer: '$.data.text',
			contexts: '$.hits',
			contextId: '$.doc_id',
			contextText: '$.passage',
			contextScore: '$.s'
		};
		const system = await createHttpSystem(config, noWait);
		const out = await system.answer(ask());
		expect(seen).toEqual({
			method: 'POST',
			type: 'application/json',
			auth: 'Bearer secret-token',
			body: { question: 'What is BM25?', meta: { id: 'q1', seed: 42, tags: ['lexical'] }, note: 'case q1 seed 42', fixed: [1, true, null] }
		});
		expect(out.answer).toBe('BM25 ranks [1].');
		expect(out.contexts).toEqual([{ documentRef: 'd1', text: 'BM25 is…', score: 2.5 }, { text: 'plain text context' }]);
		expect(out.usage).toEqual({ inputTokens: 10, outputTokens: 4 });
		expect(out.timings.ttftMs).toBeNull();
	});

	it('a string that only contains a placeholder with JSON special characters stays valid JSON', async () => {
		let raw = '';
		const base = await serve((_req, body, res) => {
			raw = body;
			res.end(JSON.stringify({ answer: 'x' }));
		});
		const system = await createHttpSystem({ type: 'http', url: base, body: { q: 'Q: {{query}}' } }, noWait);
		await system.answer(ask({ ...golden, query: 'a "quoted" \\ back\nslash' }));
		expect(JSON.parse(raw)).toEqual({ q: 'Q: a "quoted" \\ back\nslash' });
	});

	it('a 429 with Retry-After is retried after exactly that wait, then the case completes', async () => {
		let requests = 0;
		const base = await serve((_req, _body, res) => {
			requests++;
			if (requests === 1) {
				res.writeHead(429, { 'retry-after': '2' });
				return res.end('busy');
			}
			res.end(JSON.stringify({ answer: 'ok', contexts: ['c'] }));
		});
		const sleeps: number[] = [];
		const system = await createHttpSystem(
			{ type: 'http', url: base, contexts: '$.contexts' },
			{
				sleep: (ms) => {
					sleeps.push(ms);
					return Promise.resolve();
				}
			}
		);
		const out = await system.answer(ask());
		expect(out.answer).toBe('ok');
		expect(requests).toBe(2);
		expect(sleeps).toEqual([2000]);
	});

	it('a dead port is SYSTEM_UNREACHABLE after every retry', async () => {
		const base = await serve((_r, _b, res) => res.end());
		await new Promise<void>((resolve) => server!.close(() => resolve()));
		server = undefined;
		const system = await createHttpSystem({ type: 'http', url: base, retry: { maxRetries: 2 } }, noWait);
		await expect(system.answer(ask())).rejects.toMatchObject({
			code: 'SYSTEM_UNREACHABLE',
			details: { attempts: 3, lastStatus: null, lastReason: 'network' }
		});
	});

	it('a 4xx is SYSTEM_REQUEST_FAILED for that case with the status and the start of the body, not retried', async () => {
		let requests = 0;
		const base = await serve((_r, _b, res) => {
			requests++;
			res.writeHead(422);
			res.end('{"error":"query too long"}');
		});
		const system = await createHttpSystem({ type: 'http', url: base }, noWait);
		const error = await system.answer(ask()).catch((e: unknown) => e);
		expect(error).toMatchObject({ code: 'SYSTEM_REQUEST_FAILED', details: { status: 422, caseId: 'q1' } });
		expect((error as Error).message).toContain('HTTP 422 for case q1: {"error":"query too long"}');
		expect(requests).toBe(1);
	});

	it('a reply that is not JSON, or where a path finds nothing or the wrong type, is SYSTEM_RESPONSE_INVALID naming the path', async () => {
		const replies = [
			'<html>oops</html>',
			JSON.stringify({ result: 'x' }),
			JSON.stringify({ answer: 42 }),
			JSON.stringify({ answer: 'a', contexts: { not: 'an array' } }),
			JSON.stringify({ answer: 'a', contexts: [{ score: 1 }] })
		];
		let i = 0;
		const base = await serve((_r, _b, res) => res.end(replies[i++]));
		const system = await createHttpSystem({ type: 'http', url: base, contexts: '$.contexts' }, noWait);
		const messages: string[] = [];
		for (let k = 0; k < replies.length; k++) {
			const error = await system.answer(ask()).catch((e: unknown) => e);
			expect(error).toMatchObject({ code: 'SYSTEM_RESPONSE_INVALID', details: { caseId: 'q1' } });
			messages.push((error as Error).message);
		}
		expect(messages[0]).toContain('not JSON');
		expect(messages[0]).toContain('<html>oops</html>');
		expect(messages[1]).toContain('$.answer found nothing');
		expect(messages[2]).toContain('$.answer should find the answer text (a string), found 42');
		expect(messages[3]).toContain('$.contexts should find an array of contexts, found {"not":"an array"}');
		expect(messages[4]).toContain('contexts[0] ($.contexts): the context has neither a document id');
	});

	it('a huge reply is cut at maxResponseBytes and is a case error, whether or not it declares its length', async () => {
		let sent = 0;
		const base = await serve((req, _b, res) => {
			if (req.url === '/declared') {
				res.writeHead(200, { 'content-length': String(5_000_000) });
				return res.end('x'.repeat(5_000_000));
			}
			// Chunked, never-ending unless the client goes away.
			res.writeHead(200, { 'content-type': 'application/json' });
			const chunk = '"' + 'x'.repeat(64 * 1024);
			const pump = () => {
				while (sent < 64 * 1024 * 1024 && res.write(chunk)) sent += chunk.length;
				if (sent < 64 * 1024 * 1024) res.once('drain', pump);
				else res.end();
			};
			res.on('close', () => res.removeAllListeners('drain'));
			pump();
		});
		const declared = await createHttpSystem({ type: 'http', url: `${base}/declared`, maxResponseBytes: 1024 * 1024 }, noWait);
		await expect(declared.answer(ask())).rejects.toMatchObject({
			code: 'SYSTEM_RESPONSE_INVALID',
			details: { maxBytes: 1024 * 1024, receivedBytes: 5_000_000 }
		});
		const endless = await createHttpSystem({ type: 'http', url: `${base}/endless`, maxResponseBytes: 1024 * 1024 }, noWait);
		const error = await endless.answer(ask()).catch((e: unknown) => e);
		expect(error).toMatchObject({ code: 'SYSTEM_RESPONSE_INVALID', details: { maxBytes: 1024 * 1024 } });
		expect((error as Error).message).toContain('1 MiB cap');
		expect(sent).toBeLessThan(64 * 1024 * 1024);
	});

	it('a deeply nested reply is a case error, not a stack overflow', async () => {
		const base = await serve((_r, _b, res) => res.end('{"answer":"a","x":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}'));
		const system = await createHttpSystem({ type: 'http', url: base }, noWait);
		await expect(system.answer(ask())).rejects.toMatchObject({
			code: 'SYSTEM_RESPONSE_INVALID',
			message: expect.stringContaining('nested deeper')
		});
	});

	it('streams SSE: the answer is assembled from deltas, TTFT is the first non-empty delta on the injected clock, contexts come from the contexts event', async () => {
		const base = await serve((_r, _b, res) => {
			res.writeHead(200, { 'content-type': 'text/event-stream' });
			const ev = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;
			res.write(ev({ choices: [{ delta: { role: 'assistant', content: '' } }] }));
			res.write(': keep-alive\n\n');
			res.write(ev({ choices: [{ delta: { content: 'BM25 ' } }] }));
			setTimeout(() => {
				res.write(ev({ choices: [{ delta: { content: 'ranks.' } }] }));
				res.write(ev({ type: 'contexts', contexts: [{ id: 'd1', text: 'BM25…' }, { id: 7 }] }));
				res.write(ev({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 2 } }));
				res.end('data: [DONE]\n\n');
			}, 10);
		});
		let t = 0;
		const system = await createHttpSystem(
			{ type: 'http', url: base, stream: { format: 'sse', deltaPath: '$.choices[0].delta.content', contextsEvent: '$.contexts' } },
			{ ...noWait, now: () => (t += 10) }
		);
		const out = await system.answer(ask());
		expect(out.answer).toBe('BM25 ranks.');
		expect(out.contexts).toEqual([{ documentRef: 'd1', text: 'BM25…' }, { documentRef: '7' }]);
		expect(out.usage).toEqual({ inputTokens: 3, outputTokens: 2 });
		// now(): attempt start 10, first non-empty delta 20, end 30.
		expect(out.timings).toEqual({ ttftMs: 10, totalMs: 20 });
	});

	it('without a contexts event, streamed contexts come from the contexts path on the last event', async () => {
		const base = await serve((_r, _b, res) => {
			res.writeHead(200, { 'content-type': 'text/event-stream' });
			res.end(`data: {"delta":"a"}\n\ndata: {"delta":"b","contexts":["t1"]}\n\n`);
		});
		const system = await createHttpSystem(
			{ type: 'http', url: base, contexts: '$.contexts', stream: { format: 'sse', deltaPath: '$.delta' } },
			noWait
		);
		const out = await system.answer(ask());
		expect(out).toMatchObject({ answer: 'ab', contexts: [{ text: 't1' }] });
	});

	it('a stream that stops mid-answer past timeoutMs is SYSTEM_REQUEST_FAILED, not a cut answer scored as finished', async () => {
		const base = await serve((_r, _b, res) => {
			res.writeHead(200, { 'content-type': 'text/event-stream' });
			res.write('data: {"delta":"The answer is"}\n\n');
		});
		const system = await createHttpSystem(
			{ type: 'http', url: base, timeoutMs: 200, stream: { format: 'sse', deltaPath: '$.delta' } },
			noWait
		);
		await expect(system.answer(ask())).rejects.toMatchObject({
			code: 'SYSTEM_REQUEST_FAILED',
			message: expect.stringContaining('did not finish its reply for case q1 within 200 ms')
		});
		server!.closeAllConnections();
	});

	it("the user's own Accept and Content-Type headers replace the defaults instead of being merged with them", async () => {
		let seen: Record<string, string | undefined> = {};
		const base = await serve((req, _b, res) => {
			seen = { accept: req.headers.accept, type: req.headers['content-type'] };
			res.end(JSON.stringify({ answer: 'ok' }));
		});
		const system = await createHttpSystem(
			{ type: 'http', url: base, headers: { Accept: 'application/vnd.app+json', 'Content-Type': 'application/vnd.app+json' } },
			noWait
		);
		await system.answer(ask());
		expect(seen).toEqual({ accept: 'application/vnd.app+json', type: 'application/vnd.app+json' });
	});

	it('GET with URL placeholders sends them URL-encoded and no body', async () => {
		let seen: { url?: string; method?: string; body?: string } = {};
		const base = await serve((req, body, res) => {
			seen = { url: req.url!, method: req.method!, body };
			res.end(JSON.stringify({ answer: 'ok' }));
		});
		const system = await createHttpSystem({ type: 'http', method: 'GET', url: `${base}/search?q={{query}}&id={{id}}` }, noWait);
		await system.answer(ask({ ...golden, query: 'a&b c/d' }));
		expect(seen).toEqual({ url: '/search?q=a%26b%20c%2Fd&id=q1', method: 'GET', body: '' });
	});

	it('a reply slower than timeoutMs is retried, then SYSTEM_UNREACHABLE with reason timeout', async () => {
		let requests = 0;
		const base = await serve(() => void requests++);
		// 500 ms, not less: the server must have received each request before the client gives up on it, even on a loaded machine.
		const system = await createHttpSystem({ type: 'http', url: base, timeoutMs: 500, retry: { maxRetries: 1 } }, noWait);
		await expect(system.answer(ask())).rejects.toMatchObject({
			code: 'SYSTEM_UNREACHABLE',
			details: { lastReason: 'timeout', attempts: 2 }
		});
		expect(requests).toBe(2);
		server!.closeAllConnections();
	});
});
