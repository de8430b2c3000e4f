/**
 * Parse + chunk times per format in Node, with the same parsers and chunker as the app
 * (pdf.js legacy build, mammoth, htmlparser2, Papa Parse, chardet): generated documents of a
 * realistic size, each parsed 5 times; the median is reported with throughput.
 *
 *   npx tsx bench/ingest/run.ts
 *
 * Not part of the test suite; numbers depend on the machine.
 */
import { createNodeParserRegistry } from '../../src/lib/adapters/parsers.ts';
import { chunkStructured } from '../../src/lib/chunking/index.ts';
import { fileFormatFor } from '../../src/lib/ingest/media-types.ts';
import { flow, makeDocx, makePdf, type DocxBlock } from '../../tests/support/ingest-fixtures.ts';

const SENTENCE = 'The retrieval step ranks every chunk by its BM25 score before the reranker looks at them. ';
const enc = (s: string) => new TextEncoder().encode(s);

async function corpus(): Promise<[string, Uint8Array][]> {
	const pages = Array.from({ length: 50 }, (_, p) =>
		flow(
			72,
			740,
			Array.from({ length: 45 }, (_, l) => `Page ${p + 1} line ${l + 1}: ${SENTENCE.slice(0, 70)}`)
		)
	);
	const blocks: DocxBlock[] = [];
	for (let s = 0; s < 40; s++)
		blocks.push({ h1: `Section ${s}` }, ...Array.from({ length: 10 }, () => ({ p: SENTENCE.repeat(4) })), {
			table: [
				['a', 'b'],
				['1', '2']
			]
		});
	const html = `<html><head><title>Doc</title><script>x()</script></head><body>${Array.from({ length: 400 }, (_, i) => `<h2>H${i}</h2><p>${SENTENCE.repeat(5)}</p>`).join('')}</body></html>`;
	const csv = `id,name,notes\n${Array.from({ length: 20_000 }, (_, i) => `${i},"item ${i}","${SENTENCE.trim()}"`).join('\n')}\n`;
	const jsonl = Array.from({ length: 10_000 }, (_, i) => JSON.stringify({ id: i, text: SENTENCE })).join('\n');
	const code = Array.from({ length: 500 }, (_, i) => `export function f${i}(a: number) {\n  return a + ${i};\n}\n`).join('\n');
	return [
		['report-50-pages.pdf', await makePdf(pages)],
		['handbook-40-sections.docx', await makeDocx(blocks)],
		['page-400-sections.html', enc(html)],
		['table-20k-rows.csv', enc(csv)],
		['events-10k.jsonl', enc(jsonl)],
		['module-500-functions.ts', enc(code)],
		['latin1-200KB.txt', Uint8Array.from(Array.from({ length: 200_000 }, (_, i) => (i % 50 === 0 ? 0xe9 : 0x61 + (i % 26))))]
	];
}

const registry = createNodeParserRegistry();
const config = { chunkSizeChars: 800, chunkOverlapChars: 96 };
console.log('| file | size | parse median (ms) | chunk median (ms) | chunks | MB/s |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const [name, bytes] of await corpus()) {
	const format = fileFormatFor(name)!.format;
	const parseMs: number[] = [];
	const chunkMs: number[] = [];
	let chunks = 0;
	for (let i = 0; i < 5; i++) {
		const t0 = performance.now();
		const parsed = await registry.parse({ bytes, name, format, maxInflatedBytes: 200 * 1024 * 1024 }, 60_000);
		const t1 = performance.now();
		chunks = chunkStructured(parsed, config).length;
		chunkMs.push(performance.now() - t1);
		parseMs.push(t1 - t0);
	}
	const median = (xs: number[]) => xs.sort((a, b) => a - b)[2]!;
	const mb = bytes.length / 1e6;
	console.log(
		`| ${name} | ${(bytes.length / 1024).toFixed(0)} KiB | ${median(parseMs).toFixed(1)} | ${median(chunkMs).toFixed(1)} | ${chunks} | ${(mb / (median(parseMs) / 1000)).toFixed(1)} |`
	);
}
