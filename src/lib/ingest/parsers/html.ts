import { htmlToText } from './html-text.ts';
import { decodeForParser, encodingFields } from './text-common.ts';
import type { DocumentParser, ParsedDocument, ParseInput } from './types.ts';

/** Saved web pages (`.html`, `.htm`, `.xhtml`): decoded, then walked by {@link htmlToText}. */
export const htmlParser: DocumentParser = {
	formats: ['html'],
	async parse(input: ParseInput): Promise<ParsedDocument> {
		const decoded = decodeForParser(input);
		const { text, sections, title } = htmlToText(decoded.text);
		return { text, layout: 'text', sections, ...encodingFields(decoded), warnings: decoded.warnings, metadata: title ? { title } : {} };
	}
};
