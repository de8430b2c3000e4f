import { describe, expect, it } from 'vitest';
import { gzipSync } from 'fflate';
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
		expect(result).toMatchObject({
			kind: 'parsed',
			mediaType: 'text/markdown',
			format: 'markdown',
			parsed: { text: '# Title\n\nBody', layout: 'markdown', encoding: 'utf-8' }
		});
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
		const result = await prepareDocument(
			source('image.txt', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d])),
			config,
			parsers
		);
		expect(codeOf(result)).toBe('FILE_BINARY');
	});

	it('reports a known binary type as unsupported without reading it', async () => {
		const s = source('sheet.xlsx', new Uint8Array([1]));
		const result = await prepareDocument(s, config, parsers);
		expect([result.kind, codeOf(result), s.reads]).toEqual(['unsupported', 'FILE_UNSUPPORTED', 0]);
	});

	it('offers an extensionless text file as "read as text": unsupported, flagged readable, bytes kept', async () => {
		const bytes = new TextEncoder().encode('# hosts\n127.0.0.1 localhost\n');
		const result = await prepareDocument(source('HOSTS', bytes), config, parsers);
		expect(result).toMatchObject({
			kind: 'unsupported',
			readableAsText: true,
			bytes,
			error: { code: 'FILE_UNSUPPORTED', details: { readableAsText: true } }
		});
		expect(result.kind !== 'parsed' && result.error.message).toMatch(/Read as text/);
	});

	it('keeps an unknown binary-looking file plainly unsupported', async () => {
		const result = await prepareDocument(source('blob.dat', new Uint8Array([0x89, 0x50, 0, 0, 1, 2, 3, 0, 0xff, 0])), config, parsers);
		expect(result).toMatchObject({ kind: 'unsupported', error: { code: 'FILE_UNSUPPORTED' } });
		expect(result.kind !== 'parsed' && result.readableAsText).toBeFalsy();
	});

	it('reads an unknown type as plain text when asked to', async () => {
		const result = await prepareDocument(source('settings.cfg', new TextEncoder().encode('colour = blue\n')), config, parsers, {
			asText: true
		});
		expect(result).toMatchObject({
			kind: 'parsed',
			mediaType: 'text/plain',
			format: 'text',
			parsed: { text: 'colour = blue\n', encoding: 'utf-8' }
		});
	});

	it('reads notes.md.gz as the Markdown inside it', async () => {
		const result = await prepareDocument(
			source('notes.md.gz', gzipSync(new TextEncoder().encode('# Notes\n\nGzipped body.'))),
			config,
			parsers
		);
		expect(result).toMatchObject({
			kind: 'parsed',
			mediaType: 'text/markdown',
			format: 'markdown',
			parsed: { text: '# Notes\n\nGzipped body.', layout: 'markdown' }
		});
	});

	it('fails a damaged .gz with FILE_GZIP_INVALID and a gzip bomb with FILE_ZIP_LIMIT', async () => {
		const gz = gzipSync(new TextEncoder().encode('some text that is long enough'));
		const damaged = gz.slice();
		damaged[damaged.length - 6]! ^= 0xff; // inside the CRC-32 trailer
		expect(codeOf(await prepareDocument(source('a.txt.gz', damaged), config, parsers))).toBe('FILE_GZIP_INVALID');
		expect(codeOf(await prepareDocument(source('b.txt.gz', new TextEncoder().encode('plain, not gzip')), config, parsers))).toBe(
			'FILE_GZIP_INVALID'
		);
		const bomb = gzipSync(new Uint8Array(100_000), { level: 9 });
		const small = parseAppConfig({ ingest: { maxFileSizeBytes: 64 * 1024, maxInflatedBytes: 10_000 } }).ingest;
		expect(codeOf(await prepareDocument(source('bomb.txt.gz', bomb), small, parsers))).toBe('FILE_ZIP_LIMIT');
	});

	it('reports a known format without a parser in this registry as unsupported', async () => {
		expect((await prepareDocument(source('a.pdf', new Uint8Array([0x25, 0x50])), config, parsers)).kind).toBe('unsupported');
	});

	it('turns a read failure into FILE_READ instead of throwing', async () => {
		const s: ImportSource = {
			name: 'gone.txt',
			relativePath: 'gone.txt',
			sizeBytes: 3,
			readBytes: () => Promise.reject(new Error('NotFoundError'))
		};
		expect(codeOf(await prepareDocument(s, config, parsers))).toBe('FILE_READ');
	});

	it('turns a parser error into a per-file failure with its code', async () => {
		expect(codeOf(await prepareDocument(source('bad.json', new TextEncoder().encode('{')), config, parsers))).toBe('FILE_PARSE');
	});

	it('decodes with the forced encoding when one is given', async () => {
		const result = await prepareDocument(source('k.txt', new Uint8Array([0xb0, 0xcb, 0xbb, 0xf6])), config, parsers, {
			forcedEncoding: 'euc-kr'
		});
		expect(result).toMatchObject({ kind: 'parsed', parsed: { text: '검색', encoding: 'euc-kr' } });
	});
});
