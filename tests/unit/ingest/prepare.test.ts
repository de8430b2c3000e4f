import { describe, expect, it } from 'vitest';
import type { ImportSource } from '../../../src/lib/ingest/prepare.ts';
import { prepareDocument } from '../../../src/lib/ingest/prepare-document.ts';
import { ParserRegistry } from '../../../src/lib/ingest/parsers/registry.ts';
import { csvParser, jsonParser, plainTextParser } from '../../../src/lib/ingest/parsers/index.ts';
import { parseAppConfig } from '../../../src/lib/config/schema.ts';

const config = parseAppConfig({ ingest: { maxFileSizeBytes: 64 } }).ingest;
const parsers = new ParserRegistry([plainTextParser, csvParser, jsonParser]);

function source(name: string, bytes: Uint8Array, sizeBytes = bytes.length): ImportSource & { reads: number } {
	const s = {
		name,
		relativePath: `dir/${name}`,
		sizeBytes,
		reads: 0,
		async readBytes() {
			s.reads++;
			return bytes;
		}
	};
	return s;
}

const codeOf = (r: Awaited<ReturnType<typeof prepareDocument>>) => (r.kind === 'parsed' ? null : r.error.code);

describe('prepareDocument', () => {
	it('parses a markdown file with its media type, hash and encoding', async () => {
		const result = await prepareDocument(source('a.md', new TextEncoder().encode('# Title\n\nBody')), config, parsers);
		expect(result).toMatchObject({ kind: 'parsed', mediaType: 'text/markdown', format: 'markdown', parsed: { text: '# Title\n\nBody', layout: 'markdown', encoding: 'utf-8' } });
		expect(result.contentHash).toMatch(/^[0-9a-f]{64}$/);
	});

	it('warns about an unterminated code fence in Markdown, so the file is ready-with-warnings', async () => {
		const result = await prepareDocument(source('b.md', new TextEncoder().encode('# T\n\n```js\nx\n')), config, parsers);
		expect(result.kind === 'parsed' && result.parsed.warnings.map((w) => w.kind)).toEqual(['unterminated-code-fence']);
		const plain = await prepareDocument(source('b.txt', new TextEncoder().encode('```js\nx\n')), config, parsers);
		expect(plain.kind === 'parsed' && plain.parsed.warnings).toEqual([]);
	});

	it('reports an empty file as failed with FILE_EMPTY', async () => {
		const result = await prepareDocument(source('empty.txt', new Uint8Array()), config, parsers);
		expect([result.kind, codeOf(result)]).toEqual(['failed', 'FILE_EMPTY']);
	});

	it('reports a whitespace-only file as failed with FILE_EMPTY', async () => {
		expect(codeOf(await prepareDocument(source('blank.txt', new TextEncoder().encode(' \n\t\n')), config, parsers))).toBe('FILE_EMPTY');
	});

	it('refuses a file over the size limit without reading it', async () => {
		const s = source('big.txt', new Uint8Array(100), 100);
		expect(codeOf(await prepareDocument(s, config, parsers))).toBe('FILE_TOO_LARGE');
		expect(s.reads).toBe(0);
	});

	it('reports a binary file named .txt as FILE_BINARY', async () => {
		const result = await prepareDocument(source('image.txt', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d])), config, parsers);
		expect(codeOf(result)).toBe('FILE_BINARY');
	});

	it('reports an unknown extension as unsupported without reading it', async () => {
		const s = source('sheet.xlsx', new Uint8Array([1]));
		const result = await prepareDocument(s, config, parsers);
		expect([result.kind, codeOf(result), s.reads]).toEqual(['unsupported', 'FILE_UNSUPPORTED', 0]);
	});

	it('reports a known format without a parser in this registry as unsupported', async () => {
		expect((await prepareDocument(source('a.pdf', new Uint8Array([0x25, 0x50])), config, parsers)).kind).toBe('unsupported');
	});

	it('turns a read failure into FILE_READ instead of throwing', async () => {
		const s: ImportSource = { name: 'gone.txt', relativePath: 'gone.txt', sizeBytes: 3, readBytes: () => Promise.reject(new Error('NotFoundError')) };
		expect(codeOf(await prepareDocument(s, config, parsers))).toBe('FILE_READ');
	});

	it('turns a parser error into a per-file failure with its code', async () => {
		expect(codeOf(await prepareDocument(source('bad.json', new TextEncoder().encode('{')), config, parsers))).toBe('FILE_PARSE');
	});

	it('decodes with the forced encoding when one is given', async () => {
		const result = await prepareDocument(source('k.txt', new Uint8Array([0xb0, 0xcb, 0xbb, 0xf6])), config, parsers, { forcedEncoding: 'euc-kr' });
		expect(result).toMatchObject({ kind: 'parsed', parsed: { text: '검색', encoding: 'euc-kr' } });
	});
});
