/**
 * The parsers that are pure libraries (run anywhere). PDF and DOCX parsers live in
 * `src/lib/adapters` (pdf.js, mammoth) and are added by the composition roots.
 */
export * from './types.ts';
export { plainTextParser } from './plain-text.ts';
export { htmlParser } from './html.ts';
export { htmlToText, type HtmlText } from './html-text.ts';
export { csvParser, parseDelimited, type DelimitedTable } from './csv.ts';
export { jsonParser, jsonRecords, jsonLinesRecords, type JsonRecord } from './json.ts';
export { codeParser, codeUnits, CODE_LANGUAGES } from './code.ts';
export { pageText, splitColumns, type TextRun } from './pdf-layout.ts';
export { ParserRegistry } from './registry.ts';
