/**
 * A small "RAG app" for `assay eval` tests and the system-eval bench: Node http on 127.0.0.1
 * (port 0 = a free one) that answers `POST /ask {"query", "id"?}` from a corpus with Assay's own
 * BM25 (english analyzer, k1 0.9, b 0.4) and replies
 * `{"answer": "…[1]…", "contexts": [{"id", "text", "score"}, …]}` (top `topK`, rank order).
 * It counts requests (all, and per query). Modes:
 * - `normal`;
 * - `degraded`: for a third of the queries (those whose FNV-1a hash of the text is 0 mod 3) the
 *   contexts are the corpus's last documents that BM25 did not rank in its top 100 — wrong ones;
 * - `rateLimit`: the first request of each query gets `429` with `Retry-After: <retryAfter>`
 *   (default "1", seconds), later ones are answered.
 * `stop()` closes it (connections too), after which requests fail to connect (a dead server).
 * Not a test file.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { Bm25Index } from '../../src/lib/search/bm25/index.ts';
import { createAnalyzer } from '../../src/lib/search/index.ts';
import { parseBeirCorpus, parseBeirQueries, parseQrels, type BeirDocument } from '../../src/lib/evals/index.ts';

export type FixtureMode = 'normal' | 'degraded' | 'rateLimit';

export interface FixtureRagAppOptions {
	readonly corpus: readonly BeirDocument[];
	readonly mode?: FixtureMode;
	/** Contexts per answer; default 10. */
	readonly topK?: number;
	/** `Retry-After` value of the 429 in `rateLimit` mode; default "1". */
	readonly retryAfter?: string;
	/** Contexts without ids (`{text, score}` only), as many RAG apps reply. Default false. */
	readonly textOnly?: boolean;
	/** Keep each query's reply and send it again for the same query (the bench: near-zero system latency). Default false. */
	readonly memoize?: boolean;
}

export interface FixtureRagApp {
	/** `http://127.0.0.1:<port>/ask`. */
	readonly url: string;
	/** Requests received (every method and path, 429s included). */
	readonly requests: () => number;
	/** Requests received per query text. */
	readonly requestsFor: (query: string) => number;
	/** True when `query` gets wrong contexts in `degraded` mode. */
	readonly degrades: (query: string) => boolean;
	mode: FixtureMode;
	readonly stop: () => Promise<void>;
}

/** FNV-1a 32-bit hash of `text` (UTF-16 code units), unsigned. */
export function fnv1a(text: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 0x01000193) >>> 0;
	}
	return h >>> 0;
}

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		let body = '';
		req.setEncoding('utf8');
		req.on('data', (c: string) => (body += c));
		req.on('end', () => resolve(body));
		req.on('error', reject);
	});
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
	const text = JSON.stringify(body);
	res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
	res.end(text);
}

/** Start the fixture app (see the module comment). */
export async function startFixtureRagApp(options: FixtureRagAppOptions): Promise<FixtureRagApp> {
	const topK = options.topK ?? 10;
	const index = new Bm25Index({ k1: 0.9, b: 0.4 }, createAnalyzer('english'));
	const byId = new Map<string, BeirDocument>();
	for (const d of options.corpus) {
		byId.set(d.id, d);
		index.add(d.id, `${d.title}\n${d.text}`);
	}
	let total = 0;
	const perQuery = new Map<string, number>();
	const replies = new Map<string, unknown>();
	const degrades = (query: string) => fnv1a(query) % 3 === 0;
	const app = {
		mode: options.mode ?? 'normal'
	} as { mode: FixtureMode };
	const server = createServer((req, res) => {
		total++;
		void (async () => {
			if (req.method !== 'POST' || req.url !== '/ask') return send(res, 404, { error: 'POST /ask' });
			let query: string;
			try {
				const body = JSON.parse(await readBody(req)) as { query?: unknown };
				if (typeof body.query !== 'string' || body.query.trim() === '') return send(res, 400, { error: 'body must be {"query": "…"}' });
				query = body.query;
			} catch {
				return send(res, 400, { error: 'body is not JSON' });
			}
			const seen = (perQuery.get(query) ?? 0) + 1;
			perQuery.set(query, seen);
			if (app.mode === 'rateLimit' && seen === 1)
				return send(res, 429, { error: 'slow down' }, { 'retry-after': options.retryAfter ?? '1' });
			const memo = options.memoize && app.mode === 'normal' ? replies.get(query) : undefined;
			if (memo) return send(res, 200, memo);
			let hits = index.search(query, { topK: Math.max(topK, 100) });
			if (app.mode === 'degraded' && degrades(query)) {
				const ranked = new Set(hits.map((h) => h.id));
				hits = options.corpus
					.filter((d) => !ranked.has(d.id))
					.slice(-topK)
					.map((d, i) => ({ id: d.id, score: 1 / (i + 1) }));
			}
			const contexts = hits
				.slice(0, topK)
				.map((h) => ({ ...(options.textOnly ? {} : { id: h.id }), text: (byId.get(h.id)?.text ?? '').slice(0, 500), score: h.score }));
			const first = contexts[0]?.text.split(/(?<=\.)\s/)[0] ?? '';
			const reply = { answer: contexts.length ? `According to [1], ${first}` : 'I do not know.', contexts };
			if (options.memoize && app.mode === 'normal') replies.set(query, reply);
			send(res, 200, reply);
		})().catch((error: unknown) => send(res, 500, { error: String(error) }));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return Object.assign(app, {
		url: `http://127.0.0.1:${port}/ask`,
		requests: () => total,
		requestsFor: (q: string) => perQuery.get(q) ?? 0,
		degrades,
		stop: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	});
}

const scifact = (name: string) => new URL(`../fixtures/datasets/scifact/${name}`, import.meta.url);

/** A SciFact subset: the first `queryCount` test queries (with their qrels), and a corpus of their relevant documents plus the first `extraDocs` others. */
export function loadScifactSubset(
	queryCount: number,
	extraDocs = 300
): { corpus: BeirDocument[]; cases: { id: string; query: string; relevant: string[] }[] } {
	const corpus = parseBeirCorpus(gunzipSync(readFileSync(scifact('corpus.jsonl.gz'))).toString('utf8'), 'corpus.jsonl.gz');
	const qrels = parseQrels(readFileSync(scifact('qrels.tsv'), 'utf8'), 'qrels.tsv');
	const queries = parseBeirQueries(readFileSync(scifact('queries.jsonl'), 'utf8'), 'queries.jsonl')
		.filter((q) => qrels.has(q.id))
		.slice(0, queryCount);
	const cases = queries.map((q) => ({
		id: q.id,
		query: q.text,
		relevant: [...(qrels.get(q.id) ?? new Map<string, number>())].filter(([, g]) => g > 0).map(([d]) => d)
	}));
	const wanted = new Set(cases.flatMap((c) => c.relevant));
	const subset = corpus.filter((d, i) => wanted.has(d.id) || i < extraDocs);
	return { corpus: queryCount >= queries.length && extraDocs >= corpus.length ? corpus : subset, cases };
}
