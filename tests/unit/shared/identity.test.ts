import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
	chunkId,
	chunkOrdinalOf,
	corpusHash,
	documentChunkIds,
	documentIdOf,
	documentReference,
	textCorpusHash
} from '../../../src/lib/shared/identity.ts';

describe('identity formats (pinned: stored data and exported reports depend on them)', () => {
	it('names a chunk by its document id, a hash sign and its ordinal', () => {
		expect(chunkId('doc_3f2c', 0)).toBe('doc_3f2c#0');
		expect(chunkId('docs/a#b.md', 12)).toBe('docs/a#b.md#12');
		expect(documentChunkIds('doc_1', 3)).toEqual(['doc_1#0', 'doc_1#1', 'doc_1#2']);
		expect(documentChunkIds('doc_1', 0)).toEqual([]);
	});

	it('splits a chunk id at its last hash sign, so paths holding one still round-trip', () => {
		expect(documentIdOf('docs/a#b.md#12')).toBe('docs/a#b.md');
		expect(chunkOrdinalOf('docs/a#b.md#12')).toBe(12);
		expect(documentIdOf('doc_1')).toBe('doc_1');
		expect(chunkOrdinalOf('doc_1')).toBeNaN();
		expect(chunkOrdinalOf('doc_1#x')).toBeNaN();
	});

	it('references a document by its external id, else by its relative path', () => {
		expect(documentReference({ externalId: 'beir-7', relativePath: 'corpus/beir-7' })).toBe('beir-7');
		expect(documentReference({ relativePath: 'notes/a.md' })).toBe('notes/a.md');
	});

	it('hashes a corpus as SHA-256 of its sorted reference-tab-content-hash lines, whatever the document order', async () => {
		const docs = [
			{ relativePath: 'b/c.md', contentHash: 'h2' },
			{ externalId: 'beir-7', relativePath: 'corpus/beir-7', contentHash: 'h3' },
			{ relativePath: 'a.md', contentHash: 'h1' }
		];
		// printf 'a.md\th1\nb/c.md\th2\nbeir-7\th3' | sha256sum
		const expected = 'e7e9655b3ab75e32da452bc5a66a9806ab405478f9a980cdfdb3f4b01977420d';
		expect(await corpusHash(docs)).toBe(expected);
		expect(await corpusHash([...docs].reverse())).toBe(expected);
		expect(await corpusHash(new Map(docs.map((d, i) => [String(i), d])).values())).toBe(expected);
	});

	it('hashes a CLI corpus as SHA-256 of id, title and text joined by NUL, documents joined by U+0001, in file order', async () => {
		// printf 'd1\0T\0text one\001d2\0\0two' | sha256sum
		expect(
			await textCorpusHash([
				{ id: 'd1', title: 'T', text: 'text one' },
				{ id: 'd2', title: '', text: 'two' }
			])
		).toBe('6a86f5c85aa325cbdcd5ae4e330db2c633d0530b1d877494c1d04ee35bed6db8');
	});
});

describe('identity is built in one place', () => {
	const root = join(import.meta.dirname, '..', '..', '..');
	const files = (dir: string): string[] =>
		readdirSync(dir).flatMap((name) => {
			const path = join(dir, name);
			if (statSync(path).isDirectory()) return files(path);
			return /\.(ts|svelte)$/.test(name) ? [path] : [];
		});
	const sources = [...files(join(root, 'src')), ...files(join(root, 'workers'))].filter((f) => !f.endsWith(join('shared', 'identity.ts')));
	// Code, not comments: drop line comments and block-comment lines before matching.
	const code = (path: string): string =>
		readFileSync(path, 'utf8')
			.split('\n')
			.filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line))
			.join('\n');

	it('builds no chunk id with a template string outside the identity module', () => {
		const offenders = sources.filter((f) => /\$\{[^}]+\}#\$\{/.test(code(f))).map((f) => relative(root, f));
		expect(offenders).toEqual([]);
	});

	it('splits no chunk id at its hash sign by hand outside the identity module', () => {
		const offenders = sources.filter((f) => /lastIndexOf\('#'\)/.test(code(f))).map((f) => relative(root, f));
		expect(offenders).toEqual([]);
	});

	it('reads no document reference as externalId ?? relativePath by hand outside the identity module', () => {
		const offenders = sources.filter((f) => /externalId \?\? \w+\.relativePath/.test(code(f))).map((f) => relative(root, f));
		expect(offenders).toEqual([]);
	});
});
