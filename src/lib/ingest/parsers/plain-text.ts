import { decodeForParser, encodingFields } from './text-common.ts';
import type { DocumentParser, ParsedDocument, ParseInput } from './types.ts';

/** Plain text and Markdown: decoded text, chunked by paragraphs or by Markdown sections. */
export const plainTextParser: DocumentParser = {
	formats: ['text', 'markdown'],
	async parse(input: ParseInput): Promise<ParsedDocument> {
		const decoded = decodeForParser(input);
		return {
			text: decoded.text,
			layout: input.format === 'markdown' ? 'markdown' : 'text',
			...encodingFields(decoded),
			warnings: decoded.warnings,
			metadata: {}
		};
	}
};
