/**
 * Builders for binary test documents (PDF with pdf-lib, DOCX and zip bombs with JSZip), shared
 * by integration and e2e tests, so the repository carries code instead of opaque binaries.
 */
import JSZip from 'jszip';
import { PDFDocument, StandardFonts, TextRenderingMode, popGraphicsState, pushGraphicsState, rgb, setTextRenderingMode } from 'pdf-lib';

/** A page of text lines for {@link makePdf}: `[x, y, text]` in points, font size 11. */
export type PdfLine = readonly [number, number, string];

/** A PDF whose pages hold the given lines (Helvetica 11 pt, US Letter); `[]` makes an image-only-like page with no text. */
export async function makePdf(pages: readonly (readonly PdfLine[])[]): Promise<Uint8Array> {
	const pdf = await PDFDocument.create();
	const font = await pdf.embedFont(StandardFonts.Helvetica);
	for (const lines of pages) {
		const page = pdf.addPage([612, 792]);
		if (lines.length === 0) page.drawRectangle({ x: 50, y: 50, width: 500, height: 700, borderWidth: 1 });
		for (const [x, y, text] of lines) page.drawText(text, { x, y, size: 11, font });
	}
	return pdf.save({ useObjectStreams: false });
}

/** Lines of a paragraph flowing down from `y` with 14 pt leading. */
export function flow(x: number, y: number, lines: readonly string[]): PdfLine[] {
	return lines.map((text, i) => [x, y - i * 14, text] as const);
}

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>
</Types>`;
const RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>`;
const DOC_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>
</Relationships>`;
const NUMBERING = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/></w:lvl></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
</w:numbering>`;
const STYLES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/></w:style>
<w:style w:type="paragraph" w:styleId="ListBullet"><w:name w:val="List Bullet"/></w:style>
</w:styles>`;

/** A block of a {@link makeDocx} body. */
export type DocxBlock = { h1: string } | { h2: string } | { p: string } | { bullet: string } | { table: readonly (readonly string[])[] };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const para = (text: string, style?: string, numbered = false) =>
	`<w:p><w:pPr>${style ? `<w:pStyle w:val="${style}"/>` : ''}${numbered ? '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>' : ''}</w:pPr><w:r><w:t xml:space="preserve">${esc(text)}</w:t></w:r></w:p>`;

/** A minimal valid DOCX with headings, paragraphs, bullet paragraphs and tables. */
export async function makeDocx(blocks: readonly DocxBlock[]): Promise<Uint8Array> {
	const body = blocks
		.map((b) => {
			if ('h1' in b) return para(b.h1, 'Heading1');
			if ('h2' in b) return para(b.h2, 'Heading2');
			if ('bullet' in b) return para(b.bullet, 'ListBullet', true);
			if ('table' in b)
				return `<w:tbl>${b.table.map((row) => `<w:tr>${row.map((c) => `<w:tc>${para(c)}</w:tc>`).join('')}</w:tr>`).join('')}</w:tbl>`;
			return para(b.p);
		})
		.join('');
	const zip = new JSZip();
	zip.file('[Content_Types].xml', CONTENT_TYPES);
	zip.file('_rels/.rels', RELS);
	zip.file('word/_rels/document.xml.rels', DOC_RELS);
	zip.file('word/styles.xml', STYLES);
	zip.file('word/numbering.xml', NUMBERING);
	zip.file(
		'word/document.xml',
		`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`
	);
	return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
}

/** A DOCX-named zip bomb: a valid small document plus an entry of `inflatedBytes` zeros (deflates to ~1/1000). */
export async function makeZipBomb(inflatedBytes: number): Promise<Uint8Array> {
	const zip = await JSZip.loadAsync(await makeDocx([{ p: 'harmless' }]));
	zip.file('word/media/padding.bin', new Uint8Array(inflatedBytes));
	return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE', compressionOptions: { level: 9 } });
}

/** Namespaces a WordprocessingML body with text boxes, VML and charts needs. */
export const WORD_NAMESPACES =
	'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:o="urn:schemas-microsoft-com:office:office"';

/** A DOCX whose `word/document.xml` body is `bodyXml` verbatim, plus `extra` entries (name → content). */
export async function makeDocxXml(bodyXml: string, extra: Readonly<Record<string, string>> = {}): Promise<Uint8Array> {
	const zip = await JSZip.loadAsync(await makeDocx([{ p: 'placeholder' }]));
	zip.file(
		'word/document.xml',
		`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ${WORD_NAMESPACES}><w:body>${bodyXml}</w:body></w:document>`
	);
	for (const [name, content] of Object.entries(extra)) zip.file(name, content);
	return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
}

/** A plain WordprocessingML paragraph (`<w:p>`) with one run; `rPr` is the run properties' inner XML. */
export function wordPara(text: string, rPr = ''): string {
	return `<w:p><w:r>${rPr ? `<w:rPr>${rPr}</w:rPr>` : ''}<w:t xml:space="preserve">${esc(text)}</w:t></w:r></w:p>`;
}

/** A line of {@link makeStyledPdf}: how it is drawn. */
export type StyledPdfLine = { readonly y: number; readonly text: string; readonly style?: 'invisible' | 'white' | 'tiny' };
/** What else a {@link makeStyledPdf} page holds, drawn before its text. */
export type PdfBackdrop = 'none' | 'dark-box' | 'image';

const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';

/**
 * A one-page PDF (Helvetica 11 pt at x = 72) whose lines are drawn normally, in text render
 * mode 3 (invisible), in white, or at 0.5 pt, over nothing, a dark filled box or an image.
 */
export async function makeStyledPdf(lines: readonly StyledPdfLine[], backdrop: PdfBackdrop = 'none'): Promise<Uint8Array> {
	const pdf = await PDFDocument.create();
	const font = await pdf.embedFont(StandardFonts.Helvetica);
	const page = pdf.addPage([612, 792]);
	if (backdrop === 'dark-box') page.drawRectangle({ x: 50, y: 50, width: 500, height: 700, color: rgb(0.1, 0.1, 0.3) });
	if (backdrop === 'image') page.drawImage(await pdf.embedPng(Buffer.from(PNG_1PX, 'base64')), { x: 50, y: 50, width: 500, height: 700 });
	for (const { y, text, style } of lines) {
		if (style === 'invisible') page.pushOperators(pushGraphicsState(), setTextRenderingMode(TextRenderingMode.Invisible));
		page.drawText(text, { x: 72, y, size: style === 'tiny' ? 0.5 : 11, font, ...(style === 'white' ? { color: rgb(1, 1, 1) } : {}) });
		if (style === 'invisible') page.pushOperators(popGraphicsState());
	}
	return pdf.save({ useObjectStreams: false });
}
