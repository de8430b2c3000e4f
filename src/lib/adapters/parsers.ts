import { ParserRegistry } from '../ingest/parsers/registry.ts';
import { codeParser, csvParser, htmlParser, jsonParser, plainTextParser } from '../ingest/parsers/index.ts';
import { docxParser } from './docx.ts';
import { createPdfParser, type PdfjsModule } from './pdf.ts';

/**
 * The full parser set (text, Markdown, HTML, CSV/TSV, JSON/JSONL, code, PDF, DOCX) in one
 * registry. `loadPdfjs` decides which pdf.js build is used: the legacy build in Node (CLI,
 * tests), the modern build bundled into the parser worker in the browser.
 */
export function createParserRegistry(loadPdfjs: () => Promise<PdfjsModule>): ParserRegistry {
	return new ParserRegistry([plainTextParser, htmlParser, csvParser, jsonParser, codeParser, docxParser, createPdfParser(loadPdfjs)]);
}

/** The registry for Node (CLI, tests): pdf.js legacy build, which runs its worker in-process. */
export function createNodeParserRegistry(): ParserRegistry {
	return createParserRegistry(async () => (await import('pdfjs-dist/legacy/build/pdf.mjs')) as unknown as PdfjsModule);
}
