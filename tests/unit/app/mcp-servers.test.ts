import { describe, expect, it } from 'vitest';
import { labelFromUrl, McpServers } from '../../../src/lib/app/mcp-servers.svelte.ts';
import type { McpConnectOptions, McpConnection, McpToolInfo } from '../../../src/lib/adapters/mcp-client.ts';
import { AssayError } from '../../../src/lib/shared/errors.ts';
import { memoryStorage } from '../../support/memory-storage.ts';

const tool = (name: string, effect: McpToolInfo['effect']): McpToolInfo => ({
	name,
	description: `${name} does things`,
	inputSchema: { type: 'object', properties: {} },
	effect,
	version: 'v1'
});

/** A fake connect: records options, lists two tools, and closes on request. */
function fakeConnect(tools = [tool('lookup_order', 'read-only'), tool('delete_order', 'side-effecting')]) {
	const seen: McpConnectOptions[] = [];
	let closed = 0;
	const connect = async (options: McpConnectOptions): Promise<McpConnection> => {
		seen.push(options);
		if (options.bearerToken === 'bad') throw new AssayError('MCP_AUTH_FAILED', 'token rejected');
		let listed: McpToolInfo[] = [];
		return {
			url: options.url,
			label: options.label,
			serverInfo: { name: 'fake', version: '1.0' },
			transport: 'streamable-http',
			get tools() {
				return listed;
			},
			listTools: async () => (listed = tools),
			listResources: async () => [{ uri: 'orders://recent', name: 'recent' }],
			listPrompts: async () => [],
			callTool: async (name) => ({ content: `ran ${name}` }),
			close: async () => void closed++
		};
	};
	return { connect, seen, closed: () => closed };
}

describe('MCP servers app state', () => {
	it('adds and connects a server with nothing enabled, then enables tools one by one for the agent', async () => {
		const fake = fakeConnect();
		const servers = new McpServers({ storage: memoryStorage(), connect: fake.connect, cspCheck: () => null });
		await servers.load('ws1');
		const s = await servers.add({ url: 'http://127.0.0.1:3000/mcp', label: 'orders', token: 'tok' });
		expect(s?.status).toBe('connected');
		expect(s?.serverName).toBe('fake 1.0');
		expect(s?.tools.map((t) => [t.name, t.effect])).toEqual([
			['lookup_order', 'read-only'],
			['delete_order', 'side-effecting']
		]);
		expect(s?.resources).toEqual([{ uri: 'orders://recent', name: 'recent' }]);
		expect(fake.seen[0]).toEqual({ url: 'http://127.0.0.1:3000/mcp', label: 'orders', bearerToken: 'tok' });
		expect(servers.enabledTools()).toEqual([]);

		servers.setEnabled(s!.id, 'delete_order', true);
		const tools = servers.enabledTools();
		expect(tools.map((t) => [t.definition.name, t.definition.effect])).toEqual([['orders__delete_order', 'side-effecting']]);
		expect(servers.enabledCount).toBe(1);
		expect(await tools[0]!.run({}, { signal: new AbortController().signal })).toEqual({ content: 'ran delete_order' });
	});

	it('stores URLs, labels and enabled names per workspace but never the token, and reloads disconnected', async () => {
		const storage = memoryStorage();
		const fake = fakeConnect();
		const servers = new McpServers({ storage, connect: fake.connect, cspCheck: () => null });
		await servers.load('ws1');
		const s = await servers.add({ url: 'http://127.0.0.1:3000/mcp', label: 'orders', token: 'secret-token' });
		servers.setEnabled(s!.id, 'lookup_order', true);
		expect(storage.getItem('assay.mcpServers.ws1')).toBe(
			JSON.stringify([{ url: 'http://127.0.0.1:3000/mcp', label: 'orders', enabled: ['lookup_order'] }])
		);
		expect(JSON.stringify(Object.fromEntries(Object.keys(storage).map((k) => [k, storage.getItem(k)])))).not.toContain('secret-token');

		const again = new McpServers({ storage, connect: fake.connect, cspCheck: () => null });
		await again.load('ws1');
		expect(again.servers.map((x) => [x.label, x.status, x.token, x.enabled])).toEqual([['orders', 'disconnected', '', ['lookup_order']]]);
		expect(again.enabledTools()).toEqual([]);
		await again.connect(again.servers[0]!.id);
		expect(again.enabledTools().map((t) => t.definition.name)).toEqual(['orders__lookup_order']);
		await again.load('ws2');
		expect(again.servers).toEqual([]);
		expect(fake.closed()).toBe(1);
	});

	it('keeps a server whose token is rejected, with the error, and reconnects once the token is fixed', async () => {
		const servers = new McpServers({ storage: null, connect: fakeConnect().connect, cspCheck: () => null });
		const s = await servers.add({ url: 'https://mcp.example.org/mcp', label: '', token: 'bad' });
		expect(s?.label).toBe('mcp_example_org');
		expect(s?.status).toBe('error');
		expect(s?.error).toMatchObject({ code: 'MCP_AUTH_FAILED', message: 'token rejected' });
		s!.token = 'good';
		await servers.connect(s!.id);
		expect(servers.servers[0]!.status).toBe('connected');
	});

	it('refuses a bad URL, a bad or duplicate label and an origin the CSP does not allow, in formError', async () => {
		const servers = new McpServers({
			storage: null,
			connect: fakeConnect().connect,
			cspCheck: (url) => (url.startsWith('https://blocked.example') ? 'CSP: rebuild with ASSAY_MCP_HOSTS' : null)
		});
		expect(await servers.add({ url: 'not a url', label: 'a', token: '' })).toBeNull();
		expect(servers.formError).toContain('is not a URL');
		expect(await servers.add({ url: 'ftp://x.example/mcp', label: 'a', token: '' })).toBeNull();
		expect(servers.formError).toContain('http:// or https://');
		expect(await servers.add({ url: 'http://127.0.0.1:1/mcp', label: 'bad label!', token: '' })).toBeNull();
		expect(servers.formError).toContain('must be 1–32 letters');
		await servers.add({ url: 'http://127.0.0.1:1/mcp', label: 'a', token: '' });
		expect(await servers.add({ url: 'http://127.0.0.1:2/mcp', label: 'a', token: '' })).toBeNull();
		expect(servers.formError).toContain('already added');
		expect(await servers.add({ url: 'https://blocked.example/mcp', label: 'b', token: '' })).toBeNull();
		expect(servers.formError).toBe('CSP: rebuild with ASSAY_MCP_HOSTS');
		expect(servers.servers.map((s) => s.label)).toEqual(['a']);
	});

	it('drops enabled names the server no longer lists, showing them as missing', async () => {
		const storage = memoryStorage({
			'assay.mcpServers.ws1': JSON.stringify([
				{ url: 'http://127.0.0.1:3000/mcp', label: 'orders', enabled: ['gone_tool', 'lookup_order'] }
			])
		});
		const servers = new McpServers({ storage, connect: fakeConnect().connect, cspCheck: () => null });
		await servers.load('ws1');
		await servers.connect(servers.servers[0]!.id);
		expect(servers.servers[0]!.missing).toEqual(['gone_tool']);
		expect(servers.enabledTools().map((t) => t.definition.name)).toEqual(['orders__lookup_order']);
	});

	it('removes a server, closing its connection and its stored entry', async () => {
		const storage = memoryStorage();
		const fake = fakeConnect();
		const servers = new McpServers({ storage, connect: fake.connect, cspCheck: () => null });
		await servers.load('ws1');
		const s = await servers.add({ url: 'http://127.0.0.1:3000/mcp', label: 'orders', token: '' });
		await servers.remove(s!.id);
		expect(servers.servers).toEqual([]);
		expect(fake.closed()).toBe(1);
		expect(storage.getItem('assay.mcpServers.ws1')).toBe('[]');
	});

	it('derives a label from the URL host', () => {
		expect(labelFromUrl('http://127.0.0.1:3000/mcp')).toBe('127_0_0_1_3000');
		expect(labelFromUrl('nope')).toBe('mcp');
	});
});
