import { Gunzip } from 'fflate';
import { AssayError } from '../shared/errors.ts';

/**
 * Gzip-compressed files (`notes.md.gz`): stream-inflated with fflate, counting bytes as they
 * come, so a gzip bomb stops at `ingest.maxInflatedBytes` (the same guard as zip containers)
 * instead of expanding in memory. The inner file is then read by its own name (`notes.md`).
 */

/** Whether `name` is a gzip file name (`.gz`, any case). */
export function isGzipName(name: string): boolean {
	return /\.gz$/i.test(name) && name.length > 3;
}

/** `notes.md.gz` → `notes.md`. */
export function gzipInnerName(name: string): string {
	return isGzipName(name) ? name.slice(0, -3) : name;
}

/**
 * Inflate gzip `bytes` (one or more members).
 * @throws AssayError `FILE_ZIP_LIMIT` past `maxInflatedBytes`; `FILE_GZIP_INVALID` when the bytes
 *   are not gzip (no `1f 8b` magic), damaged or truncated.
 */
export function gunzipLimited(bytes: Uint8Array, maxInflatedBytes: number): Uint8Array {
	if (bytes.length < 18 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
		throw new AssayError(
			'FILE_GZIP_INVALID',
			`The file is named .gz but is not gzip data (expected the bytes 1f 8b at the start, found ${hex(bytes.subarray(0, 2))}).`
		);
	}
	const pieces: Uint8Array[] = [];
	let total = 0;
	let exceeded = false;
	// Where each member starts, in the input and in the output (for the CRC-32/ISIZE check).
	const members: { input: number; output: number }[] = [{ input: 0, output: 0 }];
	const gunzip = new Gunzip((chunk) => {
		if (exceeded) return;
		total += chunk.length;
		if (total > maxInflatedBytes) {
			exceeded = true;
			return;
		}
		pieces.push(chunk);
	});
	gunzip.onmember = (offset) => members.push({ input: offset, output: total });
	const step = 64 * 1024;
	try {
		for (let i = 0; i < bytes.length && !exceeded; i += step) gunzip.push(bytes.subarray(i, i + step), i + step >= bytes.length);
	} catch (cause) {
		throw new AssayError(
			'FILE_GZIP_INVALID',
			`The gzip data is damaged or truncated (${cause instanceof Error ? cause.message : String(cause)}).`,
			{ cause }
		);
	}
	if (exceeded) {
		throw new AssayError(
			'FILE_ZIP_LIMIT',
			`The gzip file inflates to more than ${maxInflatedBytes} bytes (a gzip bomb?); the limit is set in ingest.maxInflatedBytes.`,
			{ details: { maxInflatedBytes } }
		);
	}
	const out = new Uint8Array(total);
	let at = 0;
	for (const p of pieces) {
		out.set(p, at);
		at += p.length;
	}
	// fflate does not check the trailers: a flipped byte or a cut-off end would pass unnoticed.
	for (let m = 0; m < members.length; m++) {
		const end = m + 1 < members.length ? members[m + 1]!.input : bytes.length;
		const data = out.subarray(members[m]!.output, m + 1 < members.length ? members[m + 1]!.output : out.length);
		const trailer = new DataView(bytes.buffer, bytes.byteOffset + end - 8, 8);
		if (end - 8 < members[m]!.input || trailer.getUint32(0, true) !== crc32(data) || trailer.getUint32(4, true) !== data.length % 2 ** 32) {
			throw new AssayError('FILE_GZIP_INVALID', 'The gzip data is damaged or truncated (its CRC-32 or length check does not match).');
		}
	}
	return out;
}

let CRC_TABLE: Uint32Array | null = null;

/** CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as gzip's trailer stores it (RFC 1952). */
export function crc32(data: Uint8Array): number {
	if (!CRC_TABLE) {
		CRC_TABLE = new Uint32Array(256);
		for (let n = 0; n < 256; n++) {
			let c = n;
			for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
			CRC_TABLE[n] = c >>> 0;
		}
	}
	let crc = 0xffffffff;
	for (let i = 0; i < data.length; i++) crc = CRC_TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
	return (crc ^ 0xffffffff) >>> 0;
}

function hex(b: Uint8Array): string {
	return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ') || 'nothing';
}
