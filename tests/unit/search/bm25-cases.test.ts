import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Bm25Index, createAnalyzer, type AnalyzerName } from '../../../src/lib/search/index.ts';

const casesDir = new URL('../../fixtures/cases/', import.meta.url);

interface CaseDoc {
	id: string;
	text: string;
}
interface CaseQuery {
	qid: string;
	query: string;
	relevant: string[];
}

function readJsonl<T>(path: URL): T[] {
	return readFileSync(path, 'utf8')
		.split('\n')
		.filter((l) => l.trim() !== '')
		.map((l) => JSON.parse(l) as T);
}

function loadCase(name: string, analyzer: AnalyzerName) {
	const corpus = readJsonl<CaseDoc>(new URL(`${name}/corpus.jsonl`, casesDir));
	const queries = readJsonl<CaseQuery>(new URL(`${name}/queries.jsonl`, casesDir));
	const index = new Bm25Index({ k1: 0.9, b: 0.4 }, createAnalyzer(analyzer));
	for (const doc of corpus) index.add(doc.id, doc.text);
	return { index, queries, corpus };
}

describe.each(['auto', 'cjk'] as const)('case bm25-01-cjk-tokens with the %s analyzer', (analyzer) => {
	const { index, queries } = loadCase('bm25-01-cjk-tokens', analyzer);
	const expected = JSON.parse(readFileSync(new URL('bm25-01-cjk-tokens/expected.json', casesDir), 'utf8')) as {
		expected_top1: Record<string, string>;
	};

	it.each(Object.entries(expected.expected_top1))('ranks the expected document first for %s', (qid, top1) => {
		const query = queries.find((q) => q.qid === qid);
		expect(index.search(query?.query ?? '', { topK: 6 })[0]?.id).toBe(top1);
	});

	it('returns nothing for q6, whose terms no document contains', () => {
		const q6 = queries.find((q) => q.qid === 'q6');
		expect(q6?.query).toBe('量子计算机');
		expect(index.search(q6?.query ?? '', { topK: 6 })).toEqual([]);
	});

	it('analyzes queries and documents with the same function (document text finds itself first)', () => {
		for (const q of queries.filter((q) => q.relevant.length === 1)) {
			expect(index.search(q.query, { topK: 1 })[0]?.id).toBe(q.relevant[0]);
		}
	});
});

describe.each(['auto', 'cjk'] as const)('case bm25-02-korean-particles with the %s analyzer', (analyzer) => {
	const { index, queries } = loadCase('bm25-02-korean-particles', analyzer);

	it.each(queries.map((q) => [q.qid, q] as const))('ranks the relevant set of %s first', (_qid, q) => {
		const hits = index.search(q.query, { topK: 4 });
		expect(
			hits
				.slice(0, q.relevant.length)
				.map((h) => h.id)
				.sort()
		).toEqual([...q.relevant].sort());
	});

	it('finds 도서관은 and 도서관에서 for 도서관', () => {
		expect(
			index
				.search('도서관', { topK: 4 })
				.map((h) => h.id)
				.sort()
		).toEqual(['k1', 'k2']);
	});

	it('splits Latin code tokens out of Korean text (IndexedDB에 → indexeddb)', () => {
		expect(createAnalyzer(analyzer).analyze('IndexedDB에')).toEqual(['indexeddb', '에']);
	});
});
