import { porterStem } from './porter.ts';
import type { TermSink } from './types.ts';
import { codePointWidth } from './scripts.ts';

/**
 * The English pipeline's pieces: `[a-z0-9]+` tokens with diacritics folded, Lucene's stop
 * set, and the original Porter stemmer. Shared by the `english` and `auto` analyzers.
 */

/**
 * Lucene's English stop set (`EnglishAnalyzer.ENGLISH_STOP_WORDS_SET`, 33 words), the set the
 * reference BM25 runs use. Checked before stemming.
 */
export const LUCENE_ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(
	(
		'a an and are as at be but by for if in into is it no not of on or such ' + 'that the their then there these they this to was will with'
	).split(' ')
);

/**
 * Stemmer identity for fingerprints. It names the algorithm whose output the stemmer
 * reproduces exactly: `porterStem` (`porter.ts`) returns what npm `snowball-stemmers` 0.6.0
 * `porter` returns for every string, so indexes and snapshots built before it stay valid.
 */
export const PORTER_STEMMER_ID = 'snowball-stemmers@0.6.0/porter';

const FOLD_SEPARATOR = null;
const foldCache = new Map<number, string | null>();

/**
 * Fold one non-ASCII code point of lowercased text: NFD, then drop combining marks.
 * Returns the `[a-z0-9]+` it folds to (`é` → `e`), `''` for a lone combining mark
 * (transparent: it neither adds to nor ends a token), or `null` for anything else
 * (a separator: `ø`, `ß`, Hangul, punctuation…). NFD works code point by code point, so
 * folding each one equals folding the whole string.
 */
function foldCodePoint(cp: number): string | null {
	let folded = foldCache.get(cp);
	if (folded === undefined) {
		const stripped = String.fromCodePoint(cp).normalize('NFD').replace(/\p{M}/gu, '');
		folded = stripped === '' ? '' : /^[a-z0-9]+$/.test(stripped) ? stripped : FOLD_SEPARATOR;
		foldCache.set(cp, folded);
	}
	return folded;
}

function isAsciiAlnum(c: number): boolean {
	return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
}

/**
 * Emit the `[a-z0-9]+` tokens of `text.slice(from, to)`, which must already be lowercased
 * (the reference does Python `str.lower()` then `re.findall('[a-z0-9]+')`; uppercase ASCII
 * here would be a separator). Non-ASCII letters count when they fold to ASCII
 * (see {@link foldCodePoint}), so `café` → `cafe` and `naïve` → `naive`, while the offsets
 * cover the original characters (and any trailing combining mark).
 */
export function scanLatinTokens(text: string, from: number, to: number, emit: TermSink): void {
	let start = -1;
	let end = -1;
	// The token's text once it differs from text.slice(start, end) (after a folded character).
	let built: string | null = null;
	for (let i = from; i < to; i++) {
		const c = text.charCodeAt(i);
		if (c < 0x80) {
			if (isAsciiAlnum(c)) {
				if (start < 0) {
					start = i;
					built = null;
				} else if (built !== null) {
					built += text[i];
				}
				end = i + 1;
				continue;
			}
		} else {
			const width = codePointWidth(text, i);
			const folded = foldCodePoint(text.codePointAt(i) ?? c);
			if (folded !== null) {
				if (folded !== '' || start >= 0) {
					if (start < 0) {
						start = i;
						built = folded;
					} else {
						built = (built ?? text.slice(start, i)) + folded;
					}
					end = i + width;
				}
				i += width - 1;
				continue;
			}
			i += width - 1;
		}
		if (start >= 0) emit(built ?? text.slice(start, end), start, end);
		start = -1;
	}
	if (start >= 0) emit(built ?? text.slice(start, end), start, end);
}

/**
 * Porter stem of `token`, or `token` itself where the stem would be empty. Porter's step 1a
 * strips a final `s` with no condition, so the token `s` (from `user's`, `U.S.`) stems to `''`;
 * no other `[a-z0-9]+` token stems to `''` or to `s` (checked for every token up to 4
 * characters), so keeping `s` renames the reference runs' empty term one to one: terms,
 * document lengths and BM25 scores stay exactly those of the reference.
 */
export function stemOrKeep(stem: (word: string) => string, token: string): string {
	const stemmed = stem(token);
	return stemmed === '' ? token : stemmed;
}

/**
 * The term of one `[a-z0-9]+` token in the English pipeline: `null` for a
 * {@link LUCENE_ENGLISH_STOP_WORDS} word, else its Porter stem ({@link stemOrKeep}: never empty).
 */
export function englishTerm(token: string): string | null {
	return LUCENE_ENGLISH_STOP_WORDS.has(token) ? null : stemOrKeep(porterStem, token);
}

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** FNV-1a step over one UTF-16 code unit: the {@link TermCache} hash, computed while scanning. */
function hashStep(h: number, c: number): number {
	return Math.imul(h ^ c, FNV_PRIME);
}

/** MurmurHash3's 32-bit finaliser: FNV-1a alone leaves the low bits (the slot) poorly mixed. */
function finalizeHash(h: number): number {
	h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
	h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
	return h ^ (h >>> 16);
}

/**
 * A bounded token → term cache: an open-addressing hash table (linear probing, load ≤ ½)
 * over flat typed arrays, its keys' code units in one pool. It is looked up by a range of
 * the scanned text and a hash computed during the scan, so a token seen before costs no
 * substring, no string hashing and no pointer chasing; only new tokens are sliced and
 * resolved. Each term is one shared string, so the index's own `Map` lookups hit V8's cached
 * hash. When it holds `maxEntries` tokens it is emptied and refills (the bound on memory
 * for endless distinct tokens such as ids; real vocabularies stay far below).
 */
export class TermCache {
	/** Per slot: finalised hash, then entry number + 1 (0 = empty slot). */
	private slots = new Int32Array(0);
	private mask = 0;
	/** Per entry: start of its key in {@link pool}, key length, term. */
	private keyStarts = new Int32Array(0);
	private keyLengths = new Int32Array(0);
	private terms: (string | null)[] = [];
	/** Per entry: its term's key ({@link lastKey}), −1 for a dropped token. */
	private termKeys = new Int32Array(0);
	/** Term → key, so tokens with the same term (`run`, `running`) share one key. */
	private keyOfTerm = new Map<string, number>();
	private pool = new Uint16Array(0);
	private poolUsed = 0;
	private full = false;
	private epochCount = 0;

	/**
	 * Key of the term returned by the last lookup: a dense integer (0, 1, 2, … in order of
	 * first sight) naming that term while {@link epoch} stays the same, −1 for a dropped
	 * token. An index can map keys to its own term ids in an array instead of a `Map` by string.
	 */
	lastKey = -1;

	/**
	 * @param resolve token → term (`null` = drop the token); must be a pure function.
	 * @param maxEntries most tokens kept before the cache is emptied (default 500,000, about
	 *   30 MiB at 10-character tokens with their terms).
	 */
	constructor(
		private readonly resolve: (token: string) => string | null,
		private readonly maxEntries = 500_000
	) {
		this.reset();
	}

	/** Tokens currently cached. */
	get size(): number {
		return this.terms.length;
	}

	/**
	 * Generation of the keys: it changes when the cache is emptied (then keys restart at 0).
	 * A cache that filled up is emptied here or at the next {@link beginText}, never in the
	 * middle of a text, so all keys of one scanned text belong to one epoch.
	 */
	epoch(): number {
		this.beginText();
		return this.epochCount;
	}

	/** Call before scanning a text: empties the cache if it filled up during the last one. */
	beginText(): void {
		if (this.full) this.reset();
	}

	/** Term of `text.slice(start, end)` given `hash` = FNV-1a ({@link hashStep}) of those code units. */
	lookupRange(text: string, start: number, end: number, hash: number): string | null {
		hash = finalizeHash(hash);
		const len = end - start;
		const { slots, mask, keyStarts, keyLengths, pool } = this;
		let slot = hash & mask;
		for (let entry = slots[2 * slot + 1] as number; entry !== 0; entry = slots[2 * slot + 1] as number) {
			const e = entry - 1;
			if (slots[2 * slot] === hash && keyLengths[e] === len) {
				const at = keyStarts[e] as number;
				let i = 0;
				while (i < len && pool[at + i] === text.charCodeAt(start + i)) i++;
				if (i === len) {
					this.lastKey = this.termKeys[e] as number;
					return this.terms[e] as string | null;
				}
			}
			slot = (slot + 1) & mask;
		}
		return this.insert(text, start, end, hash);
	}

	/** Term of `token` (for tokens that are not a plain range of the text, e.g. folded ones). */
	lookup(token: string): string | null {
		let hash = FNV_OFFSET;
		for (let i = 0; i < token.length; i++) hash = hashStep(hash, token.charCodeAt(i));
		return this.lookupRange(token, 0, token.length, hash);
	}

	/** `hash` is already finalised. */
	private insert(text: string, start: number, end: number, hash: number): string | null {
		const token = text.slice(start, end);
		const term = this.resolve(token);
		// Emptied before the next text, not now: keys handed out for this text stay valid.
		if (this.terms.length + 1 >= this.maxEntries) this.full = true;
		const entry = this.terms.length;
		if ((entry + 1) * 2 > this.mask + 1) this.rehash(2 * (this.mask + 1));
		if (entry >= this.keyStarts.length) {
			this.keyStarts = grown(this.keyStarts, entry + 1);
			this.keyLengths = grown(this.keyLengths, entry + 1);
			this.termKeys = grown(this.termKeys, entry + 1);
		}
		let key = -1;
		if (term !== null) {
			key = this.keyOfTerm.get(term) ?? this.keyOfTerm.size;
			if (key === this.keyOfTerm.size) this.keyOfTerm.set(term, key);
		}
		this.termKeys[entry] = key;
		this.lastKey = key;
		const len = end - start;
		if (this.poolUsed + len > this.pool.length) {
			const pool = new Uint16Array(Math.max(this.pool.length * 2, this.poolUsed + len));
			pool.set(this.pool.subarray(0, this.poolUsed));
			this.pool = pool;
		}
		for (let i = 0; i < len; i++) this.pool[this.poolUsed + i] = text.charCodeAt(start + i);
		this.keyStarts[entry] = this.poolUsed;
		this.keyLengths[entry] = len;
		this.poolUsed += len;
		this.terms.push(term);
		this.place(hash, entry);
		return term;
	}

	private place(hash: number, entry: number): void {
		let slot = hash & this.mask;
		while (this.slots[2 * slot + 1] !== 0) slot = (slot + 1) & this.mask;
		this.slots[2 * slot] = hash;
		this.slots[2 * slot + 1] = entry + 1;
	}

	/** `capacity` slots (a power of two), every entry placed again. */
	private rehash(capacity: number): void {
		const old = this.slots;
		this.slots = new Int32Array(capacity * 2);
		this.mask = capacity - 1;
		for (let s = 0; s < old.length; s += 2) {
			const entry = old[s + 1] as number;
			if (entry !== 0) this.place(old[s] as number, entry - 1);
		}
	}

	private reset(): void {
		this.slots = new Int32Array(2 * 1024);
		this.mask = 1024 - 1;
		this.keyStarts = new Int32Array(512);
		this.keyLengths = new Int32Array(512);
		this.termKeys = new Int32Array(512);
		this.keyOfTerm = new Map();
		this.full = false;
		this.epochCount++;
		this.terms = [];
		this.pool = new Uint16Array(4096);
		this.poolUsed = 0;
	}
}

function grown(a: Int32Array, atLeast: number): Int32Array<ArrayBuffer> {
	const b = new Int32Array(Math.max(atLeast, a.length * 2));
	b.set(a);
	return b;
}

/**
 * The English token → term cache shared by every `english` and `auto` analyzer of this
 * JavaScript realm (page, worker or Node process), so it is kept across index builds and
 * queries: stemming is paid once per distinct token, not once per build. Bounded as
 * {@link TermCache} says (500,000 tokens).
 */
const englishTerms = new TermCache(englishTerm);

/**
 * The full English pipeline on lowercased text, in one pass: exactly the tokens of
 * {@link scanLatinTokens}, minus {@link LUCENE_ENGLISH_STOP_WORDS}, Porter-stemmed
 * ({@link englishTerm}), resolved through the shared {@link TermCache}. Returns a scanner with
 * the same signature as {@link scanLatinTokens} whose output terms are stems.
 */
export function createEnglishScanner(): (text: string, from: number, to: number, emit: TermSink) => void {
	return (text, from, to, emit) => scanEnglishTerms(text, from, to, englishTerms, emit);
}

/**
 * Epoch of the shared English term keys (the 4th argument the English scanner passes to its
 * sink; see {@link TermCache.lastKey}). Call before scanning a text; keys of texts scanned
 * while it returns the same value name the same terms.
 */
export function englishTermKeyEpoch(): number {
	return englishTerms.epoch();
}

/**
 * Call at the start of each text an analyzer scans with the English scanner (once per text,
 * even when the text is scanned in pieces): the shared cache is emptied only here, when it
 * filled up, so every key of one text belongs to one epoch.
 */
export function beginEnglishText(): void {
	englishTerms.beginText();
}

/**
 * {@link scanLatinTokens} fused with the term lookup: the hash of a plain ASCII token is
 * computed as it is scanned and looked up by range; a token with a folded character is
 * built as a string (as in {@link scanLatinTokens}) and looked up as such.
 */
function scanEnglishTerms(text: string, from: number, to: number, cache: TermCache, emit: TermSink): void {
	let start = -1;
	let end = -1;
	let hash = FNV_OFFSET;
	let built: string | null = null;
	for (let i = from; i < to; i++) {
		const c = text.charCodeAt(i);
		if (c < 0x80) {
			if (isAsciiAlnum(c)) {
				if (start < 0) {
					start = i;
					built = null;
					hash = hashStep(FNV_OFFSET, c);
				} else if (built !== null) {
					built += text[i];
				} else {
					hash = hashStep(hash, c);
				}
				end = i + 1;
				continue;
			}
		} else {
			const width = codePointWidth(text, i);
			const folded = foldCodePoint(text.codePointAt(i) ?? c);
			if (folded !== null) {
				if (folded !== '' || start >= 0) {
					if (start < 0) {
						start = i;
						built = folded;
					} else {
						built = (built ?? text.slice(start, i)) + folded;
					}
					end = i + width;
				}
				i += width - 1;
				continue;
			}
			i += width - 1;
		}
		if (start >= 0) emitTerm(text, start, end, hash, built, cache, emit);
		start = -1;
	}
	if (start >= 0) emitTerm(text, start, end, hash, built, cache, emit);
}

function emitTerm(text: string, start: number, end: number, hash: number, built: string | null, cache: TermCache, emit: TermSink): void {
	const term = built === null ? cache.lookupRange(text, start, end, hash) : cache.lookup(built);
	if (term !== null) emit(term, start, end, cache.lastKey);
}
