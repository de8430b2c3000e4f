import { AssayError } from '../shared/errors.ts';
import { sanitizeText } from '../ingest/encoding/sanitize.ts';
import { pageText, type TextRun } from '../ingest/parsers/pdf-layout.ts';
import type { DocumentParser, PageSpan, ParsedDocument, ParsedSection, ParseInput, ParseWarning } from '../ingest/parsers/types.ts';
import { hiddenTextWarnings, type HiddenSpan, type HiddenTextMode } from '../ingest/parsers/hidden-text.ts';
import { markGlyphs, splitHidden, type PdfOps } from '../ingest/parsers/pdf-hidden.ts';

/**
 * PDF parser on pdf.js (`pdfjs-dist`). pdf.js runs with its "fake worker" inside the thread
 * that calls it (our parser worker in the browser, the process in Node), so no second worker
 * file is fetched; the worker module is bundled and served by the site itself. Text runs of
 * each page go through {@link pageText} (lines, paragraphs, hyphenation, NFKC, columns); each
 * page is a section with its page number. Broken glyphs (pdf.js gives U+0000 when a font's
 * ToUnicode map has no entry) become U+FFFD and flag the page. A PDF whose pages hold no text
 * at all is returned with `needsOcr: true`. Hidden text (invisible render mode without a
 * scanned image, white text on an unpainted page, text under 1 pt; see `pdf-hidden.ts`) is
 * found by replaying each page's operator list, and dropped or flagged per `ingest.hiddenText`.
 */

/** The part of the pdf.js module this adapter uses. */
export interface PdfjsModule {
	getDocument(params: Record<string, unknown>): { promise: Promise<PdfDocumentProxy>; destroy(): Promise<void> };
	/** Operator codes of `getOperatorList()`. */
	readonly OPS: PdfOps;
}
interface PdfDocumentProxy {
	readonly numPages: number;
	getPage(n: number): Promise<PdfPageProxy>;
	destroy(): Promise<void>;
}
interface PdfPageProxy {
	readonly view: number[];
	getTextContent(params?: Record<string, unknown>): Promise<{ items: readonly unknown[] }>;
	getOperatorList(): Promise<{ fnArray: number[]; argsArray: unknown[] }>;
	cleanup(): void;
}
interface PdfTextItem {
	str: string;
	transform: number[];
	width: number;
	height: number;
}

/** Create the PDF parser. `loadPdfjs` imports pdf.js (legacy build in Node, the bundled one in workers). */
export function createPdfParser(loadPdfjs: () => Promise<PdfjsModule>): DocumentParser {
	return {
		formats: ['pdf'],
		async parse(input: ParseInput): Promise<ParsedDocument> {
			const pdfjs = await loadPdfjs();
			const task = pdfjs.getDocument({
				data: input.bytes.slice(),
				isEvalSupported: false,
				disableFontFace: true,
				useSystemFonts: false,
				verbosity: 0,
				stopAtErrors: false
			});
			let doc: PdfDocumentProxy;
			try {
				doc = await task.promise;
			} catch (cause) {
				const reason = cause instanceof Error ? cause.message : String(cause);
				const encrypted = cause instanceof Error && cause.name === 'PasswordException';
				throw new AssayError('FILE_PARSE', encrypted ? 'The PDF is password-protected.' : `The PDF could not be read: ${reason}`, {
					cause
				});
			}
			try {
				return await extract(doc, pdfjs.OPS, input.hiddenText ?? 'drop');
			} finally {
				await doc.destroy();
			}
		}
	};
}

async function extract(doc: PdfDocumentProxy, OPS: PdfOps, mode: HiddenTextMode): Promise<ParsedDocument> {
	const hidden: HiddenSpan[] = [];
	const hiddenPages: number[] = [];
	let text = '';
	const pages: PageSpan[] = [];
	const sections: ParsedSection[] = [];
	const brokenPages: number[] = [];
	const emptyPages: number[] = [];
	let broken = 0;
	for (let n = 1; n <= doc.numPages; n++) {
		const page = await doc.getPage(n);
		const content = await page.getTextContent();
		const width = (page.view[2] ?? 0) - (page.view[0] ?? 0);
		const runs = content.items.filter(isTextItem).map(toRun);
		const ops = await page.getOperatorList();
		const split = splitHidden(
			runs.map((r) => ({ str: r.text, fontSize: r.fontSize })),
			markGlyphs(ops.fnArray, ops.argsArray, OPS)
		);
		if (split.spans.length > 0) {
			hidden.push(...split.spans);
			hiddenPages.push(n);
		}
		const visible = mode === 'flag' ? runs : runs.map((r, i) => ({ ...r, text: split.kept[i] ?? r.text })).filter((r) => r.text !== '');
		const clean = sanitizeText(pageText(visible, width));
		page.cleanup();
		const bad = clean.controlCharacters + clean.replacementCharacters + clean.loneSurrogates;
		if (bad > 0) brokenPages.push(n);
		broken += bad;
		if (clean.text.trim() === '') {
			emptyPages.push(n);
			continue;
		}
		if (text !== '') text += '\n\n';
		const start = text.length;
		text += clean.text;
		pages.push({ page: n, startOffset: start, endOffset: text.length });
		sections.push({ startOffset: start, endOffset: text.length, headingPath: [], page: n });
	}
	const warnings: ParseWarning[] = [];
	if (broken > 0)
		warnings.push({
			kind: 'broken-glyphs',
			count: broken,
			pages: brokenPages,
			message: `${broken} glyph(s) without a Unicode mapping (shown as U+FFFD) on page ${brokenPages.join(', ')}.`
		});
	if (emptyPages.length > 0 && pages.length > 0)
		warnings.push({
			kind: 'pages-without-text',
			count: emptyPages.length,
			pages: emptyPages,
			message: `Page ${emptyPages.slice(0, 20).join(', ')} has no text layer (scanned?); only the other pages are searchable.`
		});
	for (const w of hiddenTextWarnings(hidden, mode)) warnings.push({ ...w, pages: hiddenPages });
	return {
		text: text === '' ? '' : `${text}\n`,
		layout: 'text',
		sections,
		pages,
		...(pages.length === 0 ? { needsOcr: true } : {}),
		warnings,
		metadata: { pageCount: doc.numPages }
	};
}

function isTextItem(item: unknown): item is PdfTextItem {
	return (
		typeof item === 'object' &&
		item !== null &&
		typeof (item as PdfTextItem).str === 'string' &&
		Array.isArray((item as PdfTextItem).transform)
	);
}

function toRun(item: PdfTextItem): TextRun {
	const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0] = item.transform;
	const fontSize = Math.hypot(c, d) || Math.hypot(a, b) || item.height;
	return { text: item.str, x: e, y: f, width: item.width, fontSize };
}
