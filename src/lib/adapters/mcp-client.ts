/**
 * MCP client adapter over the official SDK (`@modelcontextprotocol/sdk` 1.32.2): connect to a
 * remote MCP server by URL, list its tools / resources / prompts, call tools with timeouts, and
 * expose chosen tools as agent {@link Tool}s (`src/lib/agents/types.ts`).
 *
 * Transports, in the order the SDK's backwards-compatibility pattern gives
 * (`examples/client/streamableHttpWithSseFallbackClient`): Streamable HTTP first (POST
 * `initialize` to the URL); when that answers with a 4xx other than 401/403, the legacy
 * HTTP+SSE transport (GET the URL for an event stream). A bearer token lives only in memory and
 * travels as `Authorization: Bearer …` in `requestInit.headers`.
 *
 * From a browser, the server must answer CORS preflights (allow-origin, and allow-headers
 * `content-type, accept, authorization, mcp-protocol-version, mcp-session-id, last-event-id,
 * mcp-method, mcp-name`; expose `mcp-session-id, www-authenticate`) and the site's CSP
 * `connect-src` must name its origin (`ASSAY_MCP_HOSTS` at build time; localhost and 127.0.0.1
 * are allowed). The error messages below say so, because the browser only reports "Failed to fetch".
 *
 * Tool results are untrusted data: text parts are joined, images / audio / embedded resources are
 * described (`[image omitted: image/png]`) and never fetched or rendered; the loop delimits the
 * text as data in the prompt.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport, SseError } from '@modelcontextprotocol/sdk/client/sse.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { CfWorkerJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/cfworker';
import { ErrorCode as McpErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { Transport, FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { neutraliseStructure } from '../agents/delimit.ts';
import type { Tool, ToolEffect, ToolResult } from '../agents/types.ts';
import { AssayError } from '../shared/errors.ts';
import { canonicalJson, fnv1a32Hex } from '../shared/hash.ts';

/** Default time limit of one MCP request (connect, list, call), ms. */
export const DEFAULT_MCP_TIMEOUT_MS = 30_000;

/** Longest tool result text handed to the model, in UTF-16 code units; longer text is cut with a marker. */
export const MCP_RESULT_MAX_CHARS = 32_000;

/** The CORS headers a browser-reachable MCP server must allow (request) and expose (response). */
export const MCP_CORS_REQUIREMENTS = {
	allowHeaders: [
		'content-type',
		'accept',
		'authorization',
		'mcp-protocol-version',
		'mcp-session-id',
		'last-event-id',
		'mcp-method',
		'mcp-name'
	],
	exposeHeaders: ['mcp-session-id', 'www-authenticate'],
	allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS']
} as const;

/** How to reach one MCP server. */
export interface McpConnectOptions {
	/** The server's MCP endpoint, `http:` or `https:` (e.g. `https://mcp.example.org/mcp`). */
	readonly url: string;
	/** Short name of the server; prefixes its tool names (`<label>__<tool>`). */
	readonly label: string;
	/** Sent as `Authorization: Bearer <token>` on every request; kept only in memory. */
	readonly bearerToken?: string;
	/** Time limit of each request unless a call gives its own, ms; default {@link DEFAULT_MCP_TIMEOUT_MS}. */
	readonly timeoutMs?: number;
	/** `fetch` to use (tests); default the global one. */
	readonly fetch?: FetchLike;
	/** Force one transport; default `auto` (Streamable HTTP, then SSE on a 4xx). */
	readonly transport?: 'auto' | 'streamable-http' | 'sse';
}

/** A tool as the server lists it, with the effect Assay derives from its annotations. */
export interface McpToolInfo {
	/** The server's own tool name (unprefixed). */
	readonly name: string;
	readonly title?: string;
	/** The server's description: untrusted text. */
	readonly description: string;
	/** JSON Schema of the arguments (`type: "object"`). */
	readonly inputSchema: Readonly<Record<string, unknown>>;
	/** MCP tool annotations as sent (hints, not guarantees). */
	readonly annotations?: Readonly<Record<string, unknown>>;
	/** `read-only` only when `annotations.readOnlyHint === true`; anything else (absent, false) is `side-effecting`. */
	readonly effect: ToolEffect;
	/** FNV-1a content hash of name, description, schema and annotations (8 hex chars, as the built-in tools' `toolVersion`). */
	readonly version: string;
}

/** A resource the server lists (not read: reading is for a later feature). */
export interface McpResourceInfo {
	readonly uri: string;
	readonly name: string;
	readonly title?: string;
	readonly description?: string;
	readonly mimeType?: string;
}

/** A prompt the server lists. */
export interface McpPromptInfo {
	readonly name: string;
	readonly title?: string;
	readonly description?: string;
	readonly arguments: readonly { readonly name: string; readonly description?: string; readonly required?: boolean }[];
}

/** Options of one tool call. */
export interface McpCallOptions {
	/** Aborting sends `notifications/cancelled` to the server and rejects with `MCP_TIMEOUT`. */
	readonly signal?: AbortSignal;
	/** Time limit of this call, ms; default the connection's. */
	readonly timeoutMs?: number;
}

/** An open connection to one MCP server. */
export interface McpConnection {
	readonly url: string;
	readonly label: string;
	/** `name` and `version` the server sent in `initialize` (untrusted text). */
	readonly serverInfo: { readonly name: string; readonly version: string; readonly title?: string };
	/** The transport that worked. */
	readonly transport: 'streamable-http' | 'sse';
	/** The tools of the last {@link McpConnection.listTools} (empty before the first). */
	readonly tools: readonly McpToolInfo[];
	/** All tools (every page); `[]` when the server has no tools capability. */
	listTools(): Promise<McpToolInfo[]>;
	/** All resources; `[]` when the server has no resources capability. */
	listResources(): Promise<McpResourceInfo[]>;
	/** All prompts; `[]` when the server has no prompts capability. */
	listPrompts(): Promise<McpPromptInfo[]>;
	/** Call a tool by its server name; the result mapped as for the model (see {@link toToolResult}). */
	callTool(name: string, args: Readonly<Record<string, unknown>>, options?: McpCallOptions): Promise<ToolResult>;
	close(): Promise<void>;
}

const CLIENT_INFO = { name: 'assay', version: '0.1.0' };

/**
 * Connect to an MCP server: Streamable HTTP, falling back to HTTP+SSE when the server answers
 * the `initialize` POST with a 4xx other than 401/403 (unless `transport` forces one).
 *
 * @throws AssayError `CONFIG_INVALID` (URL not http(s), empty label), `MCP_UNREACHABLE`
 *   (network, CORS or CSP failure), `MCP_AUTH_FAILED` (401/403: token missing or rejected),
 *   `MCP_TIMEOUT` (no answer within `timeoutMs`), `MCP_PROTOCOL` (not an MCP server on either transport).
 */
export async function connectMcpServer(options: McpConnectOptions): Promise<McpConnection> {
	let url: URL;
	try {
		url = new URL(options.url);
	} catch {
		throw new AssayError('CONFIG_INVALID', `MCP server URL "${options.url}" is not a URL (expected e.g. https://mcp.example.org/mcp).`);
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:')
		throw new AssayError('CONFIG_INVALID', `MCP server URL must start with http:// or https://, got "${options.url}".`);
	if (options.label.trim() === '') throw new AssayError('CONFIG_INVALID', 'An MCP server needs a label (it prefixes the tool names).');
	const timeoutMs = options.timeoutMs ?? DEFAULT_MCP_TIMEOUT_MS;
	const requestInit: RequestInit | undefined =
		options.bearerToken !== undefined && options.bearerToken !== ''
			? { headers: { Authorization: `Bearer ${options.bearerToken}` } }
			: undefined;
	const transportOptions = {
		...(requestInit ? { requestInit } : {}),
		...(options.fetch ? { fetch: options.fetch } : {})
	};
	const mode = options.transport ?? 'auto';
	const ctx: ErrorContext = { url: url.href, hasToken: requestInit !== undefined, timeoutMs };

	const attempt = async (kind: 'streamable-http' | 'sse'): Promise<{ client: Client; kind: typeof kind }> => {
		const client = new Client(CLIENT_INFO, { capabilities: {}, jsonSchemaValidator: new CfWorkerJsonSchemaValidator() });
		const transport: Transport =
			kind === 'streamable-http' ? new StreamableHTTPClientTransport(url, transportOptions) : new SSEClientTransport(url, transportOptions);
		try {
			await client.connect(transport, { timeout: timeoutMs });
		} catch (error) {
			await client.close().catch(() => {});
			throw error;
		}
		return { client, kind };
	};

	let connected: { client: Client; kind: 'streamable-http' | 'sse' };
	try {
		connected = await attempt(mode === 'sse' ? 'sse' : 'streamable-http');
	} catch (error) {
		if (mode !== 'auto' || !isFallbackStatus(error)) throw toMcpError(error, ctx, 'connect');
		try {
			connected = await attempt('sse');
		} catch (sseError) {
			throw toMcpError(sseError, ctx, 'connect', error);
		}
	}
	const { client, kind } = connected;
	const version = client.getServerVersion();
	const capabilities = client.getServerCapabilities() ?? {};
	let tools: McpToolInfo[] = [];

	const request = async <T>(what: string, run: () => Promise<T>, limitMs = timeoutMs): Promise<T> => {
		try {
			return await run();
		} catch (error) {
			throw toMcpError(error, { ...ctx, timeoutMs: limitMs }, what);
		}
	};

	return {
		url: url.href,
		label: options.label,
		serverInfo: {
			name: version?.name ?? '',
			version: version?.version ?? '',
			...(version?.title !== undefined ? { title: version.title } : {})
		},
		transport: kind,
		get tools() {
			return tools;
		},
		async listTools() {
			if (!capabilities.tools) return (tools = []);
			const listed = await request('tools/list', async () => {
				const all: McpToolInfo[] = [];
				let cursor: string | undefined;
				do {
					const page = await client.listTools(cursor === undefined ? {} : { cursor }, { timeout: timeoutMs });
					for (const t of page.tools) all.push(toolInfo(t));
					cursor = page.nextCursor;
				} while (cursor !== undefined);
				return all;
			});
			tools = listed;
			return listed;
		},
		async listResources() {
			if (!capabilities.resources) return [];
			return request('resources/list', async () => {
				const all: McpResourceInfo[] = [];
				let cursor: string | undefined;
				do {
					const page = await client.listResources(cursor === undefined ? {} : { cursor }, { timeout: timeoutMs });
					for (const r of page.resources)
						all.push({
							uri: r.uri,
							name: r.name,
							...(r.title !== undefined ? { title: r.title } : {}),
							...(r.description !== undefined ? { description: r.description } : {}),
							...(r.mimeType !== undefined ? { mimeType: r.mimeType } : {})
						});
					cursor = page.nextCursor;
				} while (cursor !== undefined);
				return all;
			});
		},
		async listPrompts() {
			if (!capabilities.prompts) return [];
			return request('prompts/list', async () => {
				const all: McpPromptInfo[] = [];
				let cursor: string | undefined;
				do {
					const page = await client.listPrompts(cursor === undefined ? {} : { cursor }, { timeout: timeoutMs });
					for (const p of page.prompts)
						all.push({
							name: p.name,
							...(p.title !== undefined ? { title: p.title } : {}),
							...(p.description !== undefined ? { description: p.description } : {}),
							arguments: (p.arguments ?? []).map((a) => ({
								name: a.name,
								...(a.description !== undefined ? { description: a.description } : {}),
								...(a.required !== undefined ? { required: a.required } : {})
							}))
						});
					cursor = page.nextCursor;
				} while (cursor !== undefined);
				return all;
			});
		},
		async callTool(name, args, callOptions = {}) {
			const limit = callOptions.timeoutMs ?? timeoutMs;
			const result = await request(
				`tools/call ${name}`,
				() =>
					client.callTool({ name, arguments: { ...args } }, undefined, {
						timeout: limit,
						...(callOptions.signal ? { signal: callOptions.signal } : {})
					}),
				limit
			).catch((error: unknown) => {
				// The SDK reports an aborted signal like a timeout; say which it was.
				if (callOptions.signal?.aborted && error instanceof AssayError && error.code === 'MCP_TIMEOUT')
					throw new AssayError('MCP_TIMEOUT', `The call of ${name} on ${ctx.url} was cancelled; the server was told to stop it.`, {
						cause: error,
						details: { url: ctx.url, tool: name, cancelled: true }
					});
				throw error;
			});
			return toToolResult(result);
		},
		async close() {
			await client.close().catch(() => {});
		}
	};
}

/**
 * The agent tools of `connection` whose server names are in `enabledNames`, in the server's order
 * (from the last `listTools()`). Names are `<label>__<tool>` sanitised to `^[a-zA-Z0-9_-]{1,64}$`
 * (see {@link mcpToolName}); descriptions say which server they come from; `run` calls the tool
 * with the loop's signal (cancel or tool timeout → the server is told to stop).
 *
 * @throws AssayError `NOT_FOUND` when an enabled name is not among the listed tools (list first),
 *   `CONFIG_INVALID` when two tools sanitise to the same prefixed name.
 */
export function mcpTools(connection: McpConnection, enabledNames: Iterable<string>): Tool[] {
	const wanted = new Set(enabledNames);
	const known = new Set(connection.tools.map((t) => t.name));
	const missing = [...wanted].filter((n) => !known.has(n));
	if (missing.length > 0)
		throw new AssayError(
			'NOT_FOUND',
			`MCP server "${connection.label}" lists no tool named ${missing.map((n) => `"${n}"`).join(', ')} (call listTools() first; the server may have removed it).`,
			{ details: { server: connection.label, missing } }
		);
	const seen = new Map<string, string>();
	const out: Tool[] = [];
	for (const info of connection.tools) {
		if (!wanted.has(info.name)) continue;
		const name = mcpToolName(connection.label, info.name);
		const clash = seen.get(name);
		if (clash !== undefined)
			throw new AssayError(
				'CONFIG_INVALID',
				`MCP tools "${clash}" and "${info.name}" of "${connection.label}" both become "${name}"; enable only one.`
			);
		seen.set(name, info.name);
		out.push({
			definition: {
				name,
				// The server's text reaches the model's prompt: defuse tags and control tokens in it.
				description: neutraliseStructure(`[MCP server "${connection.label}", tool "${info.name}"] ${info.description}`.trim()),
				inputSchema: info.inputSchema,
				version: info.version,
				effect: info.effect,
				source: { kind: 'mcp', server: connection.label }
			},
			run: (args, context) => connection.callTool(info.name, args, { signal: context.signal })
		});
	}
	return out;
}

/**
 * The model-facing name of an MCP tool: `<label>__<tool>`, every character outside
 * `[a-zA-Z0-9_-]` replaced by `_`, cut to 64 characters (the contract's `^[a-zA-Z0-9_-]{1,64}$`).
 */
export function mcpToolName(label: string, tool: string): string {
	const clean = (s: string): string => s.replace(/[^a-zA-Z0-9_-]/g, '_');
	return `${clean(label)}__${clean(tool)}`.slice(0, 64);
}

/** `read-only` only when the server says `readOnlyHint: true`; unknown or false = `side-effecting`. */
export function mcpToolEffect(annotations: Readonly<Record<string, unknown>> | undefined): ToolEffect {
	return annotations?.['readOnlyHint'] === true ? 'read-only' : 'side-effecting';
}

function toolInfo(t: {
	name: string;
	title?: string | undefined;
	description?: string | undefined;
	inputSchema: Record<string, unknown>;
	annotations?: Record<string, unknown> | undefined;
}): McpToolInfo {
	const description = t.description ?? '';
	const annotations = t.annotations;
	const version = fnv1a32Hex(canonicalJson({ name: t.name, description, inputSchema: t.inputSchema, annotations }));
	return {
		name: t.name,
		...(t.title !== undefined ? { title: t.title } : {}),
		description,
		inputSchema: t.inputSchema,
		...(annotations !== undefined ? { annotations } : {}),
		effect: mcpToolEffect(annotations),
		version
	};
}

/** One content part of an MCP tool result, as far as this adapter reads it. */
type ContentPart = { type: string; text?: unknown; mimeType?: unknown; uri?: unknown; name?: unknown; resource?: unknown };

/**
 * Map an MCP `CallToolResult` to an agent {@link ToolResult}: text parts joined with blank
 * lines; `image` / `audio` → `[image omitted: <mime>]`, `resource_link` → `[resource link omitted:
 * <uri>]`, embedded `resource` → its text when it has text, else `[resource omitted: <uri>]`
 * (nothing is fetched); `structuredContent` kept as `structured`; `isError` kept; text longer
 * than {@link MCP_RESULT_MAX_CHARS} cut with `[… cut: N more characters]`. A result with no
 * content but structured content gets the structured JSON as its text.
 */
export function toToolResult(result: {
	content?: unknown;
	structuredContent?: unknown;
	isError?: unknown;
	toolResult?: unknown;
}): ToolResult {
	const parts = Array.isArray(result.content) ? (result.content as ContentPart[]) : [];
	const texts = parts.map(describePart);
	let content = texts.join('\n\n');
	if (content === '' && result.structuredContent !== undefined) content = JSON.stringify(result.structuredContent);
	if (content === '' && result.toolResult !== undefined) content = JSON.stringify(result.toolResult);
	if (content.length > MCP_RESULT_MAX_CHARS)
		content = `${content.slice(0, MCP_RESULT_MAX_CHARS)}\n[… cut: ${content.length - MCP_RESULT_MAX_CHARS} more characters]`;
	return {
		content,
		...(result.structuredContent !== undefined ? { structured: result.structuredContent } : {}),
		...(result.isError === true ? { isError: true } : {})
	};
}

function describePart(part: ContentPart): string {
	const mime = typeof part.mimeType === 'string' ? part.mimeType : 'unknown type';
	switch (part.type) {
		case 'text':
			return typeof part.text === 'string' ? part.text : '';
		case 'image':
			return `[image omitted: ${mime}]`;
		case 'audio':
			return `[audio omitted: ${mime}]`;
		case 'resource_link':
			return `[resource link omitted: ${String(part.uri)}]`;
		case 'resource': {
			const r = (part.resource ?? {}) as { text?: unknown; uri?: unknown };
			return typeof r.text === 'string' ? r.text : `[resource omitted: ${String(r.uri)}]`;
		}
		default:
			return `[${String(part.type)} content omitted]`;
	}
}

interface ErrorContext {
	readonly url: string;
	readonly hasToken: boolean;
	readonly timeoutMs: number;
}

function httpStatus(error: unknown): number | undefined {
	if (error instanceof StreamableHTTPError || error instanceof SseError) return typeof error.code === 'number' ? error.code : undefined;
	return undefined;
}

/** A Streamable HTTP failure that means "try the legacy transport": a 4xx other than 401/403. */
function isFallbackStatus(error: unknown): boolean {
	const status = httpStatus(error);
	return status !== undefined && status >= 400 && status < 500 && status !== 401 && status !== 403;
}

const BROWSER_NEEDS =
	`From a browser the server must answer CORS preflights: Access-Control-Allow-Origin for this page, ` +
	`Access-Control-Allow-Headers: ${MCP_CORS_REQUIREMENTS.allowHeaders.join(', ')}, ` +
	`Access-Control-Expose-Headers: ${MCP_CORS_REQUIREMENTS.exposeHeaders.join(', ')}; ` +
	`and this site's CSP connect-src must allow its origin (build with ASSAY_MCP_HOSTS=<origin>; localhost and 127.0.0.1 are allowed).`;

/** Turn an SDK / network failure into an AssayError with a code and a message that says what to fix. */
function toMcpError(error: unknown, ctx: ErrorContext, what: string, earlier?: unknown): AssayError {
	if (error instanceof AssayError) return error;
	const status = httpStatus(error) ?? httpStatus(earlier);
	const message = error instanceof Error ? error.message : String(error);
	const details = { url: ctx.url, request: what, ...(status !== undefined ? { status } : {}) };
	if (status === 401 || status === 403 || error instanceof UnauthorizedError)
		return new AssayError(
			'MCP_AUTH_FAILED',
			ctx.hasToken
				? `${ctx.url} rejected the bearer token (HTTP ${status ?? 401}): token rejected. Check the token, or that the server accepts it for this resource.`
				: `${ctx.url} requires authorisation (HTTP ${status ?? 401}): add a bearer token for this server.`,
			{ cause: error, details }
		);
	if (error instanceof McpError && error.code === McpErrorCode.RequestTimeout)
		return new AssayError('MCP_TIMEOUT', `${ctx.url} did not answer ${what} within ${ctx.timeoutMs} ms; the request was cancelled.`, {
			cause: error,
			details
		});
	if (isNetworkError(error))
		return new AssayError(
			'MCP_UNREACHABLE',
			`Could not reach the MCP server at ${ctx.url} (${message}). Check that it runs and the URL is right. ${BROWSER_NEEDS}`,
			{
				cause: error,
				details
			}
		);
	if (error instanceof McpError)
		return new AssayError('MCP_PROTOCOL', `${ctx.url} answered ${what} with an error: ${message}`, { cause: error, details });
	const tried = earlier !== undefined ? ' (tried Streamable HTTP, then the legacy HTTP+SSE transport)' : '';
	return new AssayError(
		'MCP_PROTOCOL',
		`${ctx.url} is not answering as an MCP server${tried}: ${message}. Is this the server's MCP endpoint (often …/mcp or …/sse)?`,
		{
			cause: error,
			details
		}
	);
}

/** `fetch` rejects with a TypeError on network, CORS and CSP failures ("Failed to fetch", "fetch failed"). */
function isNetworkError(error: unknown): boolean {
	if (error instanceof TypeError) return true;
	if (error instanceof SseError && error.code === undefined) return true;
	const cause = error instanceof Error ? (error as { cause?: unknown }).cause : undefined;
	return (
		cause instanceof TypeError || (error instanceof Error && /ECONNREFUSED|fetch failed|Failed to fetch|NetworkError/i.test(error.message))
	);
}
