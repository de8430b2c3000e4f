/**
 * `assay mcp` as an MCP client sees it (official SDK `Client`): over stdio (the client spawns
 * `node bin/assay.js mcp --dataset <Cranfield>`) and over Streamable HTTP on 127.0.0.1
 * (`--http 0`, URL read from stderr). Both list the six read-only tools, and `search_documents`
 * top-10 document ids equal `assay bm25`'s run (defaults) for the same Cranfield queries.
 * The HTTP server refuses a foreign Host or Origin (DNS rebinding).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBeirDataset } from '../../../src/cli/beir-files.ts';
import { connectMcpServer } from '../../../src/lib/adapters/mcp-client.ts';
import { evaluateRun, parseQrels, parseRun, sortForEvaluation } from '../../../src/lib/evals/metrics/index.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const CRANFIELD = join(root, 'tests/fixtures/datasets/cranfield');
const work = mkdtempSync(join(tmpdir(), 'assay-mcp-'));
const TOOLS = ['search_documents', 'read_chunk', 'read_document', 'list_documents', 'metrics', 'gate'];
/** Queries checked for parity: the first 8 judged Cranfield queries. */
const dataset = loadBeirDataset(CRANFIELD);
const QUERIES = dataset.queries.filter((q) => dataset.qrels!.has(q.id)).slice(0, 8);

let bm25Top10 = new Map<string, string[]>();
const runPath = join(work, 'cranfield.run');
beforeAll(() => {
	const cli = spawnSync(process.execPath, [join(root, 'bin/assay.js'), 'bm25', '--dataset', CRANFIELD, '--out', runPath], {
		cwd: root,
		encoding: 'utf8'
	});
	expect(cli.status).toBe(0);
	const run = parseRun(readFileSync(runPath, 'utf8'));
	bm25Top10 = new Map(
		[...run].map(([qid, entries]) => [
			qid,
			sortForEvaluation(entries)
				.slice(0, 10)
				.map((e) => e.docId)
		])
	);
}, 60_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Hits = { hits: { rank: number; id: string; chunk_id: string }[] };

async function expectParity(client: Client): Promise<void> {
	for (const q of QUERIES) {
		const result = await client.callTool({ name: 'search_documents', arguments: { query: q.text, top_k: 10 } });
		expect(result.isError).toBeFalsy();
		const ids = (result.structuredContent as Hits).hits.map((h) => h.id);
		expect(ids, `query ${q.id}`).toEqual(bm25Top10.get(q.id));
		expect(ids).toHaveLength(10);
	}
}

async function expectToolList(client: Client): Promise<void> {
	const { tools } = await client.listTools();
	expect(tools.map((t) => t.name)).toEqual(TOOLS);
	for (const t of tools) expect(t.annotations?.readOnlyHint, t.name).toBe(true);
	const search = tools.find((t) => t.name === 'search_documents')!;
	expect(search.name).toContain('search');
	expect(Object.keys(search.inputSchema.properties ?? {})).toEqual(['query', 'top_k', 'document_ids', 'tags']);
	expect(search.inputSchema.required).toEqual(['query']);
	expect(search.outputSchema?.required).toEqual(['hits']);
}

describe('assay mcp over stdio', () => {
	let client: Client;
	let transport: StdioClientTransport;
	let stderr = '';
	beforeAll(async () => {
		transport = new StdioClientTransport({
			command: process.execPath,
			args: [join(root, 'bin/assay.js'), 'mcp', '--dataset', CRANFIELD],
			cwd: root,
			stderr: 'pipe'
		});
		transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
		client = new Client({ name: 'assay-test', version: '1.0.0' });
		await client.connect(transport);
	}, 60_000);
	afterAll(async () => {
		await client?.close();
	});

	it('lists the six read-only tools, search_documents with query and top_k and an output schema', async () => {
		await expectToolList(client);
		expect(client.getServerVersion()).toEqual({ name: 'assay', version: '0.1.0' });
		expect(stderr).toContain(
			'assay mcp: dataset cranfield (1400 documents); serving search_documents, read_chunk, read_document, list_documents, metrics, gate over stdio'
		);
	});

	it('search_documents returns the same top-10 documents as assay bm25 for 8 Cranfield queries', async () => {
		await expectParity(client);
	}, 30_000);

	it('reads the chunk and the document of a hit, and answers an unknown id with an error result', async () => {
		const search = await client.callTool({ name: 'search_documents', arguments: { query: QUERIES[0]!.text, top_k: 1 } });
		const hit = (search.structuredContent as Hits).hits[0]!;
		const chunk = await client.callTool({ name: 'read_chunk', arguments: { chunk_id: hit.chunk_id } });
		expect(chunk.structuredContent).toMatchObject({ chunk_id: hit.chunk_id, id: hit.id, ordinal: 0 });
		const doc = await client.callTool({ name: 'read_document', arguments: { document_id: hit.id, length: 50 } });
		expect(doc.structuredContent).toMatchObject({ id: hit.id, start: 0, end: 50 });
		const missing = await client.callTool({ name: 'read_document', arguments: { document_id: 'no-such-doc' } });
		expect(missing).toMatchObject({
			isError: true,
			content: [{ type: 'text', text: 'No document with id "no-such-doc". Use an id returned by search_documents or list_documents.' }]
		});
	});

	it('refuses arguments that fail the schema before running the tool', async () => {
		const result = await client.callTool({ name: 'search_documents', arguments: { query: 'x', top_k: 50 } });
		expect(result.isError).toBe(true);
		expect((result.content as { text: string }[])[0]!.text).toMatch(/^Invalid arguments for search_documents: \/top_k: /);
	});

	it('metrics scores the bm25 run against the qrels exactly as the library does, from paths or inline text', async () => {
		const qrelsPath = join(CRANFIELD, 'qrels.tsv');
		const expected = evaluateRun(parseQrels(readFileSync(qrelsPath, 'utf8'), qrelsPath), parseRun(readFileSync(runPath, 'utf8')), {
			cutoffs: [5, 10]
		}).summary;
		// The run lies in a temp folder: outside the server's folders (cwd and the dataset) it is refused, inline it is read.
		const refused = await client.callTool({ name: 'metrics', arguments: { qrels: qrelsPath, run: runPath } });
		expect(refused.isError).toBe(true);
		expect((refused.content as { text: string }[])[0]!.text).toContain('is outside the folders this server may read');
		const result = await client.callTool({
			name: 'metrics',
			arguments: { qrels: qrelsPath, run_text: readFileSync(runPath, 'utf8'), cutoffs: [5, 10] }
		});
		expect(result.isError).toBeFalsy();
		const all = (result.structuredContent as { all: Record<string, number> }).all;
		expect(all['ndcg_cut_10']).toBe(expected['ndcg_cut_10']);
		expect(all['map']).toBe(expected['map']);
		expect(all['num_q']).toBe(225);
		expect((result.content as { text: string }[])[0]!.text).toContain(
			`ndcg_cut_10           \tall\t${expected['ndcg_cut_10']!.toFixed(4)}`
		);
	});

	it('gate answers PASS and FAIL on the gate fixtures with the verdict in structuredContent', async () => {
		const dir = 'tests/fixtures/gate';
		const pass = await client.callTool({
			name: 'gate',
			arguments: { baseline: `${dir}/baseline.json`, candidate: `${dir}/candidate-pass.json` }
		});
		expect((pass.structuredContent as { verdict: string }).verdict).toBe('PASS');
		const fail = await client.callTool({
			name: 'gate',
			arguments: { baseline: `${dir}/baseline.json`, candidate: `${dir}/candidate-fail.json` }
		});
		expect((fail.structuredContent as { verdict: string }).verdict).toBe('FAIL');
		expect((fail.content as { text: string }[])[0]!.text).toMatch(
			/^FAIL: bm25 k1=3 b=1 vs baseline bm25 k1=0.9 b=0.4 on "fixture golden set" \(30 queries\)\n {2}FAIL ndcg@10: /
		);
	});
});

/** Start `assay mcp --http 0` and read the URL it prints on stderr. */
async function startHttp(): Promise<{ child: ChildProcess; url: URL }> {
	const child = spawn(
		process.execPath,
		[join(root, 'bin/assay.js'), 'mcp', '--dataset', CRANFIELD, '--http', '0', '--allow-origin', 'https://app.example'],
		{
			cwd: root,
			stdio: ['ignore', 'pipe', 'pipe']
		}
	);
	let stderr = '';
	const url = await new Promise<URL>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`no URL on stderr: ${stderr}`)), 50_000);
		child.stderr!.on('data', (chunk: Buffer) => {
			stderr += chunk.toString('utf8');
			const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(stderr);
			if (m) {
				clearTimeout(timer);
				resolve(new URL(m[1]!));
			}
		});
		child.once('exit', (code) => reject(new Error(`assay mcp exited ${code}: ${stderr}`)));
	});
	return { child, url };
}

/** A raw POST with chosen headers (fetch cannot set Host). */
function rawPost(url: URL, headers: Record<string, string>): Promise<{ status: number; body: string }> {
	return new Promise((resolve, reject) => {
		const body = JSON.stringify({
			jsonrpc: '2.0',
			id: 1,
			method: 'initialize',
			params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } }
		});
		const req = request(
			{
				host: '127.0.0.1',
				port: url.port,
				path: url.pathname,
				method: 'POST',
				headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }
			},
			(res) => {
				let text = '';
				res.on('data', (c: Buffer) => (text += c.toString('utf8')));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
			}
		);
		req.on('error', reject);
		req.end(body);
	});
}

describe('assay mcp over Streamable HTTP on 127.0.0.1', () => {
	let child: ChildProcess;
	let url: URL;
	let client: Client;
	beforeAll(async () => {
		({ child, url } = await startHttp());
		client = new Client({ name: 'assay-test', version: '1.0.0' });
		await client.connect(new StreamableHTTPClientTransport(url));
	}, 60_000);
	afterAll(async () => {
		await client?.close();
		if (child && child.exitCode === null) {
			const exited = new Promise((r) => child.once('exit', r));
			child.kill('SIGTERM');
			await exited;
		}
	});

	it('binds 127.0.0.1 and lists the same six read-only tools', async () => {
		expect(url.hostname).toBe('127.0.0.1');
		await expectToolList(client);
	});

	it('search_documents returns the same top-10 documents as assay bm25 for 8 Cranfield queries', async () => {
		await expectParity(client);
	}, 30_000);

	it('Assay’s own MCP client lists its tools as read-only and its search returns the assay bm25 top 10', async () => {
		const connection = await connectMcpServer({ url: url.href, label: 'assay', transport: 'streamable-http' });
		try {
			const tools = await connection.listTools();
			expect(tools.map((t) => [t.name, t.effect])).toEqual(TOOLS.map((n) => [n, 'read-only']));
			for (const q of QUERIES.slice(0, 5)) {
				const result = await connection.callTool('search_documents', { query: q.text, top_k: 10 });
				expect((result.structured as Hits).hits.map((h) => h.id)).toEqual(bm25Top10.get(q.id));
			}
		} finally {
			await connection.close();
		}
	}, 30_000);

	it('refuses a foreign Host header and a foreign Origin with 403 (DNS rebinding), and accepts its own', async () => {
		const evil = await rawPost(url, { host: 'evil.example' });
		expect(evil.status).toBe(403);
		expect(JSON.parse(evil.body)).toMatchObject({ error: { message: 'Invalid Host header: evil.example' } });
		const rebound = await rawPost(url, { host: `evil.example:${url.port}` });
		expect(rebound.status).toBe(403);
		const origin = await rawPost(url, { host: url.host, origin: 'http://evil.example' });
		expect(origin.status).toBe(403);
		expect(JSON.parse(origin.body)).toMatchObject({ error: { message: 'Invalid Origin header: http://evil.example' } });
		const own = await rawPost(url, { host: url.host });
		expect(own.status).toBe(200);
		expect(JSON.parse(own.body)).toMatchObject({ result: { serverInfo: { name: 'assay' } } });
	});

	it('answers the preflight and the call of an origin given with --allow-origin with CORS headers', async () => {
		const preflight = await fetch(url, {
			method: 'OPTIONS',
			headers: {
				origin: 'https://app.example',
				'access-control-request-method': 'POST',
				'access-control-request-headers': 'content-type, mcp-protocol-version'
			}
		});
		expect(preflight.status).toBe(204);
		expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example');
		expect(preflight.headers.get('access-control-allow-headers')).toBe(
			'content-type, accept, authorization, mcp-protocol-version, mcp-session-id, last-event-id, mcp-method, mcp-name'
		);
		const call = await rawPost(url, { host: url.host, origin: 'https://app.example' });
		expect(call.status).toBe(200);
		const other = await fetch(url, { method: 'OPTIONS', headers: { origin: 'https://other.example' } });
		expect(other.status).toBe(403);
	});

	it('stops on SIGTERM with exit code 0', async () => {
		await client.close();
		const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
		child.kill('SIGTERM');
		expect(await exited).toBe(0);
	});
});

describe('assay mcp --folder over stdio', () => {
	it('searches and reads the files of a folder, chunked as assay ingest does, by their paths', async () => {
		const dir = join(work, 'handbook');
		mkdirSync(dir, { recursive: true });
		writeFileSync(join(dir, 'leave.md'), '# Leave\n\nEmployees get 26 days of annual leave.\n');
		writeFileSync(join(dir, 'overtime.txt'), 'Overtime must be approved by the team lead.');
		const client = new Client({ name: 'assay-test', version: '1.0.0' });
		await client.connect(
			new StdioClientTransport({
				command: process.execPath,
				args: [join(root, 'bin/assay.js'), 'mcp', '--folder', dir],
				cwd: root,
				stderr: 'pipe'
			})
		);
		try {
			const search = await client.callTool({ name: 'search_documents', arguments: { query: 'who approves overtime' } });
			expect((search.structuredContent as Hits).hits.map((h) => [h.id, h.chunk_id])).toEqual([
				['handbook/overtime.txt', 'handbook/overtime.txt#0']
			]);
			const doc = await client.callTool({ name: 'read_document', arguments: { document_id: 'handbook/leave.md' } });
			expect((doc.content as { text: string }[])[0]!.text).toBe(
				'handbook/leave.md — leave.md, characters 0–48 of 48\n# Leave\n\nEmployees get 26 days of annual leave.\n\n[end of document]'
			);
			const list = await client.callTool({ name: 'list_documents', arguments: {} });
			expect(list.structuredContent).toEqual({
				total: 2,
				offset: 0,
				documents: [
					{ id: 'handbook/leave.md', title: 'leave.md', chunk_count: 1 },
					{ id: 'handbook/overtime.txt', title: 'overtime.txt', chunk_count: 1 }
				]
			});
		} finally {
			await client.close();
		}
	}, 30_000);
});

describe('assay mcp --help', () => {
	it('prints the usage with the tools and exits 0', () => {
		const cli = spawnSync(process.execPath, [join(root, 'bin/assay.js'), 'mcp', '--help'], { cwd: root, encoding: 'utf8' });
		expect(cli.status).toBe(0);
		expect(cli.stdout).toMatch(/^Usage: assay mcp \(--dataset <BEIR folder> \| --folder <dir>\) \[--http <port>\]/);
		expect(cli.stdout).toContain('search_documents');
	});
});
