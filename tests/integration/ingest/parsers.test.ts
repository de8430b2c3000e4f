import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createNodeParserRegistry } from '../../../src/lib/adapters/parsers.ts';
import { ParserRegistry } from '../../../src/lib/ingest/parsers/registry.ts';
import type { ParseInput } from '../../../src/lib/ingest/parsers/types.ts';
import { chunkStructured } from '../../../src/lib/chunking/index.ts';
import { flow, makeDocx, makePdf, makeZipBomb } from '../../support/ingest-fixtures.ts';

const registry = createNodeParserRegistry();
const input = (name: string, format: string, bytes: Uint8Array, maxInflatedBytes = 50_000_000): ParseInput => ({
	bytes,
	name,
	format,
	maxInflatedBytes
});

describe('pdf-01: ligatures, hyphenation, broken glyph (pdf.js)', () => {
	const bytes = new Uint8Array(readFileSync('tests/fixtures/cases/pdf-01-ligature-hyphen/input.pdf'));

	it('extracts the expected text, the broken glyph as U+FFFD', async () => {
		const parsed = await registry.parse(input('input.pdf', 'pdf', bytes), 10_000);
		expect(parsed.text.replace(/\uFFFD/g, '?')).toBe(readFileSync('tests/fixtures/cases/pdf-01-ligature-hyphen/expected.txt', 'utf8'));
	});

	it('flags page 1 as suspect', async () => {
		const parsed = await registry.parse(input('input.pdf', 'pdf', bytes), 10_000);
		expect(parsed.warnings).toEqual([expect.objectContaining({ kind: 'broken-glyphs', count: 2, pages: [1] })]);
	});
});

describe('PDF parsing', () => {
	it('keeps page numbers: every chunk records the one page it lies on', async () => {
		const pdf = await makePdf([flow(72, 700, ['Alpha page one.']), flow(72, 700, ['Beta page two.'])]);
		const parsed = await registry.parse(input('p.pdf', 'pdf', pdf), 10_000);
		const chunks = chunkStructured(parsed, { chunkSizeChars: 800, chunkOverlapChars: 0 });
		expect(chunks.map((c) => [c.text, c.pageStart, c.pageEnd])).toEqual([
			['Alpha page one.', 1, 1],
			['Beta page two.', 2, 2]
		]);
	});

	it('reads a two-column page column by column', async () => {
		const pdf = await makePdf([
			[...flow(50, 700, ['left one', 'left two', 'left three']), ...flow(330, 700, ['right one', 'right two', 'right three'])]
		]);
		const parsed = await registry.parse(input('c.pdf', 'pdf', pdf), 10_000);
		expect(parsed.text).toBe('left one\nleft two\nleft three\n\nright one\nright two\nright three\n');
	});

	it('marks a PDF without any text layer as needing OCR', async () => {
		const parsed = await registry.parse(input('scan.pdf', 'pdf', await makePdf([[], []])), 10_000);
		expect(parsed.needsOcr).toBe(true);
		expect(parsed.metadata['pageCount']).toBe(2);
	});

	it('fails a damaged PDF with FILE_PARSE', async () => {
		await expect(registry.parse(input('bad.pdf', 'pdf', new TextEncoder().encode('%PDF-1.4 garbage')), 10_000)).rejects.toMatchObject({
			code: 'FILE_PARSE'
		});
	});
});

describe('DOCX parsing (mammoth)', () => {
	it('keeps headings as sections, lists as items and table cells separated', async () => {
		const docx = await makeDocx([
			{ h1: 'Handbook' },
			{ p: 'Intro text.' },
			{ h2: 'Parking' },
			{ bullet: 'first' },
			{ bullet: 'second' },
			{
				table: [
					['Level', 'Spaces'],
					['B1', '40']
				]
			}
		]);
		const parsed = await registry.parse(input('h.docx', 'docx', docx), 10_000);
		expect(parsed.text).toBe('Handbook\n\nIntro text.\n\nParking\n\n- first\n- second\n\nLevel\tSpaces\nB1\t40\n');
		expect(parsed.sections!.map((s) => s.headingPath)).toEqual([['Handbook'], ['Handbook', 'Parking']]);
	});

	it('fails a zip bomb with FILE_ZIP_LIMIT before mammoth inflates it', async () => {
		const bomb = await makeZipBomb(20_000_000);
		expect(bomb.length).toBeLessThan(100_000);
		await expect(registry.parse(input('bomb.docx', 'docx', bomb, 5_000_000), 10_000)).rejects.toMatchObject({ code: 'FILE_ZIP_LIMIT' });
	});

	it('fails a file that is not a zip with FILE_PARSE', async () => {
		await expect(registry.parse(input('x.docx', 'docx', new TextEncoder().encode('not a zip at all')), 10_000)).rejects.toMatchObject({
			code: 'FILE_PARSE'
		});
	});
});

describe('ParserRegistry', () => {
	it('fails a parse that runs past its time budget with FILE_PARSE_TIMEOUT', async () => {
		const slow = new ParserRegistry([{ formats: ['text'], parse: () => new Promise(() => undefined) }]);
		await expect(slow.parse(input('slow.txt', 'text', new Uint8Array([0x61])), 50)).rejects.toMatchObject({ code: 'FILE_PARSE_TIMEOUT' });
	});

	it('turns a stack overflow into FILE_STRUCTURE_LIMIT with a readable message', async () => {
		const deep = new ParserRegistry([
			{
				formats: ['text'],
				parse: async () => {
					throw new RangeError('Maximum call stack size exceeded');
				}
			}
		]);
		const error = (await deep.parse(input('d.txt', 'text', new Uint8Array([0x61])), 1000).catch((e: unknown) => e)) as {
			code: string;
			message: string;
		};
		expect(error.code).toBe('FILE_STRUCTURE_LIMIT');
		expect(error.message).not.toMatch(/call stack/);
	});

	it('turns an unexpected parser exception into FILE_PARSE', async () => {
		const broken = new ParserRegistry([
			{
				formats: ['text'],
				parse: async () => {
					throw new RangeError('boom');
				}
			}
		]);
		await expect(broken.parse(input('b.txt', 'text', new Uint8Array([0x61])), 1000)).rejects.toMatchObject({ code: 'FILE_PARSE' });
	});
});
