import chardet from 'chardet';
import { AssayError } from '../../shared/errors.ts';
import { decodeText, looksBinary, normaliseNewlines } from '../decode.ts';

/**
 * Bytes → text for any text file: byte-order mark first, then strict UTF-8 (both via
 * {@link decodeText}), then legacy candidates ranked by a maintained detector (`chardet`,
 * ICU's statistical method) and decoded with the platform's `TextDecoder` in fatal mode, so a
 * candidate that cannot decode the bytes is dropped rather than producing mojibake.
 */

/** WHATWG encoding labels tried when the bytes are not UTF-8, in tie-break order. */
export const LEGACY_ENCODINGS = ['shift_jis', 'euc-kr', 'gb18030', 'big5', 'windows-1252'] as const;

/** Encodings a user may pick to re-decode a document (UTF forms plus the legacy candidates). */
export const SELECTABLE_ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', ...LEGACY_ENCODINGS] as const;

/** Detector confidence (0–100, chardet's scale) below which the user is asked to confirm. */
export const LOW_CONFIDENCE_THRESHOLD = 50;

/** One possible decoding. `confidence` is chardet's 0–100 score (0 when it did not list it). */
export interface EncodingCandidate {
	readonly encoding: string;
	readonly confidence: number;
}

/** The result of {@link detectAndDecode}. */
export interface DetectedText {
	/** Decoded text, `\n` line endings (not yet sanitised). */
	readonly text: string;
	/** WHATWG label of the encoding used. */
	readonly encoding: string;
	/** How the encoding was chosen. */
	readonly method: 'bom' | 'utf-8' | 'detected' | 'user';
	/** 0–100; 100 for a BOM, valid UTF-8 or a user's choice. */
	readonly confidence: number;
	/** True when the detector was unsure: the document should ask the user to confirm. */
	readonly uncertain: boolean;
	/** Legacy candidates that decoded without error, best first (empty for BOM/UTF-8). */
	readonly candidates: readonly EncodingCandidate[];
}

const CHARDET_TO_WHATWG: Readonly<Record<string, string>> = {
	Shift_JIS: 'shift_jis',
	'EUC-KR': 'euc-kr',
	GB18030: 'gb18030',
	Big5: 'big5',
	'windows-1252': 'windows-1252',
	'ISO-8859-1': 'windows-1252'
};

/**
 * Decode `bytes`, detecting the encoding when they are not UTF-8 (see module comment). With
 * `forcedEncoding` (a label from {@link SELECTABLE_ENCODINGS}) the bytes are decoded with that
 * encoding only — the user's answer to an uncertain detection.
 * @throws AssayError `FILE_BINARY` for binary data; `FILE_ENCODING` when no candidate decodes
 *   the bytes (or the forced one fails), with the candidates tried in `details`.
 */
export function detectAndDecode(bytes: Uint8Array, forcedEncoding?: string): DetectedText {
	if (forcedEncoding !== undefined) return decodeForced(bytes, forcedEncoding);
	try {
		const d = decodeText(bytes);
		// UTF-16 recognised by its NUL pattern is certain enough to not ask (fatal decoding passed).
		return {
			text: d.text,
			encoding: d.encoding,
			method: d.hadBom ? 'bom' : d.sniffed ? 'detected' : 'utf-8',
			confidence: d.sniffed ? 95 : 100,
			uncertain: false,
			candidates: []
		};
	} catch (error) {
		if (!(error instanceof AssayError) || error.code !== 'FILE_ENCODING') throw error;
		if (bytes[0] === 0xff || bytes[0] === 0xfe) throw error; // a broken UTF-16 BOM file: no legacy guess
	}
	if (looksBinary(bytes)) throw new AssayError('FILE_BINARY', 'The file contains binary data (NUL or control bytes), not text.');
	const candidates = rankCandidates(bytes);
	const best = candidates[0];
	if (!best) {
		throw new AssayError('FILE_ENCODING', `The file is neither UTF-8 nor valid in any of ${LEGACY_ENCODINGS.join(', ')}.`, {
			details: { tried: [...LEGACY_ENCODINGS] }
		});
	}
	const text = normaliseNewlines(decodeStrict(bytes, best.encoding));
	const runnerUp = candidates[1];
	// Unsure when the detector's score is low, or a second candidate is nearly as good.
	const uncertain = best.confidence < LOW_CONFIDENCE_THRESHOLD || (runnerUp !== undefined && best.confidence - runnerUp.confidence < 10);
	return { text, encoding: best.encoding, method: 'detected', confidence: best.confidence, uncertain, candidates };
}

/** Legacy candidates that decode `bytes` without error, by detector confidence, then list order. */
function rankCandidates(bytes: Uint8Array): EncodingCandidate[] {
	const scores = new Map<string, number>();
	for (const match of chardet.analyse(bytes)) {
		const label = CHARDET_TO_WHATWG[match.name];
		if (label && (scores.get(label) ?? -1) < match.confidence) scores.set(label, match.confidence);
	}
	const valid = LEGACY_ENCODINGS.filter((encoding) => decodesStrictly(bytes, encoding));
	return valid
		.map((encoding) => ({ encoding, confidence: scores.get(encoding) ?? 0 }))
		.sort(
			(a, b) => b.confidence - a.confidence || LEGACY_ENCODINGS.indexOf(a.encoding as never) - LEGACY_ENCODINGS.indexOf(b.encoding as never)
		);
}

/**
 * `TextDecoder` in fatal mode, except windows-1252, which is decoded with the WHATWG index
 * table: Node ≤ 22's `TextDecoder('windows-1252')` is really ISO-8859-1 (0x80–0x9F come out
 * as C1 controls), and the CLI must give the same text as the browser.
 */
function decodeStrict(bytes: Uint8Array, encoding: string, ignoreBOM = false): string {
	if (encoding === 'windows-1252') return decodeWindows1252(bytes);
	return new TextDecoder(encoding, { fatal: true, ignoreBOM }).decode(bytes);
}

/** WHATWG `index-windows-1252` for bytes 0x80–0x9F (the rest equals ISO-8859-1). */
const WINDOWS_1252_HIGH =
	'\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178';

function decodeWindows1252(bytes: Uint8Array): string {
	let out = '';
	for (let i = 0; i < bytes.length; i += 8192) {
		const part = Array.from(bytes.subarray(i, i + 8192), (b) =>
			b >= 0x80 && b <= 0x9f ? WINDOWS_1252_HIGH[b - 0x80]! : String.fromCharCode(b)
		);
		out += part.join('');
	}
	return out;
}

function decodesStrictly(bytes: Uint8Array, encoding: string): boolean {
	try {
		decodeStrict(bytes, encoding);
		return true;
	} catch {
		return false;
	}
}

function decodeForced(bytes: Uint8Array, encoding: string): DetectedText {
	if (!(SELECTABLE_ENCODINGS as readonly string[]).includes(encoding)) {
		throw new AssayError(
			'FILE_ENCODING',
			`Unknown encoding ${JSON.stringify(encoding)}; expected one of ${SELECTABLE_ENCODINGS.join(', ')}.`
		);
	}
	const bom = encoding === 'utf-8' ? 3 : encoding.startsWith('utf-16') ? 2 : 0;
	const hasBom = bom > 0 && new TextDecoder(encoding).decode(bytes.subarray(0, bom)).startsWith('\uFEFF');
	try {
		const text = decodeStrict(hasBom ? bytes.subarray(bom) : bytes, encoding, true);
		return { text: normaliseNewlines(text), encoding, method: 'user', confidence: 100, uncertain: false, candidates: [] };
	} catch (cause) {
		throw new AssayError('FILE_ENCODING', `The file is not valid ${encoding}.`, { cause, details: { encoding } });
	}
}
