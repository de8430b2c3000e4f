import { describe, expect, it } from 'vitest';
import { createOpenAiStreamingClient, endpointUrl, type StreamEvent } from '../../../../src/lib/bench/serving/index.ts';

function sseResponse(events: string[], status = 200): Response {
	const body = new ReadableStream<Uint8Array>({
		start(controller) {
			for (const e of events) controller.enqueue(new TextEncoder().encode(e));
			controller.close();
		}
	});
	return new Response(body, { status, headers: { 'content-type': 'text/event-stream' } });
}

const data = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;

async function collect(iterable: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
	const out: StreamEvent[] = [];
	for await (const e of iterable) out.push(e);
	return out;
}

describe('the OpenAI-compatible streaming client', () => {
	it('sends the request vLLM sends for chat and yields choices and usage events', async () => {
		const calls: { url: string; body: Record<string, unknown>; headers: Record<string, string> }[] = [];
		const fetchFn = (async (url: string, init: RequestInit) => {
			calls.push({
				url,
				body: JSON.parse(init.body as string) as Record<string, unknown>,
				headers: init.headers as Record<string, string>
			});
			return sseResponse([
				data({ choices: [{ index: 0, delta: { role: 'assistant', content: 'Hel' } }] }),
				': keep-alive\n\n',
				data({ choices: [{ index: 0, delta: { content: 'lo' } }] }),
				data({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
				data({ choices: [], usage: { prompt_tokens: 9, completion_tokens: 2 } }),
				'data: [DONE]\n\n'
			]);
		}) as unknown as typeof fetch;
		const client = createOpenAiStreamingClient({ baseUrl: 'http://h:1/v1/', model: 'm', apiKey: 'k', ignoreEos: true, fetch: fetchFn });
		const events = await collect(client.stream({ prompt: 'hi there', promptTokens: 2, outputTokens: 8 }));
		expect(events).toEqual([
			{ kind: 'choices', content: 'Hel' },
			{ kind: 'choices', content: 'lo' },
			{ kind: 'choices', content: '' },
			{ kind: 'usage', promptTokens: 9, completionTokens: 2 }
		]);
		expect(calls[0]!.url).toBe('http://h:1/v1/chat/completions');
		expect(calls[0]!.body).toEqual({
			model: 'm',
			messages: [{ role: 'user', content: 'hi there' }],
			max_completion_tokens: 8,
			stream: true,
			stream_options: { include_usage: true },
			ignore_eos: true
		});
		expect(calls[0]!.headers.authorization).toBe('Bearer k');
	});

	it('uses prompt and max_tokens on /v1/completions and reads choices[0].text', async () => {
		let body: Record<string, unknown> = {};
		const fetchFn = (async (_url: string, init: RequestInit) => {
			body = JSON.parse(init.body as string) as Record<string, unknown>;
			return sseResponse([data({ choices: [{ text: 'a' }] }), data({ choices: [{ text: 'b' }] }), 'data: [DONE]\n\n']);
		}) as unknown as typeof fetch;
		const client = createOpenAiStreamingClient({ baseUrl: 'http://h:1', model: 'm', endpoint: '/v1/completions', fetch: fetchFn });
		expect(await collect(client.stream({ prompt: 'p', promptTokens: 1, outputTokens: 3 }))).toEqual([
			{ kind: 'choices', content: 'a' },
			{ kind: 'choices', content: 'b' }
		]);
		expect(body).toMatchObject({ prompt: 'p', max_tokens: 3, stream: true });
	});

	it('fails with LLM_REQUEST_FAILED on an HTTP error, a streamed error or a chunk that is not JSON', async () => {
		const client = (response: () => Response) =>
			createOpenAiStreamingClient({ baseUrl: 'http://h:1', model: 'm', fetch: (async () => response()) as unknown as typeof fetch });
		const req = { prompt: 'p', promptTokens: 1, outputTokens: 1 };
		await expect(collect(client(() => new Response('model not found', { status: 404 })).stream(req))).rejects.toThrow(
			/HTTP 404: model not found/
		);
		await expect(collect(client(() => sseResponse([data({ error: { message: 'boom' } })])).stream(req))).rejects.toThrow(
			/streamed an error: boom/
		);
		await expect(collect(client(() => sseResponse(['data: {oops\n\n'])).stream(req))).rejects.toMatchObject({ code: 'LLM_REQUEST_FAILED' });
	});

	it('appends the endpoint to a server root or a /v1 URL without doubling /v1', () => {
		expect(endpointUrl('http://h:8000', '/v1/completions')).toBe('http://h:8000/v1/completions');
		expect(endpointUrl('http://h:8000/v1', '/v1/chat/completions')).toBe('http://h:8000/v1/chat/completions');
	});
});
