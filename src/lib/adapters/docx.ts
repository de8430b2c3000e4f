import mammoth from 'mammoth';
import { AssayError } from '../shared/errors.ts';
import { sanitizeText } from '../ingest/encoding/sanitize.ts';
import { textWarnings } from '../ingest/parsers/text-common.ts';
import { htmlToText } from '../ingest/parsers/html-text.ts';
import type { DocumentParser, ParsedDocument, ParseInput, ParseWarning } from '../ingest/parsers/types.ts';
import { checkZipLimits } from '../ingest/zip-limits.ts';

/**
 * DOCX parser on mammoth: Word styles → semantic HTML (headings, lists, tables), walked by the
 * same DOM walker as web pages ({@link htmlToText}), so headings become sections and table
 * cells stay separated. Before mammoth (JSZip) sees the bytes, the archive is stream-scanned by
 * {@link checkZipLimits}: a zip bomb fails this file only. Images are dropped (no data URLs).
 */
export const docxParser: DocumentParser = {
	formats: ['docx'],
	async parse(input: ParseInput): Promise<ParsedDocument> {
		const scan = checkZipLimits(input.bytes, { maxInflatedBytes: input.maxInflatedBytes });
		let html: string;
		let messages: { type: string; message: string }[];
		try {
			const buffer = input.bytes.buffer.slice(input.bytes.byteOffset, input.bytes.byteOffset + input.bytes.byteLength) as ArrayBuffer;
			// mammoth's browser build reads `arrayBuffer`, its Node build `buffer` (JSZip takes either).
			const result = await mammoth.convertToHtml({ arrayBuffer: buffer, buffer: input.bytes } as never, { convertImage: mammoth.images.imgElement(async () => ({ src: '' })) });
			html = result.value;
			messages = result.messages;
		} catch (cause) {
			throw new AssayError('FILE_PARSE', `The Word document could not be read: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
		}
		const { text, sections } = htmlToText(html);
		const clean = sanitizeText(text);
		const warnings: ParseWarning[] = textWarnings(clean);
		const errors = messages.filter((m) => m.type === 'error');
		if (errors.length > 0) warnings.push({ kind: 'conversion-errors', count: errors.length, message: errors.slice(0, 3).map((m) => m.message).join('; ') });
		return { text: clean.text, layout: 'text', sections, warnings, metadata: { zipEntries: scan.entries, inflatedBytes: scan.inflatedBytes } };
	}
};
