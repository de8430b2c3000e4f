import { describe, expect, it } from 'vitest';
import { CfworkerSchemaValidator } from '../../../src/lib/adapters/json-schema-validator.ts';
import {
	BUILTIN_TOOL_NAMES,
	builtinTools,
	toolVersion,
	type WorkspaceSearchRequest,
	type WorkspaceToolsPort
} from '../../../src/lib/agents/builtin-tools.ts';
import type { Tool } from '../../../src/lib/agents/types.ts';
import { fnv1a32Hex } from '../../../src/lib/shared/hash.ts';

const DOCS = [
	{ documentRef: 'd1', title: 'Leave policy', text: 'Employees get 26 days of annual leave. Leave must be booked early.', chunkCount: 2 },
	{ documentRef: 'd2', title: '', text: 'Overtime must be approved by the team lead.', chunkCount: 1 }
];

/** A fake port that records its requests and answers from fixed data. */
function fakePort(modes: WorkspaceToolsPort['modes'] = ['lexical']) {
	const searches: WorkspaceSearchRequest[] = [];
	const port: WorkspaceToolsPort = {
		modes,
		search: async (req) => {
			searches.push(req);
			return [
				{ documentRef: 'd1', title: 'Leave policy', chunkId: 'doc_1#0', score: 2.71828, text: 'Employees get 26 days of annual leave.' },
				{ documentRef: 'd2', title: '', chunkId: 'doc_2#0', score: 0.0163934, text: 'Overtime must be approved by the team lead.' },
				{ documentRef: 'd1', title: 'Leave policy', chunkId: 'doc_1#1', score: 0.5, text: 'Leave must be booked early.' }
			].slice(0, req.topK);
		},
		readChunk: async (id) =>
			id === 'doc_1#1'
				? {
						chunkId: 'doc_1#1',
						documentRef: 'd1',
						title: 'Leave policy',
						ordinal: 1,
						text: 'Leave must be booked early.',
						startOffset: 39,
						endOffset: 66,
						headingPath: ['Policy', 'Leave'],
						pageStart: 2,
						pageEnd: 2
					}
				: null,
		readDocument: async (ref) => DOCS.find((d) => d.documentRef === ref) ?? null,
		listDocuments: async () => DOCS.map(({ documentRef, title, chunkCount }) => ({ documentRef, title, chunkCount }))
	};
	return { port, searches };
}

const ctx = { signal: new AbortController().signal };
const byName = (tools: Tool[], name: string) => tools.find((t) => t.definition.name === name)!;

describe('fnv1a32Hex', () => {
	it('matches the published FNV-1a 32-bit test vectors', () => {
		expect(fnv1a32Hex('')).toBe('811c9dc5');
		expect(fnv1a32Hex('a')).toBe('e40c292c');
		expect(fnv1a32Hex('foobar')).toBe('bf9cf968');
	});
});

describe('builtinTools', () => {
	it('returns the four read-only built-in tools, each versioned by the hash of its name, description and schema', () => {
		const tools = builtinTools(fakePort().port);
		expect(tools.map((t) => t.definition.name)).toEqual([...BUILTIN_TOOL_NAMES]);
		for (const { definition: d } of tools) {
			expect(d.effect).toBe('read-only');
			expect(d.source).toEqual({ kind: 'builtin' });
			expect(d.name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
			expect(d.version).toMatch(/^[0-9a-f]{8}$/);
			expect(d.version).toBe(toolVersion(d));
		}
		// Same port shape → same versions; a different description or schema → a different version.
		expect(builtinTools(fakePort().port).map((t) => t.definition.version)).toEqual(tools.map((t) => t.definition.version));
		const search = byName(tools, 'search_documents').definition;
		expect(toolVersion({ ...search, description: `${search.description} ` })).not.toBe(search.version);
	});

	it('offers the mode argument only when the port has more than one mode, with exactly those modes', () => {
		const lexical = byName(builtinTools(fakePort().port), 'search_documents').definition;
		expect(Object.keys(lexical.inputSchema['properties'] as object)).toEqual(['query', 'top_k', 'document_ids', 'tags']);
		const both = byName(builtinTools(fakePort(['hybrid', 'lexical']).port), 'search_documents').definition;
		expect((both.inputSchema['properties'] as Record<string, { enum?: string[] }>)['mode']!.enum).toEqual(['hybrid', 'lexical']);
		expect(both.version).not.toBe(lexical.version);
	});

	it('search_documents numbers the hits with id, title, chunk and score, and returns them structured', async () => {
		const { port, searches } = fakePort(['lexical', 'hybrid']);
		const search = byName(builtinTools(port, { maxHitChars: 20 }), 'search_documents');
		const result = await search.run({ query: 'annual leave', top_k: 3, mode: 'hybrid', document_ids: ['d1', 'd2'], tags: [] }, ctx);
		expect(searches).toEqual([{ query: 'annual leave', topK: 3, mode: 'hybrid', documentRefs: ['d1', 'd2'], signal: ctx.signal }]);
		expect(result.content).toBe(
			'[1] d1 — Leave policy (chunk doc_1#0, score 2.718)\nEmployees get 26 day…\n\n' +
				'[2] d2 — (untitled) (chunk doc_2#0, score 0.0164)\nOvertime must be app…\n\n' +
				'[3] d1 — Leave policy (chunk doc_1#1, score 0.500)\nLeave must be booked…'
		);
		expect(result.structured).toEqual({
			hits: [
				{ rank: 1, id: 'd1', chunk_id: 'doc_1#0', title: 'Leave policy', score: 2.71828, text: 'Employees get 26 day…' },
				{ rank: 2, id: 'd2', chunk_id: 'doc_2#0', title: '', score: 0.0163934, text: 'Overtime must be app…' },
				{ rank: 3, id: 'd1', chunk_id: 'doc_1#1', title: 'Leave policy', score: 0.5, text: 'Leave must be booked…' }
			]
		});
		expect(result.documentRefs).toEqual(['d1', 'd2']);
		expect(result.isError).toBeUndefined();
	});

	it('search_documents asks for 5 hits by default and says so when nothing matched', async () => {
		const searches: WorkspaceSearchRequest[] = [];
		const port: WorkspaceToolsPort = { ...fakePort().port, search: async (r) => (searches.push(r), []) };
		const result = await byName(builtinTools(port), 'search_documents').run({ query: 'kites' }, ctx);
		expect(searches[0]!.topK).toBe(5);
		expect(searches[0]!.mode).toBeUndefined();
		expect(result).toEqual({ content: 'No passages matched "kites".', structured: { hits: [] }, documentRefs: [] });
	});

	it('search_documents answers bad arguments with an error result, without searching', async () => {
		const { port, searches } = fakePort();
		const search = byName(builtinTools(port), 'search_documents');
		expect(await search.run({ query: 'x', top_k: 21 }, ctx)).toEqual({
			content: '"top_k" must be an integer from 1 to 20, received 21.',
			isError: true
		});
		expect(await search.run({ query: '  ' }, ctx)).toEqual({ content: '"query" must be a non-empty string.', isError: true });
		expect(await search.run({ query: 'x', mode: 'dense' }, ctx)).toEqual({
			content: 'Unknown argument(s) "mode"; allowed: query, top_k, document_ids, tags.',
			isError: true
		});
		expect(searches).toEqual([]);
	});

	it('the schemas accept the documented arguments and refuse out-of-range ones before anything runs', () => {
		const validator = new CfworkerSchemaValidator();
		const [search, chunk, doc, list] = builtinTools(fakePort().port).map((t) => t.definition.inputSchema);
		const ok = (schema: unknown, value: unknown) => validator.validate(schema as object, value).length === 0;
		expect(ok(search, { query: 'x', top_k: 20 })).toBe(true);
		expect(ok(search, { query: 'x', top_k: 0 })).toBe(false);
		expect(ok(search, { top_k: 3 })).toBe(false);
		expect(ok(chunk, { chunk_id: 'a#0' })).toBe(true);
		expect(ok(doc, { document_id: 'd1', length: 4001 })).toBe(false);
		expect(ok(list, {})).toBe(true);
		expect(ok(list, { limit: 101 })).toBe(false);
	});

	it('read_chunk gives the chunk text with its document, offsets, page and section', async () => {
		const read = byName(builtinTools(fakePort().port), 'read_chunk');
		const result = await read.run({ chunk_id: 'doc_1#1' }, ctx);
		expect(result.content).toBe(
			'Chunk doc_1#1 (#1) of d1 — Leave policy (characters 39–66, page 2, section Policy > Leave)\nLeave must be booked early.'
		);
		expect(result.structured).toEqual({
			chunk_id: 'doc_1#1',
			id: 'd1',
			title: 'Leave policy',
			ordinal: 1,
			start_offset: 39,
			end_offset: 66,
			heading_path: ['Policy', 'Leave'],
			text: 'Leave must be booked early.'
		});
		expect(result.documentRefs).toEqual(['d1']);
	});

	it('read_chunk answers an unknown chunk id with an error result', async () => {
		const result = await byName(builtinTools(fakePort().port), 'read_chunk').run({ chunk_id: 'nope#3' }, ctx);
		expect(result).toEqual({ content: 'No chunk with chunk_id "nope#3". Use a chunk_id returned by search_documents.', isError: true });
	});

	it('read_document reads a range and says how to read on, then where the document ends', async () => {
		const read = byName(builtinTools(fakePort().port), 'read_document');
		const first = await read.run({ document_id: 'd1', start: 0, length: 10 }, ctx);
		expect(first.content).toBe(
			'd1 — Leave policy, characters 0–10 of 66\nEmployees \n[56 more characters: call read_document with start=10]'
		);
		expect(first.structured).toEqual({ id: 'd1', title: 'Leave policy', start: 0, end: 10, total_chars: 66, text: 'Employees ' });
		expect(first.documentRefs).toEqual(['d1']);
		const last = await read.run({ document_id: 'd1', start: 60 }, ctx);
		expect(last.content).toBe('d1 — Leave policy, characters 60–66 of 66\nearly.\n[end of document]');
		expect(await read.run({ document_id: 'd1', start: 66 }, ctx)).toEqual({
			content: 'start 66 is past the end of d1 (66 characters).',
			isError: true
		});
		expect(await read.run({ document_id: 'secret' }, ctx)).toEqual({
			content: 'No document with id "secret". Use an id returned by search_documents or list_documents.',
			isError: true
		});
	});

	it('read_document reads 2000 characters by default', async () => {
		const long = 'x'.repeat(4500);
		const port: WorkspaceToolsPort = {
			...fakePort().port,
			readDocument: async () => ({ documentRef: 'big', title: 'Big', text: long, chunkCount: 5 })
		};
		const result = await byName(builtinTools(port), 'read_document').run({ document_id: 'big' }, ctx);
		expect(result.structured).toMatchObject({ start: 0, end: 2000, total_chars: 4500 });
	});

	it('list_documents pages through ids, titles and chunk counts', async () => {
		const list = byName(builtinTools(fakePort().port), 'list_documents');
		const all = await list.run({}, ctx);
		expect(all.content).toBe('Documents 1–2 of 2:\nd1 — Leave policy (2 chunks)\nd2 — (untitled) (1 chunk)');
		expect(all.structured).toEqual({
			total: 2,
			offset: 0,
			documents: [
				{ id: 'd1', title: 'Leave policy', chunk_count: 2 },
				{ id: 'd2', title: '', chunk_count: 1 }
			]
		});
		expect((await list.run({ limit: 1 }, ctx)).content).toBe(
			'Documents 1–1 of 2:\nd1 — Leave policy (2 chunks)\n[more: call list_documents with offset=1]'
		);
		expect((await list.run({ offset: 5 }, ctx)).content).toBe('No documents at offset 5 (2 in all).');
	});

	it('refuses a port without a retrieval mode', () => {
		expect(() => builtinTools(fakePort([]).port)).toThrow('WorkspaceToolsPort.modes must name at least one retrieval mode');
	});
});
