/**
 * A local OpenAI-compatible streaming server (127.0.0.1, `POST /v1/chat/completions` and
 * `/v1/completions`) whose latency follows a known model, for the serving benchmark's
 * integration test and `npm run bench:serving` (shared support code, not a test file):
 *
 *   prompt tokens  = whitespace-separated words of the prompt (chat: of all message contents)
 *   TTFT           = ttftBaseMs + ttftPerPromptTokenMs · (prompt tokens not in the prefix cache)
 *   gap to token k = tpotBaseMs + tpotPerConcurrentMs · (requests in flight − 1), at each token
 *   output tokens  = max_completion_tokens ?? max_tokens ?? 16, one chunk per token ("w1 ", …)
 *
 * With `prefixCache`, prompts are cached in blocks of `prefixBlockTokens` words (vLLM's
 * automatic prefix caching works on KV blocks the same way): a request whose first k blocks
 * were seen before prefills only the rest. With `usage` false the usage chunk is left out, so
 * the client must count deltas. Replies are deterministic in content and counts; their timing
 * is real time (setTimeout aimed at absolute deadlines, so lateness does not accumulate).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The latency model; every field in ms. */
export interface LatencyModel {
	readonly ttftBaseMs: number;
	readonly ttftPerPromptTokenMs: number;
	readonly tpotBaseMs: number;
	readonly tpotPerConcurrentMs: number;
	/** Cache prompt prefixes by block. Default false. */
	readonly prefixCache?: boolean;
	/** Words per cache block. Default 16. */
	readonly prefixBlockTokens?: number;
	/** Send the usage chunk (stream_options.include_usage). Default true. */
	readonly usage?: boolean;
	/** Answer CORS preflights and allow any origin, as a server a web page benchmarks must. Default false. */
	readonly cors?: boolean;
}

const CORS_HEADERS = {
	'access-control-allow-origin': '*',
	'access-control-allow-methods': 'POST, OPTIONS',
	'access-control-allow-headers': 'content-type, authorization'
};

/** A running latency-model server. */
export interface LatencyModelServer {
	/** Server root, e.g. `http://127.0.0.1:40123` (append `/v1/...`). */
	readonly baseUrl: string;
	readonly model: LatencyModel;
	/** Requests answered so far, by endpoint. */
	readonly stats: { chat: number; completions: number; peakInFlight: number; cachedPromptTokens: number };
	/** The model's TTFT for a prompt of `promptTokens` words of which `cachedTokens` are cached. */
	predictedTtftMs(promptTokens: number, cachedTokens?: number): number;
	/** The model's gap between tokens with `inFlight` requests in flight. */
	predictedTpotMs(inFlight: number): number;
	close(): Promise<void>;
}

const sse = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;

/** Two 32-bit FNV-1a hashes (different offset bases) of the previous key and a block's text. */
function blockKey(previous: string, text: string): string {
	let a = 0x811c9dc5;
	let b = 0x01000193;
	for (const s of [previous, '\u0000', text])
		for (let i = 0; i < s.length; i++) {
			const c = s.charCodeAt(i);
			a = Math.imul(a ^ c, 0x01000193);
			b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
		}
	return `${(a >>> 0).toString(16)}:${(b >>> 0).toString(16)}`;
}

/** Start the server on 127.0.0.1, port 0. */
export async function startLatencyModelServer(model: LatencyModel, modelName = 'latency-model'): Promise<LatencyModelServer> {
	const block = model.prefixBlockTokens ?? 16;
	const cache = new Set<string>();
	const stats = { chat: 0, completions: 0, peakInFlight: 0, cachedPromptTokens: 0 };
	let inFlight = 0;
	const predictedTtftMs = (promptTokens: number, cachedTokens = 0) =>
		model.ttftBaseMs + model.ttftPerPromptTokenMs * (promptTokens - cachedTokens);
	const predictedTpotMs = (n: number) => model.tpotBaseMs + model.tpotPerConcurrentMs * (n - 1);

	// Blocks are keyed by a hash chain (each block's key hashes the previous key and the block's
	// words, as vLLM hashes KV blocks), so looking a prompt up costs one pass over its words.
	const cachedPrefix = (words: string[]): number => {
		if (!model.prefixCache) return 0;
		let cached = 0;
		let missed = false;
		let key = '';
		for (let k = block; k <= words.length; k += block) {
			key = blockKey(key, words.slice(k - block, k).join(' '));
			if (!missed && cache.has(key)) cached = k;
			else missed = true;
			cache.add(key);
		}
		return cached;
	};

	const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
		if (model.cors) {
			for (const [k, v] of Object.entries(CORS_HEADERS)) res.setHeader(k, v);
			if (req.method === 'OPTIONS') return void res.writeHead(204).end();
		}
		const chat = req.url === '/v1/chat/completions';
		if (req.method !== 'POST' || (!chat && req.url !== '/v1/completions')) {
			res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${req.url}` } }));
			return;
		}
		let body: { messages?: { content: string }[]; prompt?: string; max_completion_tokens?: number; max_tokens?: number };
		try {
			body = JSON.parse(raw) as typeof body;
		} catch {
			res.writeHead(400).end('not JSON');
			return;
		}
		stats[chat ? 'chat' : 'completions']++;
		const text = chat ? (body.messages ?? []).map((m) => m.content).join(' ') : (body.prompt ?? '');
		const words = text.split(/\s+/).filter(Boolean);
		const cached = cachedPrefix(words);
		stats.cachedPromptTokens += cached;
		const outputTokens = body.max_completion_tokens ?? body.max_tokens ?? 16;
		inFlight++;
		stats.peakInFlight = Math.max(stats.peakInFlight, inFlight);
		let closed = false;
		let done = false;
		const finish = () => {
			if (done) return;
			done = true;
			inFlight--;
		};
		res.on('close', () => {
			closed = true;
			finish();
		});
		res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
		const chunk = (k: number) =>
			chat
				? {
						model: modelName,
						choices: [{ index: 0, delta: k === 1 ? { role: 'assistant', content: `w${k} ` } : { content: `w${k} ` }, finish_reason: null }]
					}
				: { model: modelName, choices: [{ index: 0, text: `w${k} `, finish_reason: null }] };
		let due = performance.now() + predictedTtftMs(words.length, cached);
		let k = 0;
		const tick = () => {
			if (closed) return;
			k++;
			res.write(sse(chunk(k)));
			if (k < outputTokens) {
				due += predictedTpotMs(inFlight);
				setTimeout(tick, Math.max(0, due - performance.now()));
				return;
			}
			if (model.usage !== false)
				res.write(sse({ model: modelName, choices: [], usage: { prompt_tokens: words.length, completion_tokens: outputTokens } }));
			finish();
			res.end('data: [DONE]\n\n');
		};
		setTimeout(tick, Math.max(0, due - performance.now()));
	};

	const server: Server = createServer((req, res) => {
		let raw = '';
		req.on('data', (c: Buffer) => (raw += c.toString()));
		req.on('end', () => handle(req, res, raw));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		model,
		stats,
		predictedTtftMs,
		predictedTpotMs,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}
