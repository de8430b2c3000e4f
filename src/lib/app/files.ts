import type { ImportFileInput } from '$lib/services/library-api.ts';

/**
 * Turn what the browser gives us (a file input's `FileList`, a folder input with
 * `webkitRelativePath`, or a drop's `DataTransfer`) into import inputs with relative paths.
 */

/** Files from an `<input type="file">` (multiple or `webkitdirectory`). */
export function fromFileList(list: FileList | readonly File[]): ImportFileInput[] {
	return Array.from(list, (file) => ({ file, name: file.name, relativePath: file.webkitRelativePath || file.name }));
}

/**
 * Files from a drop. Folders are walked recursively through `webkitGetAsEntry()` (supported
 * by Chromium, Firefox and Safari); plain files fall back to `dataTransfer.files`.
 */
export async function fromDataTransfer(dt: DataTransfer): Promise<ImportFileInput[]> {
	const entries = Array.from(dt.items)
		.filter((item) => item.kind === 'file')
		.map((item) => item.webkitGetAsEntry?.())
		.filter((entry): entry is FileSystemEntry => entry != null);
	if (entries.length === 0) return fromFileList(dt.files);
	const out: ImportFileInput[] = [];
	for (const entry of entries) await walk(entry, out);
	return out;
}

async function walk(entry: FileSystemEntry, out: ImportFileInput[]): Promise<void> {
	if (entry.isFile) {
		const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
		out.push({ file, name: file.name, relativePath: entry.fullPath.replace(/^\//, '') });
		return;
	}
	const reader = (entry as FileSystemDirectoryEntry).createReader();
	// readEntries returns at most ~100 entries per call: read until it returns none.
	for (;;) {
		const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
		if (batch.length === 0) break;
		for (const child of batch) await walk(child, out);
	}
}
