/**
 * The app's built-in agent tools over the real library service (fake-indexeddb): run as a
 * restricted principal, no tool returns anything of a document outside its access list — not
 * search (in any form: plain, restricted to the secret's id, by tag), not read_chunk with the
 * secret's chunk id, not read_document by path or internal id, not list_documents. The owner
 * and an allowed group do see it, so every check can fail.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeAll, describe, expect, it } from 'vitest';
import { CfworkerSchemaValidator } from '../../../src/lib/adapters/json-schema-validator.ts';
import { denyAllPolicy } from '../../../src/lib/agents/approval.ts';
import { runAgent } from '../../../src/lib/agents/loop.ts';
import type { Tool } from '../../../src/lib/agents/types.ts';
import { createWorkspaceToolsPort, workspaceAgentTools } from '../../../src/lib/app/agent-tools.ts';
import { builtinTools } from '../../../src/lib/agents/builtin-tools.ts';
import { ScriptedChatModel, type ChatScript } from '../../../src/lib/generation/scripted.ts';
import type { ChatRequest } from '../../../src/lib/generation/types.ts';
import { createLibraryService } from '../../../src/lib/services/library.ts';
import type { ImportFileInput, LibraryApi } from '../../../src/lib/services/library-api.ts';

const CANARY = 'QX7CANARYVAULT';
const SECRET_PATH = 'vault/payroll-secret.txt';
const QUERY = 'salary bank money payroll';
const bob = { user: 'bob', groups: ['eng'] };
const carol = { user: 'carol', groups: ['finance'] };
const ctx = { signal: new AbortController().signal };

function file(relativePath: string, body: string): ImportFileInput {
	return { file: new Blob([body]), name: relativePath.split('/').pop()!, relativePath };
}

// The secret shares every query word with the public documents, and more of them: unfiltered, it ranks first.
const DOCS = [
	file('public/pets.txt', 'the puppy barked at the kennel and wagged its tail'),
	file('public/finance.txt', 'stock prices fell and investors lost money at the bank'),
	file('public/salary.txt', 'salary is paid by the bank every month'),
	file(SECRET_PATH, `payroll salary bank money: the board pays ${CANARY} bonuses from the bank salary payroll money fund`)
];

let lib: LibraryApi;
let workspaceId = '';
let secretId = '';
let secretChunk = '';

beforeAll(async () => {
	lib = createLibraryService({ idbFactory: new IDBFactory() });
	const ws = await lib.createWorkspace('Agent tools');
	workspaceId = ws.id;
	await lib.importFiles(ws.id, DOCS, 'import');
	const secret = (await lib.listDocuments(ws.id)).find((d) => d.relativePath === SECRET_PATH)!;
	secretId = secret.id;
	secretChunk = `${secret.id}#0`;
	await lib.setDocumentAccess(ws.id, secret.id, { users: ['alice'], groups: ['finance'] });
});

const toolsAs = (runAs: { user: string; groups: string[] } | null): Tool[] =>
	builtinTools(createWorkspaceToolsPort(lib, workspaceId, { runAs }));
const run = (tools: Tool[], name: string, args: Record<string, unknown>) => tools.find((t) => t.definition.name === name)!.run(args, ctx);

/** Nothing of the secret document in `value`: not its text, not its id or chunk ids, not its path. */
function expectNoSecret(value: unknown): void {
	const json = JSON.stringify(value);
	expect(json).not.toContain(CANARY);
	expect(json).not.toContain(secretId);
	expect(json).not.toContain(SECRET_PATH);
}

describe('the app’s built-in tools run as the workspace’s principal', () => {
	it('the owner and an allowed group find and read the secret document (the suite can fail)', async () => {
		for (const tools of [toolsAs(null), toolsAs(carol)]) {
			const search = await run(tools, 'search_documents', { query: QUERY, top_k: 4 });
			expect((search.structured as { hits: { id: string }[] }).hits[0]!.id).toBe(SECRET_PATH);
			expect(search.content).toContain(CANARY);
			expect((await run(tools, 'read_chunk', { chunk_id: secretChunk })).content).toContain(CANARY);
			expect((await run(tools, 'read_document', { document_id: SECRET_PATH })).content).toContain(CANARY);
			expect((await run(tools, 'list_documents', {})).content).toContain(SECRET_PATH);
		}
	});

	it('search_documents never returns the secret to a principal outside its access list, however it is asked', async () => {
		const tools = toolsAs(bob);
		const plain = await run(tools, 'search_documents', { query: QUERY, top_k: 20 });
		expect((plain.structured as { hits: unknown[] }).hits.length).toBeGreaterThan(0);
		expectNoSecret(plain);
		for (const document_ids of [[SECRET_PATH], [secretId]]) {
			const named = await run(tools, 'search_documents', { query: QUERY, document_ids });
			expect(named).toEqual({ content: `No passages matched "${QUERY}".`, structured: { hits: [] }, documentRefs: [] });
		}
		// The query itself is echoed when nothing matches; no hit comes back.
		expect(await run(tools, 'search_documents', { query: CANARY })).toEqual({
			content: `No passages matched "${CANARY}".`,
			structured: { hits: [] },
			documentRefs: []
		});
	});

	it('read_chunk and read_document answer for the secret exactly as for an id that does not exist', async () => {
		const tools = toolsAs(bob);
		expect(await run(tools, 'read_chunk', { chunk_id: secretChunk })).toEqual({
			content: `No chunk with chunk_id "${secretChunk}". Use a chunk_id returned by search_documents.`,
			isError: true
		});
		for (const document_id of [SECRET_PATH, secretId]) {
			expect(await run(tools, 'read_document', { document_id })).toEqual({
				content: `No document with id "${document_id}". Use an id returned by search_documents or list_documents.`,
				isError: true
			});
		}
		const visible = await run(tools, 'read_document', { document_id: 'public/salary.txt' });
		expect(visible.content).toBe(
			'public/salary.txt — salary.txt, characters 0–38 of 38\nsalary is paid by the bank every month\n[end of document]'
		);
	});

	it('list_documents lists only what the principal may see', async () => {
		const list = await run(toolsAs(bob), 'list_documents', {});
		expect(list.content).toBe(
			'Documents 1–3 of 3:\npublic/finance.txt — finance.txt (1 chunk)\npublic/pets.txt — pets.txt (1 chunk)\npublic/salary.txt — salary.txt (1 chunk)'
		);
		expectNoSecret(list);
	});

	it('an agent run as the stored Run-as principal never gets the secret into its messages, even when the model asks for it by id', async () => {
		const storage = { getItem: (k: string) => (k === `assay.runAs.${workspaceId}` ? JSON.stringify(bob) : null) };
		const tools = workspaceAgentTools(lib, workspaceId, storage);
		const turns: ChatScript[] = [
			{ tokens: ['Searching.'], toolCalls: [{ name: 'search_documents', arguments: { query: QUERY } }] },
			{ tokens: ['Reading.'], toolCalls: [{ name: 'read_chunk', arguments: { chunk_id: secretChunk } }] },
			{ tokens: ['Reading more.'], toolCalls: [{ name: 'read_document', arguments: { document_id: SECRET_PATH } }] },
			{ tokens: ['Salary is paid by the bank every month [public/salary.txt].'] }
		];
		const model = new ScriptedChatModel(
			'scripted-agent',
			(r: ChatRequest) => turns[Math.min(r.messages.filter((m) => m.role === 'tool').length, turns.length - 1)]!,
			async () => {}
		);
		const result = await runAgent({
			task: 'How is salary paid?',
			model,
			tools,
			approval: denyAllPolicy(),
			validator: new CfworkerSchemaValidator()
		});
		expect(result.stopReason).toBe('final_answer');
		expect(result.steps.flatMap((s) => s.calls.map((c) => [c.name, c.status, c.result.isError ?? false]))).toEqual([
			['search_documents', 'ok', false],
			['read_chunk', 'tool_error', true],
			['read_document', 'tool_error', true]
		]);
		expect(result.documentRefs).toContain('public/salary.txt');
		// The model's own arguments name the secret (and the refusals quote them); no result carries its text or lists it.
		expectNoSecret({ search: result.steps[0]!.calls[0]!.result, documentRefs: result.documentRefs, answer: result.answer });
		expect(JSON.stringify(result.messages.filter((m) => m.role === 'tool'))).not.toContain(CANARY);
	});
});
