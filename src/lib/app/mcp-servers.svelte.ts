import { AssayError, toErrorData, type AssayErrorData } from '$lib/shared/errors.ts';
import type { Tool, ToolEffect } from '$lib/agents/types.ts';
import {
	connectMcpServer,
	MCP_CORS_REQUIREMENTS,
	mcpToolName,
	mcpTools,
	type McpConnectOptions,
	type McpConnection,
	type McpPromptInfo,
	type McpResourceInfo,
	type McpToolInfo
} from '$lib/adapters/mcp-client.ts';
import { cspRefusal, pagePolicy } from './csp.ts';
import { readPref, writePref } from './workspace-prefs.ts';

export type { McpPromptInfo, McpResourceInfo, McpToolInfo, ToolEffect };
export { MCP_CORS_REQUIREMENTS };

/**
 * The Agent page's MCP servers (Svelte 5 runes state, no component): servers added by URL, label
 * and optional bearer token; connect / disconnect / remove; per-server status and error; the
 * tools with their effect (read-only / side-effecting from the server's annotations), resources
 * and prompts each server lists; tools enabled one by one (nothing is enabled until the user ticks
 * it); and {@link McpServers.enabledTools} for the agent loop.
 *
 * Persistence: URLs, labels and enabled tool names per workspace in localStorage (key
 * `assay.mcpServers.<workspaceId>`, via `workspace-prefs.ts`). Bearer tokens live only in memory:
 * after a reload a server that needs one shows "add the token and connect". Nothing connects on
 * load — the user clicks Connect (a stored URL is not a consent to call it again).
 */

/** Where a server stands. */
export type McpServerStatus = 'disconnected' | 'connecting' | 'connected' | 'error';

/** A label: 1–32 of `[A-Za-z0-9_-]`, starting with a letter or digit (it prefixes tool names: `<label>__<tool>`). */
export const MCP_LABEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

/** What the page's form sends to {@link McpServers.add}. */
export interface McpServerForm {
	readonly url: string;
	/** Empty = derived from the URL's host (e.g. `mcp_example_org`). */
	readonly label: string;
	/** Empty = none. Kept in memory only. */
	readonly token: string;
}

/** What is stored per server (no token). */
interface StoredServer {
	readonly url: string;
	readonly label: string;
	readonly enabled: readonly string[];
}

const PREF = 'mcpServers';

/** One server's reactive state. Tokens stay on this object (memory) and are never persisted. */
export class McpServerState {
	readonly id: string;
	readonly url: string;
	readonly label: string;
	/** In memory only. */
	token = $state('');
	status = $state<McpServerStatus>('disconnected');
	error = $state<AssayErrorData | null>(null);
	transport = $state<'streamable-http' | 'sse' | null>(null);
	/** `name version` the server sent (untrusted text). */
	serverName = $state('');
	tools = $state.raw<readonly McpToolInfo[]>([]);
	resources = $state.raw<readonly McpResourceInfo[]>([]);
	prompts = $state.raw<readonly McpPromptInfo[]>([]);
	/** Enabled tools by their server name (no duplicates); kept across reloads, applied to the tools the server lists. */
	enabled = $state.raw<readonly string[]>([]);
	/** Enabled names the server no longer lists (shown, then dropped on the next change). */
	missing = $state.raw<readonly string[]>([]);
	connection: McpConnection | null = null;

	constructor(id: string, url: string, label: string, enabled: Iterable<string>) {
		this.id = id;
		this.url = url;
		this.label = label;
		this.enabled = [...enabled].filter((n, i, all) => all.indexOf(n) === i);
	}

	/** The prefixed name the model sees for `tool`. */
	modelName(tool: string): string {
		return mcpToolName(this.label, tool);
	}
}

/** What {@link McpServers} needs from outside; all injectable for tests. */
export interface McpServersDeps {
	readonly storage?: Storage | null;
	readonly connect?: (options: McpConnectOptions) => Promise<McpConnection>;
	/** Why this page may not call `url` (CSP), or `null`; default reads the page's meta CSP. */
	readonly cspCheck?: (url: string) => string | null;
	readonly timeoutMs?: number;
}

function defaultCspCheck(url: string): string | null {
	if (typeof document === 'undefined' || typeof location === 'undefined') return null;
	return cspRefusal(pagePolicy(document), url, location.origin, {
		setting: 'ASSAY_MCP_HOSTS',
		alternative: 'reach it through a local bridge on 127.0.0.1 (docs/mcp-client.md)'
	});
}

function defaultStorage(): Storage | null {
	try {
		return typeof localStorage === 'undefined' ? null : localStorage;
	} catch {
		return null;
	}
}

/** A label from a URL's host: `mcp.example.org:8443` → `mcp_example_org_8443`, cut to 32. */
export function labelFromUrl(url: string): string {
	let host: string;
	try {
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- parsed once, never state
		host = new URL(url).host;
	} catch {
		return 'mcp';
	}
	const clean = host.replace(/[^A-Za-z0-9_-]/g, '_').replace(/^[_-]+/, '');
	return (clean === '' ? 'mcp' : clean).slice(0, 32);
}

/** The MCP servers of one workspace (see the module comment). */
export class McpServers {
	servers = $state<McpServerState[]>([]);
	/** The last refusal of the add form (bad URL, duplicate label, CSP), or `null`. */
	formError = $state<string | null>(null);
	private workspaceId: string | null = null;
	private nextId = 1;
	private readonly storage: Storage | null;
	private readonly connectFn: (options: McpConnectOptions) => Promise<McpConnection>;
	private readonly cspCheck: (url: string) => string | null;
	private readonly timeoutMs: number | undefined;

	constructor(deps: McpServersDeps = {}) {
		this.storage = deps.storage === undefined ? defaultStorage() : deps.storage;
		this.connectFn = deps.connect ?? connectMcpServer;
		this.cspCheck = deps.cspCheck ?? defaultCspCheck;
		this.timeoutMs = deps.timeoutMs;
	}

	/**
	 * Show the servers stored for `workspaceId` (disconnected; connections of the previous
	 * workspace are closed). `null` = no workspace: nothing is stored.
	 */
	async load(workspaceId: string | null): Promise<void> {
		await this.closeAll();
		this.workspaceId = workspaceId;
		this.servers = [];
		if (!workspaceId || !this.storage) return;
		const stored = readPref(this.storage, PREF, workspaceId);
		if (stored.kind !== 'value' || !Array.isArray(stored.value)) return;
		const out: McpServerState[] = [];
		for (const raw of stored.value as unknown[]) {
			if (raw === null || typeof raw !== 'object') continue;
			const { url, label, enabled } = raw as Record<string, unknown>;
			if (typeof url !== 'string' || typeof label !== 'string' || !MCP_LABEL_PATTERN.test(label)) continue;
			if (out.some((s) => s.label === label)) continue;
			const names = Array.isArray(enabled) ? enabled.filter((n): n is string => typeof n === 'string') : [];
			out.push(new McpServerState(`mcp-${this.nextId++}`, url, label, names));
		}
		this.servers = out;
	}

	/**
	 * Add a server from the form and connect to it. Refusals (bad URL, bad or duplicate label, an
	 * origin this build's CSP does not allow) go to `formError` and return `null`; connection
	 * failures stay on the server (`status: 'error'`), which is kept so the user can fix the token.
	 */
	async add(form: McpServerForm): Promise<McpServerState | null> {
		this.formError = null;
		const url = form.url.trim();
		let parsed: URL;
		try {
			// eslint-disable-next-line svelte/prefer-svelte-reactivity -- parsed once, never state
			parsed = new URL(url);
		} catch {
			this.formError = `"${url}" is not a URL (expected e.g. http://127.0.0.1:3000/mcp).`;
			return null;
		}
		if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
			this.formError = `An MCP server URL starts with http:// or https:// (got ${parsed.protocol}).`;
			return null;
		}
		const label = form.label.trim() === '' ? labelFromUrl(url) : form.label.trim();
		if (!MCP_LABEL_PATTERN.test(label)) {
			this.formError = `Label "${label}" must be 1–32 letters, digits, _ or -, starting with a letter or digit (it prefixes the tool names).`;
			return null;
		}
		if (this.servers.some((s) => s.label === label)) {
			this.formError = `A server labelled "${label}" is already added; pick another label.`;
			return null;
		}
		const refused = this.cspCheck(url);
		if (refused) {
			this.formError = refused;
			return null;
		}
		const server = new McpServerState(`mcp-${this.nextId++}`, url, label, []);
		server.token = form.token.trim();
		this.servers = [...this.servers, server];
		this.persist();
		await this.connect(server.id);
		return this.byId(server.id) ?? null;
	}

	/** Connect (or reconnect) a server, then list its tools, resources and prompts. Never throws: failures land on `error`. */
	async connect(id: string): Promise<void> {
		const server = this.byId(id);
		if (!server || server.status === 'connecting') return;
		await this.dropConnection(server);
		server.status = 'connecting';
		server.error = null;
		try {
			const refused = this.cspCheck(server.url);
			if (refused) throw new AssayError('MCP_UNREACHABLE', refused, { details: { url: server.url, csp: true } });
			const connection = await this.connectFn({
				url: server.url,
				label: server.label,
				...(server.token !== '' ? { bearerToken: server.token } : {}),
				...(this.timeoutMs !== undefined ? { timeoutMs: this.timeoutMs } : {})
			});
			server.connection = connection;
			const [tools, resources, prompts] = await Promise.all([connection.listTools(), connection.listResources(), connection.listPrompts()]);
			if (!this.byId(id)) {
				// Removed while connecting.
				await connection.close();
				return;
			}
			const names = tools.map((t) => t.name);
			server.missing = server.enabled.filter((n) => !names.includes(n));
			server.enabled = server.enabled.filter((n) => names.includes(n));
			server.tools = tools;
			server.resources = resources;
			server.prompts = prompts;
			server.transport = connection.transport;
			server.serverName = `${connection.serverInfo.name} ${connection.serverInfo.version}`.trim();
			server.status = 'connected';
		} catch (error) {
			await this.dropConnection(server);
			server.error = toErrorData(error);
			server.status = 'error';
		}
	}

	/** Close the connection; the server stays listed (tools are kept for display but not usable). */
	async disconnect(id: string): Promise<void> {
		const server = this.byId(id);
		if (!server) return;
		await this.dropConnection(server);
		server.status = 'disconnected';
	}

	/** Forget a server (its connection is closed and its entry removed from storage). */
	async remove(id: string): Promise<void> {
		const server = this.byId(id);
		if (!server) return;
		this.servers = this.servers.filter((s) => s.id !== id);
		this.persist();
		await this.dropConnection(server);
	}

	/** Enable or disable one tool (by its server name). */
	setEnabled(id: string, tool: string, on: boolean): void {
		const server = this.byId(id);
		if (!server) return;
		if (on && !server.tools.some((t) => t.name === tool)) return;
		const others = server.enabled.filter((n) => n !== tool);
		server.enabled = on ? [...others, tool] : others;
		server.missing = [];
		this.persist();
	}

	/**
	 * The agent tools to run with: every enabled tool of every connected server, in panel order,
	 * named `<label>__<tool>`. Side-effecting ones still wait for an approval in the loop.
	 */
	enabledTools(): Tool[] {
		const out: Tool[] = [];
		for (const s of this.servers) {
			if (s.status !== 'connected' || !s.connection || s.enabled.length === 0) continue;
			out.push(...mcpTools(s.connection, s.enabled));
		}
		return out;
	}

	/** Count of enabled tools on connected servers (what {@link enabledTools} would return). */
	get enabledCount(): number {
		let n = 0;
		for (const s of this.servers) if (s.status === 'connected') n += s.enabled.length;
		return n;
	}

	/** Close every connection (page unmount). */
	async closeAll(): Promise<void> {
		await Promise.all(this.servers.map((s) => this.dropConnection(s)));
	}

	private byId(id: string): McpServerState | undefined {
		return this.servers.find((s) => s.id === id);
	}

	private async dropConnection(server: McpServerState): Promise<void> {
		const c = server.connection;
		server.connection = null;
		server.transport = null;
		if (c) await c.close().catch(() => {});
	}

	private persist(): void {
		if (!this.workspaceId || !this.storage) return;
		const value: StoredServer[] = this.servers.map((s) => ({ url: s.url, label: s.label, enabled: [...s.enabled, ...s.missing] }));
		writePref(this.storage, PREF, this.workspaceId, value);
	}
}
