import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import {
	parseGoldenCsv,
	parseGoldenJsonl,
	parseGoldenTrec,
	parseRelevantList,
	resolveGoldenSet
} from '../../../src/lib/evals/golden/index.ts';

const sample = readFileSync(new URL('../../fixtures/golden/sample.jsonl', import.meta.url), 'utf8');

describe('golden set import', () => {
	it('keeps the good JSONL rows and reports each bad one with its line number', () => {
		const { cases, errors } = parseGoldenJsonl(sample);
		expect(cases.map((c) => c.id)).toEqual(['g1', 'g2', 'g4']);
		expect(errors.map((e) => e.line)).toEqual([3, 4, 5]);
		expect(errors[1]?.message).toMatch(/query/);
		expect(errors[2]?.message).toMatch(/appears twice/);
	});

	it('reads string and object relevance entries with grade and chunk', () => {
		const { cases } = parseGoldenJsonl(sample);
		expect(cases[0]?.relevant).toEqual([{ doc: 'bm25.md', grade: 1 }]);
		expect(cases[1]).toMatchObject({
			relevant: [{ doc: 'docs/chunking.md', grade: 2, chunk: 'docs/chunking.md#1' }],
			reference: 'Overlap repeats characters.'
		});
	});

	it('accepts every good sample line under the committed JSON Schema and rejects the bad one', () => {
		const schema = JSON.parse(readFileSync(new URL('../../../schemas/golden-case.v1.schema.json', import.meta.url), 'utf8')) as object;
		const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(schema);
		const lines = sample.split('\n').filter((l) => l.startsWith('{'));
		expect(lines.map((l) => validate(JSON.parse(l)))).toEqual([true, true, false, true, true]);
	});

	it('reads CSV with quoted line breaks, ";"-separated references with grades, and reports bad rows', () => {
		const csv = '\uFEFFid,query,relevant,reference,tags\r\nc1,"two\r\nlines",a.md;b.md:2,,x;y\r\nc2,,a.md,,\r\nc3,q,"[""a.md""]",ref,\r\n';
		const { cases, errors } = parseGoldenCsv(csv);
		expect(cases).toEqual([
			{
				id: 'c1',
				query: 'two\r\nlines',
				relevant: [
					{ doc: 'a.md', grade: 1 },
					{ doc: 'b.md', grade: 2 }
				],
				tags: ['x', 'y']
			},
			{ id: 'c3', query: 'q', relevant: [{ doc: 'a.md', grade: 1 }], reference: 'ref', tags: [] }
		]);
		expect(errors).toHaveLength(1);
		expect(errors[0]?.message).toMatch(/query/);
	});

	it('builds cases from TREC qrels and a queries file, keeping grade-0 judgments', () => {
		const { cases, errors } = parseGoldenTrec('1 0 d1 1\n1 0 d2 0\n2 0 d3 2\n3 0 d4 x\n', '1\tfirst query\n{"_id":"2","text":"second"}\n');
		expect(cases).toEqual([
			{
				id: '1',
				query: 'first query',
				relevant: [
					{ doc: 'd1', grade: 1 },
					{ doc: 'd2', grade: 0 }
				],
				tags: []
			},
			{ id: '2', query: 'second', relevant: [{ doc: 'd3', grade: 2 }], tags: [] }
		]);
		expect(errors).toEqual([{ line: 4, message: 'qrels: grade must be an integer, found "x"' }]);
	});

	it('reports a judged query without text at its first qrels line', () => {
		const { cases, errors } = parseGoldenTrec('1 0 d1 1\n9 0 d2 1\n', '1\tfirst\n');
		expect(cases.map((c) => c.id)).toEqual(['1']);
		expect(errors).toEqual([{ line: 2, message: 'qrels: query "9" is judged but has no text in the queries file' }]);
	});

	it('parses a relevance list typed in the editor', () => {
		expect(parseRelevantList('a.md; b.md:3')).toEqual([
			{ doc: 'a.md', grade: 1 },
			{ doc: 'b.md', grade: 3 }
		]);
		expect(() => parseRelevantList('[1')).toThrow(expect.objectContaining({ code: 'DATASET_INVALID' }));
	});
});

describe('resolving references to workspace documents', () => {
	const docs = [
		{ id: 'doc_1', externalId: '4983', name: 'a.md', relativePath: 'x/a.md' },
		{ id: 'doc_2', name: 'b.md', relativePath: 'x/b.md' },
		{ id: 'doc_3', name: 'b.md', relativePath: 'y/b.md' }
	];

	it('matches by external id, workspace id, relative path, then unique file name', () => {
		const { qrels } = resolveGoldenSet(
			[
				{
					id: 'q',
					query: 'q',
					relevant: [
						{ doc: '4983', grade: 1 },
						{ doc: 'doc_2', grade: 2 },
						{ doc: 'y/b.md', grade: 1 }
					],
					tags: []
				}
			],
			docs
		);
		expect([...(qrels.get('q') ?? [])]).toEqual([
			['doc_1', 1],
			['doc_2', 2],
			['doc_3', 1]
		]);
		expect(
			resolveGoldenSet([{ id: 'q', query: 'q', relevant: [{ doc: 'a.md', grade: 1 }], tags: [] }], docs)
				.qrels.get('q')
				?.get('doc_1')
		).toBe(1);
	});

	it('keeps an unmatched or ambiguous reference as relevant (so recall cannot reach 1) and reports it', () => {
		const { qrels, unmatched } = resolveGoldenSet(
			[
				{
					id: 'q',
					query: 'q',
					relevant: [
						{ doc: 'b.md', grade: 1 },
						{ doc: 'missing', grade: 1 }
					],
					tags: []
				}
			],
			docs
		);
		expect([...(qrels.get('q')?.keys() ?? [])]).toEqual(['?b.md', '?missing']);
		expect(unmatched.get('q')).toEqual(['b.md', 'missing']);
	});
});
