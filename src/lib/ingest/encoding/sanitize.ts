/**
 * Text hygiene after decoding: lone UTF-16 surrogates and control characters (C0 except tab,
 * LF, FF and CR; DEL; C1) are replaced by U+FFFD exactly once, and counted, so a document that
 * needed it can be flagged "suspect text" instead of silently storing garbage.
 */

/** The replacement character written in place of every rejected code unit or code point. */
export const REPLACEMENT_CHARACTER = '\uFFFD';

/** Result of {@link sanitizeText}. */
export interface SanitizedText {
	readonly text: string;
	/** Lone surrogates replaced (count of UTF-16 code units). */
	readonly loneSurrogates: number;
	/** Control characters replaced (count of code points). */
	readonly controlCharacters: number;
	/** U+FFFD already present in the input (from a lossy decoder or a PDF's broken glyph). */
	readonly replacementCharacters: number;
}

// Matching control characters is the point of this pattern.
// eslint-disable-next-line no-control-regex -- Lone high surrogate, lone low surrogate, C0 controls except \t \n \f \r, DEL and C1 controls.
const BAD = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|[\u0000-\u0008\u000B\u000E-\u001F\u007F-\u009F]/g;

/**
 * Replace lone surrogates and control characters with U+FFFD, once each, and count them and
 * the U+FFFD that were already there. Idempotent: sanitising the output again changes nothing
 * and counts only replacement characters.
 */
export function sanitizeText(text: string): SanitizedText {
	let loneSurrogates = 0;
	let controlCharacters = 0;
	const out = text.replace(BAD, (m) => {
		if (m.charCodeAt(0) >= 0xd800) loneSurrogates++;
		else controlCharacters++;
		return REPLACEMENT_CHARACTER;
	});
	let replacementCharacters = 0;
	for (let i = out.indexOf(REPLACEMENT_CHARACTER); i >= 0; i = out.indexOf(REPLACEMENT_CHARACTER, i + 1)) replacementCharacters++;
	return {
		text: out,
		loneSurrogates,
		controlCharacters,
		replacementCharacters: replacementCharacters - loneSurrogates - controlCharacters
	};
}
