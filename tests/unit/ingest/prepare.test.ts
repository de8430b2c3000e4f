import { describe, expect, it } from 'vitest';
import { prepareText, type ImportSource } from '../../../src/lib/ingest/prepare.ts';
import { parseAppConfig } from '../../../src/lib/config/schema.ts';

const config = parseAppConfig({ ingest: { maxFileSizeBytes: 64 } }).ingest;

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

describe('prepareText', () => {
	it('reads a markdown file as text with its media type and hash', async () => {
		const result = await prepareText(source('a.md', new TextEncoder().encode('# Title\n\nBody')), config);
		expect(result).toMatchObject({ kind: 'text', mediaType: 'text/markdown', encoding: 'utf-8', text: '# Title\n\nBody' });
		expect(result.contentHash).toMatch(/^[0-9a-f]{64}$/);
	});

	it('reports an empty file as failed with FILE_EMPTY', async () => {
		const result = await prepareText(source('empty.txt', new Uint8Array()), config);
		expect(result.kind).toBe('failed');
		expect(result.kind !== 'text' && result.error.code).toBe('FILE_EMPTY');
	});

	it('refuses a file over the size limit without reading it', async () => {
		const s = source('big.txt', new Uint8Array(100), 100);
		const result = await prepareText(s, config);
		expect(result.kind !== 'text' && result.error.code).toBe('FILE_TOO_LARGE');
		expect(s.reads).toBe(0);
	});

	it('reports a binary file named .txt as FILE_BINARY', async () => {
		const result = await prepareText(source('image.txt', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d])), config);
		expect(result.kind !== 'text' && result.error.code).toBe('FILE_BINARY');
	});

	it('reports an unknown extension as unsupported', async () => {
		const result = await prepareText(source('sheet.xlsx', new Uint8Array([1])), config);
		expect(result.kind).toBe('unsupported');
	});

	it('turns a read failure into FILE_READ instead of throwing', async () => {
		const s: ImportSource = { name: 'gone.txt', relativePath: 'gone.txt', sizeBytes: 3, readBytes: () => Promise.reject(new Error('NotFoundError')) };
		const result = await prepareText(s, config);
		expect(result.kind !== 'text' && result.error.code).toBe('FILE_READ');
	});
});
