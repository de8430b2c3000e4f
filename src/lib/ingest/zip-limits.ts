import { Unzip, UnzipInflate } from 'fflate';
import { AssayError } from '../shared/errors.ts';

/**
 * Zip-bomb guard for zip containers (DOCX): stream-inflate every entry with fflate, counting
 * inflated bytes as they come, and stop at the first byte over the limit — before any parser
 * (mammoth/JSZip) expands the archive in memory. Declared sizes in the zip headers are not
 * trusted; only bytes actually produced count.
 */

/** Limits for {@link checkZipLimits}. */
export interface ZipLimits {
	/** Largest total of inflated bytes over all entries. */
	readonly maxInflatedBytes: number;
	/** Most entries. Default 10 000. */
	readonly maxEntries?: number;
	/** The configuration field named in the too-many-entries message. */
	readonly maxEntriesField?: string;
	/** Keep the inflated bytes of the entries this returns true for (in {@link ZipScan.files}). */
	readonly keep?: (name: string) => boolean;
}

/** What the scan saw (when within limits). */
export interface ZipScan {
	readonly entries: number;
	readonly inflatedBytes: number;
	/** The kept entries (see {@link ZipLimits.keep}), name → inflated bytes, in archive order. */
	readonly files: Map<string, Uint8Array>;
}

/**
 * Scan a zip archive within `limits`.
 * @throws AssayError `FILE_ZIP_LIMIT` when the entries inflate past `maxInflatedBytes`;
 *   `FILE_STRUCTURE_LIMIT` when there are more than `maxEntries`; `FILE_PARSE` when the bytes
 *   are not a readable zip.
 */
export function checkZipLimits(bytes: Uint8Array, limits: ZipLimits): ZipScan {
	const maxEntries = limits.maxEntries ?? 10_000;
	let entries = 0;
	let inflated = 0;
	let exceeded: AssayError | null = null;
	let failure: unknown = null;
	const files = new Map<string, Uint8Array>();
	const unzip = new Unzip((file) => {
		if (exceeded) return;
		entries++;
		if (entries > maxEntries) {
			const field = limits.maxEntriesField ? `; the limit is ${limits.maxEntriesField}` : '';
			exceeded = new AssayError('FILE_STRUCTURE_LIMIT', `The archive has more than ${maxEntries} parts (entries)${field}.`, {
				details: { maxEntries }
			});
			return;
		}
		const pieces: Uint8Array[] | null = limits.keep?.(file.name) ? [] : null;
		file.ondata = (err, chunk, final) => {
			if (err) failure ??= err;
			if (exceeded || err) return;
			inflated += chunk.length;
			pieces?.push(chunk);
			if (final && pieces) files.set(file.name, concat(pieces));
			if (inflated > limits.maxInflatedBytes) {
				exceeded = new AssayError(
					'FILE_ZIP_LIMIT',
					`The archive inflates to more than ${limits.maxInflatedBytes} bytes (a zip bomb?); the limit is set in ingest.maxInflatedBytes.`,
					{ details: { maxInflatedBytes: limits.maxInflatedBytes } }
				);
				file.terminate();
			}
		};
		file.start();
	});
	unzip.register(UnzipInflate);
	const step = 64 * 1024;
	try {
		for (let i = 0; i < bytes.length && !exceeded; i += step) unzip.push(bytes.subarray(i, i + step), i + step >= bytes.length);
	} catch (cause) {
		failure ??= cause;
	}
	if (exceeded) throw exceeded;
	if (failure)
		throw new AssayError(
			'FILE_PARSE',
			`The archive is not a readable zip: ${failure instanceof Error ? failure.message : String(failure)}`,
			{ cause: failure }
		);
	if (entries === 0) throw new AssayError('FILE_PARSE', 'The archive is empty or not a zip file.');
	return { entries, inflatedBytes: inflated, files };
}

function concat(pieces: readonly Uint8Array[]): Uint8Array {
	if (pieces.length === 1) return pieces[0]!;
	const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
	let at = 0;
	for (const p of pieces) {
		out.set(p, at);
		at += p.length;
	}
	return out;
}
