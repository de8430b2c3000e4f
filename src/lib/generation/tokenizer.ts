/**
 * Token counting for the prompt budget. An engine that exposes its model's tokenizer gives
 * exact counts (`exact: true`); otherwise {@link EstimateTokenizer} gives a documented,
 * deliberately pessimistic estimate so the packed prompt stays inside the context window.
 */
export interface Tokenizer {
	/** Tokens `text` encodes to (no special tokens). */
	countTokens(text: string): number;
	/** True when counts come from the model's own tokenizer. */
	readonly exact: boolean;
}

/**
 * Conservative estimate, no tokenizer needed:
 * `ceil(asciiChars / 3) + 2 × nonAsciiCodePoints`.
 * Why: byte-level BPE tokenizers (Llama 3, Qwen 2.5, SmolLM2) average ≈4 ASCII characters per
 * token on English prose, so 3 over-counts English by ≈25 %; a CJK or other non-ASCII code point
 * is 1–3 tokens (up to one per UTF-8 byte on byte-fallback), so 2 per code point is a middle
 * bound. It is an estimate, not a proof: the budget also keeps `reserveOutputTokens` free, and
 * the engine's context-window error is still mapped to a typed error.
 */
export class EstimateTokenizer implements Tokenizer {
	readonly exact = false;

	countTokens(text: string): number {
		let ascii = 0;
		let other = 0;
		for (const ch of text) {
			if (ch.codePointAt(0)! < 0x80) ascii++;
			else other++;
		}
		return Math.ceil(ascii / 3) + 2 * other;
	}
}
