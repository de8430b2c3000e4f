import { CODE_LANGUAGES } from './parsers/code.ts';

/**
 * File-type detection by extension: each supported extension maps to a format key (which
 * parser reads it) and an IANA media type. Unknown extensions are `unsupported`.
 */

/** A supported file type. */
export interface FileFormat {
	/** Parser key: `text`, `markdown`, `pdf`, `docx`, `html`, `csv`, `tsv`, `json`, `jsonl`, `code`. */
	readonly format: string;
	readonly mediaType: string;
}

const DOCUMENT_FORMATS: Readonly<Record<string, FileFormat>> = {
	txt: { format: 'text', mediaType: 'text/plain' },
	text: { format: 'text', mediaType: 'text/plain' },
	log: { format: 'text', mediaType: 'text/plain' },
	md: { format: 'markdown', mediaType: 'text/markdown' },
	markdown: { format: 'markdown', mediaType: 'text/markdown' },
	pdf: { format: 'pdf', mediaType: 'application/pdf' },
	docx: { format: 'docx', mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
	html: { format: 'html', mediaType: 'text/html' },
	htm: { format: 'html', mediaType: 'text/html' },
	xhtml: { format: 'html', mediaType: 'application/xhtml+xml' },
	csv: { format: 'csv', mediaType: 'text/csv' },
	tsv: { format: 'tsv', mediaType: 'text/tab-separated-values' },
	json: { format: 'json', mediaType: 'application/json' },
	jsonl: { format: 'jsonl', mediaType: 'application/jsonl' },
	ndjson: { format: 'jsonl', mediaType: 'application/jsonl' }
};

/** Media types of plain text and Markdown, by extension (kept for callers of the first version). */
export const SUPPORTED_EXTENSIONS: Readonly<Record<string, string>> = Object.fromEntries(
	[...Object.entries(DOCUMENT_FORMATS), ...Object.keys(CODE_LANGUAGES).map((ext) => [ext, codeFormat(ext)] as const)].map(([ext, f]) => [
		ext,
		f.mediaType
	])
);

/**
 * Extensions of well-known binary formats with no parser here (office files other than DOCX,
 * images, archives, media, executables, fonts, databases): unsupported without reading a byte.
 * Any other unknown name (no extension, `.cfg`, `.nfo`, …) is read and offered "Read as text"
 * when it looks like text.
 */
export const KNOWN_BINARY_EXTENSIONS: ReadonlySet<string> = new Set(
	'xlsx xls xlsm pptx ppt doc odt ods odp rtf epub png jpg jpeg gif webp bmp tif tiff ico heic avif psd zip 7z rar tar tgz bz2 xz zst lz4 mp3 mp4 m4a wav mov avi mkv flac ogg webm exe dll so dylib bin class jar wasm o a obj ttf otf woff woff2 sqlite db mdb iso dmg onnx safetensors pt gguf parquet'.split(
		' '
	)
);

/** Lowercased extension without the dot (`Notes.MD` → `md`), or `''` when there is none. */
export function fileExtension(name: string): string {
	const dot = name.lastIndexOf('.');
	return dot <= 0 || dot === name.length - 1 ? '' : name.slice(dot + 1).toLowerCase();
}

/** The format of a file name, or `null` when its extension is not supported. */
export function fileFormatFor(name: string): FileFormat | null {
	const ext = fileExtension(name);
	if (DOCUMENT_FORMATS[ext]) return DOCUMENT_FORMATS[ext];
	return CODE_LANGUAGES[ext] ? codeFormat(ext) : null;
}

/** The media type for a file name, or `null` when the extension is not supported. */
export function mediaTypeFor(name: string): string | null {
	return fileFormatFor(name)?.mediaType ?? null;
}

/** Whether a media type is chunked as Markdown (headings, fences) or as plain text. */
export function chunkFormatFor(mediaType: string): 'markdown' | 'text' {
	return mediaType === 'text/markdown' ? 'markdown' : 'text';
}

function codeFormat(ext: string): FileFormat {
	return { format: 'code', mediaType: `text/x-${CODE_LANGUAGES[ext] ?? 'source'}` };
}
