/**
 * File-type detection by extension. This version reads plain text and Markdown; every other
 * extension is reported as `unsupported` (other formats arrive with their parsers).
 */

/** Formats the ingest pipeline can read, with their IANA media types. */
export const SUPPORTED_EXTENSIONS: Readonly<Record<string, string>> = {
	txt: 'text/plain',
	text: 'text/plain',
	md: 'text/markdown',
	markdown: 'text/markdown'
};

/** Lowercased extension without the dot (`Notes.MD` → `md`), or `''` when there is none. */
export function fileExtension(name: string): string {
	const dot = name.lastIndexOf('.');
	return dot <= 0 || dot === name.length - 1 ? '' : name.slice(dot + 1).toLowerCase();
}

/** The media type for a file name, or `null` when the extension is not supported. */
export function mediaTypeFor(name: string): string | null {
	return SUPPORTED_EXTENSIONS[fileExtension(name)] ?? null;
}

/** Whether a media type is chunked as Markdown (headings, fences) or as plain text. */
export function chunkFormatFor(mediaType: string): 'markdown' | 'text' {
	return mediaType === 'text/markdown' ? 'markdown' : 'text';
}
