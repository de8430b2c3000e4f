import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
	CallToolRequestSchema,
	ListToolsRequestSchema,
	type CallToolResult,
	type ToolAnnotations
} from '@modelcontextprotocol/sdk/types.js';
import type { Tool } from '../agents/types.ts';
import { isAssayError } from '../shared/errors.ts';
import { CfworkerSchemaValidator } from './json-schema-validator.ts';

/**
 * Assay as an MCP server (official SDK 1.32.2, low-level `Server`): agent {@link Tool}s served
 * over stdio or Streamable HTTP on 127.0.0.1. Each call's arguments are validated against the
 * tool's `inputSchema` before it runs (invalid → an `isError` result listing what is wrong); a
 * tool that throws gives an `isError` result with its message — the server never crashes on
 * a call. Results: `content` as one text part, `structured` as `structuredContent` (when the
 * tool declares an `outputSchema` and the call succeeded).
 */

/** A tool as served: the agent tool plus what MCP clients read about it. */
export interface ServedTool {
	readonly tool: Tool;
	/** JSON Schema of `structuredContent` (MCP `outputSchema`), when the tool returns structured data. */
	readonly outputSchema?: Readonly<Record<string, unknown>>;
	/** MCP annotations; `readOnlyHint` defaults to the tool's effect (`read-only` → true). */
	readonly annotations?: ToolAnnotations;
}

/** Name and version the server reports in `initialize`. */
export interface McpServerInfo {
	readonly name: string;
	readonly version: string;
	/** Shown to clients as the server's instructions. */
	readonly instructions?: string;
}

/** Build one SDK `Server` serving `tools` (a `Server` connects to one transport; make one per connection). */
export function createMcpServer(tools: readonly ServedTool[], info: McpServerInfo): Server {
	const validator = new CfworkerSchemaValidator();
	const byName = new Map(tools.map((t) => [t.tool.definition.name, t]));
	const server = new Server(
		{ name: info.name, version: info.version },
		{ capabilities: { tools: {} }, ...(info.instructions ? { instructions: info.instructions } : {}) }
	);
	server.setRequestHandler(ListToolsRequestSchema, async () => ({
		tools: tools.map(({ tool, outputSchema, annotations }) => ({
			name: tool.definition.name,
			description: tool.definition.description,
			inputSchema: tool.definition.inputSchema as { type: 'object'; [key: string]: unknown },
			...(outputSchema ? { outputSchema: outputSchema as { type: 'object'; [key: string]: unknown } } : {}),
			annotations: { readOnlyHint: tool.definition.effect === 'read-only', ...annotations },
			_meta: { 'assay/version': tool.definition.version }
		}))
	}));
	server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
		const served = byName.get(request.params.name);
		if (!served) return errorResult(`Unknown tool "${request.params.name}". Tools: ${[...byName.keys()].join(', ')}.`);
		const args = request.params.arguments ?? {};
		const problems = validator.validate(served.tool.definition.inputSchema, args);
		if (problems.length > 0) return errorResult(`Invalid arguments for ${request.params.name}: ${problems.join('; ')}`);
		try {
			const result = await served.tool.run(args, { signal: extra.signal });
			const structured =
				served.outputSchema && !result.isError && result.structured !== null && typeof result.structured === 'object'
					? (result.structured as Record<string, unknown>)
					: undefined;
			return {
				content: [{ type: 'text', text: result.content }],
				...(structured ? { structuredContent: structured } : {}),
				...(result.isError ? { isError: true } : {})
			};
		} catch (error) {
			const message = error instanceof Error ? error.message : String(error);
			return errorResult(isAssayError(error) ? `${error.code}: ${message}` : message);
		}
	});
	return server;
}

function errorResult(text: string): CallToolResult {
	return { content: [{ type: 'text', text }], isError: true };
}

/**
 * Serve over stdio (stdin/stdout carry only the protocol; log to stderr). Resolves when the
 * client closes the connection (stdin ends).
 */
export async function serveStdio(tools: readonly ServedTool[], info: McpServerInfo): Promise<void> {
	const server = createMcpServer(tools, info);
	const transport = new StdioServerTransport();
	const closed = new Promise<void>((resolve) => {
		server.onclose = () => resolve();
		process.stdin.once('end', () => resolve());
		process.stdin.once('close', () => resolve());
	});
	await server.connect(transport);
	await closed;
	await server.close().catch(() => {});
}

/** A running Streamable HTTP server. */
export interface McpHttpHandle {
	/** `http://127.0.0.1:<port>/mcp`. */
	readonly url: string;
	readonly port: number;
	close(): Promise<void>;
}

/** Options of {@link serveHttp}. */
export interface McpHttpOptions {
	/** Port on 127.0.0.1; 0 = any free port. */
	readonly port: number;
	/**
	 * Browser origins allowed to call the server (e.g. `https://assay.example`), answered with
	 * CORS headers. Requests with any other `Origin` are refused (403); requests without one
	 * (non-browser clients) pass. Default none.
	 */
	readonly allowedOrigins?: readonly string[];
}

const CORS_ALLOW_HEADERS = 'content-type, accept, authorization, mcp-protocol-version, mcp-session-id, last-event-id, mcp-method, mcp-name';

/**
 * Serve over Streamable HTTP at `/mcp` on 127.0.0.1 only, stateless (a fresh SDK server and
 * transport per request, JSON responses). DNS-rebinding protection: the `Host` header must be
 * `127.0.0.1:<port>` or `localhost:<port>` and an `Origin`, when sent, must be
 * `http://127.0.0.1:<port>`, `http://localhost:<port>` or one of `allowedOrigins` — otherwise
 * 403 before anything is parsed (checked here, and again by the SDK transport's own
 * `allowedHosts`/`allowedOrigins` check).
 */
export async function serveHttp(tools: readonly ServedTool[], info: McpServerInfo, options: McpHttpOptions): Promise<McpHttpHandle> {
	let port = options.port;
	const hosts = () => [`127.0.0.1:${port}`, `localhost:${port}`];
	const origins = () => [`http://127.0.0.1:${port}`, `http://localhost:${port}`, ...(options.allowedOrigins ?? [])];

	const refuse = (res: ServerResponse, status: number, message: string) => {
		res.writeHead(status, { 'content-type': 'application/json' });
		res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
	};

	async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const host = req.headers.host ?? '';
		if (!hosts().includes(host)) return refuse(res, 403, `Invalid Host header: ${host || '(none)'}`);
		const origin = req.headers.origin;
		if (origin !== undefined && !origins().includes(origin)) return refuse(res, 403, `Invalid Origin header: ${origin}`);
		if (origin !== undefined) {
			res.setHeader('access-control-allow-origin', origin);
			res.setHeader('vary', 'Origin');
			res.setHeader('access-control-expose-headers', 'mcp-session-id, www-authenticate');
		}
		const path = (req.url ?? '/').split('?')[0];
		if (path !== '/mcp') return refuse(res, 404, 'Not found: the MCP endpoint is /mcp');
		if (req.method === 'OPTIONS') {
			res.writeHead(204, {
				'access-control-allow-methods': 'POST, GET, DELETE, OPTIONS',
				'access-control-allow-headers': CORS_ALLOW_HEADERS,
				'access-control-max-age': '600'
			});
			return void res.end();
		}
		if (req.method !== 'POST') {
			// Stateless: no server-initiated stream (GET) and no session to delete.
			res.writeHead(405, { allow: 'POST, OPTIONS', 'content-type': 'application/json' });
			return void res.end(
				JSON.stringify({
					jsonrpc: '2.0',
					error: { code: -32000, message: 'Method not allowed: this server is stateless (POST only).' },
					id: null
				})
			);
		}
		const server = createMcpServer(tools, info);
		const transport = new StreamableHTTPServerTransport({
			sessionIdGenerator: undefined,
			enableJsonResponse: true,
			enableDnsRebindingProtection: true,
			allowedHosts: hosts(),
			allowedOrigins: origins()
		});
		res.on('close', () => {
			void transport.close();
			void server.close();
		});
		await server.connect(transport);
		await transport.handleRequest(req, res);
	}

	const http = createServer((req, res) => {
		handle(req, res).catch((error: unknown) => {
			if (!res.headersSent) refuse(res, 500, error instanceof Error ? error.message : String(error));
			else res.end();
		});
	});
	await new Promise<void>((resolve, reject) => {
		http.once('error', reject);
		http.listen(options.port, '127.0.0.1', () => resolve());
	});
	port = (http.address() as AddressInfo).port;
	return {
		url: `http://127.0.0.1:${port}/mcp`,
		port,
		close: () =>
			new Promise<void>((resolve) => {
				http.closeAllConnections();
				http.close(() => resolve());
			})
	};
}
