import { detectAndDecode, type DetectedText } from '../encoding/detect.ts';
import { sanitizeText } from '../encoding/sanitize.ts';
import type { ParseInput, ParseWarning } from './types.ts';

/** Decoded, sanitised text of a text-format file, with the warnings the decoding raised. */
export interface DecodedForParser {
	readonly text: string;
	readonly detected: DetectedText;
	readonly warnings: ParseWarning[];
}

/**
 * Decode a text file (BOM → UTF-8 → detected legacy encoding, or the user's forced one; the
 * BOM is removed exactly once, so CSV headers and JSON.parse never see it), and replace control characters and lone surrogates once, turning every oddity into a warning.
 * @throws AssayError `FILE_BINARY` / `FILE_ENCODING` from {@link detectAndDecode}.
 */
export function decodeForParser(input: ParseInput): DecodedForParser {
	const detected = detectAndDecode(input.bytes, input.forcedEncoding);
	const clean = sanitizeText(detected.text);
	const warnings: ParseWarning[] = [...textWarnings(clean)];
	if (detected.uncertain) {
		const list = detected.candidates.map((c) => `${c.encoding} ${c.confidence}%`).join(', ');
		warnings.push({
			kind: 'encoding-uncertain',
			count: 1,
			message: `The encoding was guessed as ${detected.encoding} with low confidence (${list}); confirm or choose another.`
		});
	}
	return { text: clean.text, detected, warnings };
}

/** Warnings for the replacements counted by `sanitizeText`. */
export function textWarnings(clean: { loneSurrogates: number; controlCharacters: number; replacementCharacters: number }): ParseWarning[] {
	const out: ParseWarning[] = [];
	if (clean.replacementCharacters > 0)
		out.push({
			kind: 'replacement-characters',
			count: clean.replacementCharacters,
			message: `${clean.replacementCharacters} undecodable character(s) (U+FFFD) in the text.`
		});
	if (clean.controlCharacters > 0)
		out.push({
			kind: 'control-characters',
			count: clean.controlCharacters,
			message: `${clean.controlCharacters} control character(s) replaced by U+FFFD.`
		});
	if (clean.loneSurrogates > 0)
		out.push({
			kind: 'lone-surrogates',
			count: clean.loneSurrogates,
			message: `${clean.loneSurrogates} lone surrogate(s) replaced by U+FFFD.`
		});
	return out;
}

/** Encoding facts for a ParsedDocument built from {@link decodeForParser}. */
export function encodingFields(d: DecodedForParser): { encoding: string; encodingCandidates?: { encoding: string; confidence: number }[] } {
	return { encoding: d.detected.encoding, ...(d.detected.uncertain ? { encodingCandidates: [...d.detected.candidates] } : {}) };
}
