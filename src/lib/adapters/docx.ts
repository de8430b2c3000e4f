import mammoth from 'mammoth';
import { zipSync, strFromU8, strToU8 } from 'fflate';
import { AssayError } from '../shared/errors.ts';
import { sanitizeText } from '../ingest/encoding/sanitize.ts';
import { textWarnings } from '../ingest/parsers/text-common.ts';
import { htmlToText } from '../ingest/parsers/html-text.ts';
import { hiddenTextWarnings, type HiddenSpan } from '../ingest/parsers/hidden-text.ts';
import { DEFAULT_XML_MAX_DEPTH, prepareWordXml, tokenizeXml, type UnreadableCounts } from '../ingest/parsers/ooxml.ts';
import type { DocumentParser, ParsedDocument, ParseInput, ParseWarning } from '../ingest/parsers/types.ts';
import { checkZipLimits } from '../ingest/zip-limits.ts';

/**
 * DOCX parser on mammoth: Word styles → semantic HTML (headings, lists, tables), walked by the
 * same DOM walker as web pages ({@link htmlToText}), so headings become sections and table
 * cells stay separated. Before mammoth (JSZip) sees the bytes:
 * 1. the archive is stream-inflated by {@link checkZipLimits}: past `ingest.maxInflatedBytes`
 *    (zip bomb) or `ingest.docxMaxParts` entries the file fails alone;
 * 2. every XML part mammoth reads is checked by {@link tokenizeXml} (well-formed, nesting under
 *    `ingest.xmlMaxDepth`): mammoth's reader recurses per element level and would die with
 *    "Maximum call stack size exceeded", and its XML errors are raw parser text;
 * 3. the body, notes and comments go through {@link prepareWordXml} (text boxes moved after
 *    their paragraph, hidden runs dropped or flagged, unreadable content counted) and the
 *    archive is re-packed (stored, not compressed, XML parts only) for mammoth.
 * Note back-links (`↑`) are dropped by the walker; charts, embedded objects, SmartArt and
 * equations make the file `ready-with-warnings`. Images are dropped (no data URLs).
 */

/** Default of `ingest.docxMaxParts`. */
export const DEFAULT_DOCX_MAX_PARTS = 1000;

/** Parts whose text mammoth reads (rewritten by {@link prepareWordXml}). */
const TEXT_PARTS = /^word\/(?:document\d*|footnotes|endnotes|comments)\.xml$/;
/** Parts mammoth parses as XML (checked by {@link tokenizeXml}). */
const XML_PARTS = /^(?:\[Content_Types\]\.xml|_rels\/\.rels|word\/_rels\/[^/]+\.rels|word\/[^/]+\.xml)$/;

/**
 * Entries kept for mammoth: XML and relationship parts. Media, fonts and other binaries are
 * counted and dropped while inflating (mammoth only reads an image when asked to convert it,
 * and images are not converted), so a large archive is never held in memory twice.
 */
function isXmlEntry(name: string): boolean {
	return /\.(?:xml|rels)$/i.test(name);
}

export const docxParser: DocumentParser = {
	formats: ['docx'],
	async parse(input: ParseInput): Promise<ParsedDocument> {
		const maxDepth = input.xmlMaxDepth ?? DEFAULT_XML_MAX_DEPTH;
		const mode = input.hiddenText ?? 'drop';
		const scan = checkZipLimits(input.bytes, {
			maxInflatedBytes: input.maxInflatedBytes,
			maxEntries: input.docxMaxParts ?? DEFAULT_DOCX_MAX_PARTS,
			maxEntriesField: 'ingest.docxMaxParts',
			keep: isXmlEntry
		});
		const hidden: HiddenSpan[] = [];
		const unreadable: UnreadableCounts = { charts: 0, embeddedObjects: 0, diagrams: 0, equations: 0 };
		const files: Record<string, Uint8Array> = {};
		for (const [name, data] of scan.files) {
			if (!XML_PARTS.test(name)) {
				files[name] = data;
				continue;
			}
			const xml = decodeXmlPart(data, name);
			if (TEXT_PARTS.test(name)) {
				const prepared = prepareWordXml(xml, { part: name, maxDepth, hiddenText: mode });
				hidden.push(...prepared.hidden);
				for (const k of Object.keys(unreadable) as (keyof UnreadableCounts)[]) unreadable[k] += prepared.unreadable[k];
				files[name] = strToU8(prepared.xml);
			} else {
				tokenizeXml(xml, name, maxDepth);
				files[name] = data;
			}
		}
		const repacked = zipSync(files, { level: 0 });
		let html: string;
		let messages: { type: string; message: string }[];
		try {
			const buffer = repacked.buffer.slice(repacked.byteOffset, repacked.byteOffset + repacked.byteLength) as ArrayBuffer;
			// mammoth's browser build reads `arrayBuffer`, its Node build `buffer` (JSZip takes either).
			const result = await mammoth.convertToHtml({ arrayBuffer: buffer, buffer: repacked } as never, {
				convertImage: mammoth.images.imgElement(async () => ({ src: '' }))
			});
			html = result.value;
			messages = result.messages;
		} catch (cause) {
			throw mammothFailure(cause);
		}
		const { text, sections } = htmlToText(html);
		const clean = sanitizeText(text);
		const warnings: ParseWarning[] = textWarnings(clean);
		const errors = messages.filter((m) => m.type === 'error');
		if (errors.length > 0)
			warnings.push({
				kind: 'conversion-errors',
				count: errors.length,
				message: errors
					.slice(0, 3)
					.map((m) => m.message)
					.join('; ')
			});
		const skipped = describeUnreadable(unreadable);
		if (skipped.length > 0) {
			const count = Object.values(unreadable).reduce((a, b) => a + b, 0);
			warnings.push({ kind: 'unreadable-content', count, message: `${skipped.join(', ')} could not be read (not in the text).` });
		}
		warnings.push(...hiddenTextWarnings(hidden, mode));
		return {
			text: clean.text,
			layout: 'text',
			sections,
			warnings,
			metadata: { zipEntries: scan.entries, inflatedBytes: scan.inflatedBytes }
		};
	}
};

/** A part's bytes as text (UTF-8, or UTF-16 with a BOM, as XML allows). */
function decodeXmlPart(data: Uint8Array, name: string): string {
	try {
		if ((data[0] === 0xff && data[1] === 0xfe) || (data[0] === 0xfe && data[1] === 0xff))
			return new TextDecoder(data[0] === 0xff ? 'utf-16le' : 'utf-16be', { fatal: true }).decode(data);
		return strFromU8(data).replace(/^\uFEFF/, '');
	} catch (cause) {
		throw new AssayError('FILE_XML_MALFORMED', `${name} is not valid UTF-8 or UTF-16 text.`, { cause, details: { part: name } });
	}
}

/** "1 chart", "2 embedded objects", … for the non-zero counts. */
function describeUnreadable(c: UnreadableCounts): string[] {
	const out: string[] = [];
	const add = (n: number, one: string, many: string) => n > 0 && out.push(`${n} ${n === 1 ? one : many}`);
	add(c.charts, 'chart', 'charts');
	add(c.embeddedObjects, 'embedded object', 'embedded objects');
	add(c.diagrams, 'SmartArt diagram', 'SmartArt diagrams');
	add(c.equations, 'equation', 'equations');
	return out;
}

/**
 * A readable error for whatever mammoth threw; its own text (xmldom messages, stack overflows)
 * goes to `cause` only.
 */
function mammothFailure(cause: unknown): AssayError {
	if (cause instanceof RangeError && /call stack/i.test(cause.message)) {
		return new AssayError(
			'FILE_STRUCTURE_LIMIT',
			'The Word document is nested too deeply to read (try a lower ingest.xmlMaxDepth so it is refused earlier).',
			{ cause }
		);
	}
	const message = cause instanceof Error ? cause.message : String(cause);
	if (/xmldom|parse error|unclosed|mismatched/i.test(message)) {
		return new AssayError(
			'FILE_XML_MALFORMED',
			'The Word document holds XML that is not well-formed; it is damaged or was not written by a word processor.',
			{ cause }
		);
	}
	if (/could not find (?:the )?(?:body|file|main document)|word\/document\.xml/i.test(message)) {
		return new AssayError('FILE_PARSE', 'The file is a zip archive but not a Word document (no main document part).', { cause });
	}
	return new AssayError('FILE_PARSE', 'The Word document could not be read: its structure is not what Word writes.', { cause });
}
