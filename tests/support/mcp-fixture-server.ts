/**
 * A real MCP server (official SDK, `@modelcontextprotocol/sdk` 1.32.2) on 127.0.0.1 for the MCP
 * client's integration tests and the Agent page's e2e tests.
 *
 * - Streamable HTTP (default) at `/mcp`, stateful: one `StreamableHTTPServerTransport` and one
 *   `McpServer` per session, routed by the `mcp-session-id` header.
 * - `sse: true` (CLI `--sse`): the legacy HTTP+SSE transport instead — `GET /mcp` opens the event
 *   stream, messages are POSTed to `/messages?sessionId=…`, and `POST /mcp` answers 405, so a
 *   client that tries Streamable HTTP first falls back.
 * - CORS for browser use: `access-control-allow-origin: *`, the MCP request headers allowed and
 *   `mcp-session-id` / `www-authenticate` exposed (docs/mcp-client.md lists the same).
 * - `token`: every request must carry `Authorization: Bearer <token>`, else 401 with
 *   `WWW-Authenticate: Bearer`.
 *
 * Tools: `lookup_order` (`readOnlyHint: true`; text + `structuredContent`), `delete_order`
 * (`destructiveHint: true`; each call is appended to `calls`, so a test can prove a denied call
 * never reached the server), `slow_tool` (waits until the request is cancelled; records the
 * cancellation in `cancelled`), `echo_text` (no annotations; returns its `text` verbatim, for the
 * "results stay text" tests). One resource (`orders://recent`) and one prompt (`summarise_order`).
 *
 * CLI (for Playwright): `tsx tests/support/mcp-fixture-server.ts [--port N] [--token T] [--sse]`
 * prints `MCP fixture listening on <url>` once it listens. Test hooks (no auth): `GET /health`
 * → `{"ok":true}` (a readiness URL for Playwright's `webServer`), `GET /calls` →
 * `{calls, allCalls, cancelled}` (the logs, for a test that runs the server as another process).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';

/** Options of {@link startMcpFixtureServer}. */
export interface McpFixtureOptions {
	/** Port on 127.0.0.1; default 0 (any free port). */
	readonly port?: number;
	/** When set, requests without `Authorization: Bearer <token>` get 401. */
	readonly token?: string;
	/** Serve the legacy HTTP+SSE transport instead of Streamable HTTP. */
	readonly sse?: boolean;
	/** Register only `lookup_order` (no resources, no prompts: a server without those capabilities). */
	readonly toolsOnly?: boolean;
}

/** One recorded tool call on the fixture. */
export interface McpFixtureCall {
	readonly tool: string;
	readonly arguments: Record<string, unknown>;
}

/** A running fixture server. */
export interface McpFixtureServer {
	/** The MCP endpoint, e.g. `http://127.0.0.1:43123/mcp`. */
	readonly url: string;
	/** Calls of `delete_order` (the destructive tool), in order. */
	readonly calls: McpFixtureCall[];
	/** Every tool call the server ran, in order (all tools). */
	readonly allCalls: McpFixtureCall[];
	/** Calls of `slow_tool` that were cancelled by the client (their `label` arguments). */
	readonly cancelled: string[];
	/** The `Authorization` header of each HTTP request, in order (undefined when absent). */
	readonly authHeaders: (string | undefined)[];
	close(): Promise<void>;
}

/** Order statuses `lookup_order` knows. */
const ORDERS: Record<string, string> = { 'A-1001': 'shipped', 'A-1002': 'processing', 'A-1003': 'cancelled' };

/** CORS headers for browser clients (what a real server must send; see docs/mcp-client.md). */
const CORS_HEADERS: Record<string, string> = {
	'access-control-allow-origin': '*',
	'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
	'access-control-allow-headers':
		'content-type, accept, authorization, mcp-protocol-version, mcp-session-id, last-event-id, mcp-method, mcp-name',
	'access-control-expose-headers': 'mcp-session-id, www-authenticate'
};

function buildServer(state: { calls: McpFixtureCall[]; allCalls: McpFixtureCall[]; cancelled: string[] }, toolsOnly = false): McpServer {
	const server = new McpServer({ name: 'assay-mcp-fixture', version: '1.0.0' });
	server.registerTool(
		'lookup_order',
		{
			title: 'Look up an order',
			description: 'Returns the status of an order by its id (e.g. A-1001).',
			inputSchema: { order_id: z.string().describe('Order id, e.g. A-1001') },
			outputSchema: { order_id: z.string(), status: z.string() },
			annotations: { readOnlyHint: true }
		},
		({ order_id }) => {
			state.allCalls.push({ tool: 'lookup_order', arguments: { order_id } });
			const status = ORDERS[order_id];
			if (status === undefined) return { isError: true, content: [{ type: 'text', text: `No order ${order_id}.` }] };
			return {
				content: [{ type: 'text', text: `Order ${order_id} is ${status}.` }],
				structuredContent: { order_id, status }
			};
		}
	);
	if (toolsOnly) return server;
	server.registerTool(
		'delete_order',
		{
			title: 'Delete an order',
			description: 'Deletes an order permanently.',
			inputSchema: { order_id: z.string() },
			annotations: { destructiveHint: true, readOnlyHint: false }
		},
		({ order_id }) => {
			state.calls.push({ tool: 'delete_order', arguments: { order_id } });
			state.allCalls.push({ tool: 'delete_order', arguments: { order_id } });
			return { content: [{ type: 'text', text: `Order ${order_id} deleted.` }] };
		}
	);
	server.registerTool(
		'slow_tool',
		{
			description: 'Waits until the call is cancelled (for timeout tests).',
			inputSchema: { label: z.string().optional() },
			annotations: { readOnlyHint: true }
		},
		({ label }, extra) => {
			state.allCalls.push({ tool: 'slow_tool', arguments: label === undefined ? {} : { label } });
			return new Promise((resolve) => {
				const done = (): void => {
					state.cancelled.push(label ?? '');
					resolve({ content: [{ type: 'text', text: 'cancelled' }], isError: true });
				};
				if (extra.signal.aborted) done();
				else extra.signal.addEventListener('abort', done, { once: true });
			});
		}
	);
	server.registerTool(
		'echo_text',
		{
			description: 'Returns the given text verbatim, plus an image and a resource link (for rendering tests).',
			inputSchema: { text: z.string() }
		},
		({ text }) => {
			state.allCalls.push({ tool: 'echo_text', arguments: { text } });
			return {
				content: [
					{ type: 'text', text },
					{ type: 'image', data: 'iVBORw0KGgo=', mimeType: 'image/png' },
					{ type: 'resource_link', uri: 'orders://recent', name: 'recent orders' }
				]
			};
		}
	);
	server.registerResource(
		'recent-orders',
		'orders://recent',
		{ title: 'Recent orders', description: 'The three most recent orders.', mimeType: 'text/plain' },
		(uri) => ({ contents: [{ uri: uri.href, text: Object.keys(ORDERS).join('\n') }] })
	);
	server.registerPrompt(
		'summarise_order',
		{ title: 'Summarise an order', description: 'Asks for a one-line summary of an order.', argsSchema: { order_id: z.string() } },
		({ order_id }) => ({
			messages: [{ role: 'user', content: { type: 'text', text: `Summarise order ${order_id} in one line.` } }]
		})
	);
	return server;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
	const chunks: Buffer[] = [];
	for await (const c of req) chunks.push(c as Buffer);
	const text = Buffer.concat(chunks).toString('utf8');
	return text === '' ? undefined : (JSON.parse(text) as unknown);
}

/** Start the fixture on 127.0.0.1; resolves once it listens. */
export async function startMcpFixtureServer(options: McpFixtureOptions = {}): Promise<McpFixtureServer> {
	const state = { calls: [] as McpFixtureCall[], allCalls: [] as McpFixtureCall[], cancelled: [] as string[] };
	const authHeaders: (string | undefined)[] = [];
	const streamable = new Map<string, { transport: StreamableHTTPServerTransport; server: McpServer }>();
	const legacy = new Map<string, { transport: SSEServerTransport; server: McpServer }>();

	const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
		for (const [k, v] of Object.entries(CORS_HEADERS)) res.setHeader(k, v);
		if (req.method === 'OPTIONS') {
			res.writeHead(204).end();
			return;
		}
		const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
		if (req.method === 'GET' && (path === '/health' || path === '/calls')) {
			// Test hooks, outside auth: readiness (Playwright's webServer url) and the call logs, for a
			// browser test that runs this file as a separate process.
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(
				JSON.stringify(path === '/health' ? { ok: true } : { calls: state.calls, allCalls: state.allCalls, cancelled: state.cancelled })
			);
			return;
		}
		authHeaders.push(req.headers.authorization);
		if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) {
			res.writeHead(401, { 'www-authenticate': 'Bearer', 'content-type': 'application/json' });
			res.end(JSON.stringify({ error: 'invalid_token' }));
			return;
		}
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		if (options.sse) {
			if (url.pathname === '/mcp' && req.method === 'GET') {
				const transport = new SSEServerTransport('/messages', res);
				const server = buildServer(state, options.toolsOnly);
				legacy.set(transport.sessionId, { transport, server });
				transport.onclose = () => legacy.delete(transport.sessionId);
				await server.connect(transport);
				return;
			}
			if (url.pathname === '/messages' && req.method === 'POST') {
				const entry = legacy.get(url.searchParams.get('sessionId') ?? '');
				if (!entry) {
					res.writeHead(404).end('unknown session');
					return;
				}
				await entry.transport.handlePostMessage(req, res, await readJson(req));
				return;
			}
			res.writeHead(405, { allow: 'GET' }).end('this server speaks the legacy HTTP+SSE transport');
			return;
		}
		if (url.pathname !== '/mcp') {
			res.writeHead(404).end('not found');
			return;
		}
		const sessionId = req.headers['mcp-session-id'];
		const body = req.method === 'POST' ? await readJson(req) : undefined;
		const known = typeof sessionId === 'string' ? streamable.get(sessionId) : undefined;
		if (known) {
			await known.transport.handleRequest(req, res, body);
			return;
		}
		if (req.method !== 'POST' || sessionId !== undefined) {
			res.writeHead(sessionId === undefined ? 400 : 404, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'No valid session' }, id: null }));
			return;
		}
		const server = buildServer(state, options.toolsOnly);
		const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
			sessionIdGenerator: () => randomUUID(),
			onsessioninitialized: (id) => {
				streamable.set(id, { transport, server });
			}
		});
		transport.onclose = () => {
			if (transport.sessionId) streamable.delete(transport.sessionId);
		};
		await server.connect(transport);
		await transport.handleRequest(req, res, body);
	};

	const http = createServer((req, res) => {
		handle(req, res).catch((error: unknown) => {
			if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
			res.end(String(error));
		});
	});
	await new Promise<void>((done) => http.listen(options.port ?? 0, '127.0.0.1', done));
	const port = (http.address() as AddressInfo).port;
	return {
		url: `http://127.0.0.1:${port}/mcp`,
		calls: state.calls,
		allCalls: state.allCalls,
		cancelled: state.cancelled,
		authHeaders,
		async close() {
			for (const { server } of [...streamable.values(), ...legacy.values()]) await server.close().catch(() => {});
			http.closeAllConnections();
			await new Promise<void>((done) => http.close(() => done()));
		}
	};
}

function argValue(argv: readonly string[], flag: string): string | undefined {
	const i = argv.indexOf(flag);
	return i >= 0 ? argv[i + 1] : undefined;
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) {
	const argv = process.argv.slice(2);
	const port = Number(argValue(argv, '--port') ?? '0');
	const token = argValue(argv, '--token');
	const fixture = await startMcpFixtureServer({ port, ...(token ? { token } : {}), sse: argv.includes('--sse') });
	console.log(`MCP fixture listening on ${fixture.url}`);
	const stop = (): void => void fixture.close().then(() => process.exit(0));
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}
