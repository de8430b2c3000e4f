import { htmlToText } from './html-text.ts';
import { hiddenTextWarnings } from './hidden-text.ts';
import { decodeForParser, encodingFields } from './text-common.ts';
import type { DocumentParser, ParsedDocument, ParseInput } from './types.ts';

/** Saved web pages (`.html`, `.htm`, `.xhtml`): decoded, then walked by {@link htmlToText}; hidden text is dropped or flagged (`ingest.hiddenText`) and warned about. */
export const htmlParser: DocumentParser = {
	formats: ['html'],
	async parse(input: ParseInput): Promise<ParsedDocument> {
		const decoded = decodeForParser(input);
		const mode = input.hiddenText ?? 'drop';
		const { text, sections, title, hidden } = htmlToText(decoded.text, { hiddenText: mode });
		const warnings = [...decoded.warnings, ...hiddenTextWarnings(hidden, mode)];
		return { text, layout: 'text', sections, ...encodingFields(decoded), warnings, metadata: title ? { title } : {} };
	}
};
