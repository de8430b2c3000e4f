/**
 * Whitespace test on single UTF-16 code units, matching exactly the set JavaScript's `\s`
 * and `String.prototype.trim` use (ECMAScript WhiteSpace + LineTerminator). Every member is a
 * BMP character, so testing code units never mistakes half of a surrogate pair for whitespace.
 */

/**
 * True when the UTF-16 code unit `code` (0–0xFFFF) is whitespace in the sense of `/\s/`.
 * Example: `isWhitespaceCode(0x20) === true`, `isWhitespaceCode(0x61) === false`.
 */
export function isWhitespaceCode(code: number): boolean {
	if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
	if (code < 0xa0) return false;
	return (
		code === 0xa0 ||
		code === 0x1680 ||
		(code >= 0x2000 && code <= 0x200a) ||
		code === 0x2028 ||
		code === 0x2029 ||
		code === 0x202f ||
		code === 0x205f ||
		code === 0x3000 ||
		code === 0xfeff
	);
}
