/**
 * The original Porter stemmer exactly as the Snowball project defines it (`porter.sbl`,
 * the algorithm npm `snowball-stemmers` 0.6.0 runs as `porter`; not Porter2 `english`),
 * written directly over a reused `Uint16Array` of UTF-16 code units instead of Snowball's
 * generic string machinery. Same output as `newStemmer('porter').stem(word)` for every
 * string (checked on every distinct token of the bundled corpora and on random words in
 * `tests/unit/search/porter.test.ts`).
 *
 * Source of the algorithm: M. F. Porter, "An algorithm for suffix stripping", Program 14(3),
 * 1980, in the Snowball formulation (https://snowballstem.org/algorithms/porter/stemmer.html):
 * `y` at the start or after a vowel is a consonant (`Y`); R1/R2 regions; steps 1a, 1b, 1c,
 * 2, 3, 4, 5a, 5b, each tried once on the longest matching suffix; `Y` back to `y`.
 */

const Y = 0x59;
/** `aeiouy` (Snowball grouping `v`); `Y` and everything outside a–z are consonants. */
const VOWEL = new Uint8Array(128);
/** `aeiouy` + `w`, `x`, `Y` (Snowball grouping `v_WXY`). */
const VOWEL_WXY = new Uint8Array(128);
for (const ch of 'aeiouy') VOWEL[ch.charCodeAt(0)] = 1;
for (const ch of 'aeiouywxY') VOWEL_WXY[ch.charCodeAt(0)] = 1;

let buf = new Uint16Array(64);

function isVowel(c: number): boolean {
	return c < 128 && VOWEL[c] === 1;
}

/** Snowball `shortv` tested backwards from `pos`: non-v_WXY, v, non-v ending at `pos`. */
function shortvBefore(pos: number): boolean {
	if (pos < 3) return false;
	const c1 = buf[pos - 1] as number;
	if (c1 < 128 && VOWEL_WXY[c1] === 1) return false;
	return isVowel(buf[pos - 2] as number) && !isVowel(buf[pos - 3] as number);
}

/** Whether `buf[0..len)` contains a vowel before position `end`. */
function vowelBefore(end: number): boolean {
	for (let i = end - 1; i >= 0; i--) if (isVowel(buf[i] as number)) return true;
	return false;
}

/** A suffix rule: suffix and replacement (empty = delete), as code units. */
interface Rule {
	readonly suffix: Uint16Array;
	readonly replacement: Uint16Array;
	/** 1 = replace; 2 = Step 4's `ion`, deleted only after `s` or `t`. */
	readonly action: number;
}

function codes(s: string): Uint16Array {
	return Uint16Array.from(s, (ch) => ch.charCodeAt(0));
}

/** Rules by the suffix's last code unit (ASCII), each list longest suffix first. */
type RuleTable = readonly (readonly Rule[] | undefined)[];

/**
 * A rule table from `suffix:replacement` pairs (`-` = delete; Step 4's `ion` gets action 2).
 * Sorting longest first makes the first match the longest one, as Snowball's `among`.
 */
function ruleTable(spec: string): RuleTable {
	const table: Rule[][] = [];
	for (const pair of spec.split(' ')) {
		const [suffix = '', replacement = ''] = pair.split(':');
		const rule = { suffix: codes(suffix), replacement: codes(replacement === '-' ? '' : replacement), action: suffix === 'ion' ? 2 : 1 };
		(table[rule.suffix[rule.suffix.length - 1] as number] ??= []).push(rule);
	}
	for (const list of table) list?.sort((a, b) => b.suffix.length - a.suffix.length);
	return table;
}

const STEP_2 = ruleTable(
	'tional:tion enci:ence anci:ance abli:able entli:ent eli:e izer:ize ization:ize ational:ate ation:ate ator:ate ' +
		'alli:al alism:al aliti:al fulness:ful ousli:ous ousness:ous iveness:ive iviti:ive biliti:ble'
);
const STEP_3 = ruleTable('alize:al icate:ic iciti:ic ical:ic ative:- ful:- ness:-');
const STEP_4 = ruleTable(
	'al:- ance:- ence:- er:- ic:- able:- ible:- ant:- ement:- ment:- ent:- ou:- ism:- ate:- iti:- ous:- ive:- ize:- ion:-'
);

function endsWith(len: number, suffix: Uint16Array): boolean {
	const n = suffix.length;
	if (n > len) return false;
	for (let i = 0; i < n; i++) if (buf[len - n + i] !== suffix[i]) return false;
	return true;
}

/** The longest rule whose suffix ends `buf[0..len)`, or undefined (Snowball `substring … among`). */
function longestMatch(len: number, table: RuleTable): Rule | undefined {
	if (len < 1) return undefined;
	const list = table[buf[len - 1] as number];
	if (list === undefined) return undefined;
	for (const rule of list) if (endsWith(len, rule.suffix)) return rule;
	return undefined;
}

/** Replace the last `cut` units of `buf[0..len)` with `replacement`; returns the new length. */
function replaceEnd(len: number, cut: number, replacement: Uint16Array): number {
	const start = len - cut;
	buf.set(replacement, start);
	return start + replacement.length;
}

const E = codes('e');
const SSES = codes('sses');
const IES = codes('ies');
const EED = codes('eed');
const ED = codes('ed');
const ING = codes('ing');

/** Step 1a: `sses` → `ss`, `ies` → `i`, `ss` kept, `s` deleted. */
function step1a(len: number): number {
	if (len < 1 || buf[len - 1] !== 0x73) return len; // s
	if (endsWith(len, SSES)) return len - 2;
	if (endsWith(len, IES)) return len - 2;
	if (len >= 2 && buf[len - 2] === 0x73) return len; // ss
	return len - 1;
}

/** Step 1b: `eed` → `ee` in R1; `ed`/`ing` deleted after a vowel, then the `at bl iz` / double / short fix-up. */
function step1b(len: number, p1: number): number {
	if (endsWith(len, EED)) return p1 <= len - 3 ? len - 1 : len;
	let cut: number;
	if (endsWith(len, ING)) cut = 3;
	else if (endsWith(len, ED)) cut = 2;
	else return len;
	if (!vowelBefore(len - cut)) return len;
	len -= cut;
	if (len >= 2) {
		const a = buf[len - 2] as number;
		const b = buf[len - 1] as number;
		// at, bl, iz → add e
		if ((a === 0x61 && b === 0x74) || (a === 0x62 && b === 0x6c) || (a === 0x69 && b === 0x7a)) return replaceEnd(len, 0, E);
		// bb dd ff gg mm nn pp rr tt → drop one
		if (
			a === b &&
			(a === 0x62 || a === 0x64 || a === 0x66 || a === 0x67 || a === 0x6d || a === 0x6e || a === 0x70 || a === 0x72 || a === 0x74)
		) {
			return len - 1;
		}
	}
	if (len === p1 && shortvBefore(len)) return replaceEnd(len, 0, E);
	return len;
}

/** Step 1c: final `y`/`Y` → `i` when a vowel precedes it. */
function step1c(len: number): number {
	if (len < 1) return len;
	const last = buf[len - 1];
	if (last !== 0x79 && last !== Y) return len;
	if (!vowelBefore(len - 1)) return len;
	buf[len - 1] = 0x69;
	return len;
}

/** Steps 2 and 3: the longest listed suffix, replaced when it starts in R1. */
function stepR1(len: number, p1: number, table: RuleTable): number {
	const rule = longestMatch(len, table);
	if (rule === undefined || p1 > len - rule.suffix.length) return len;
	return replaceEnd(len, rule.suffix.length, rule.replacement);
}

/** Step 4: the longest listed suffix deleted when it starts in R2 (`ion` only after `s` or `t`). */
function step4(len: number, p2: number): number {
	const rule = longestMatch(len, STEP_4);
	if (rule === undefined) return len;
	const start = len - rule.suffix.length;
	if (p2 > start) return len;
	if (rule.action === 2) {
		const before = start >= 1 ? buf[start - 1] : -1;
		if (before !== 0x73 && before !== 0x74) return len;
	}
	return start;
}

/** Step 5a: final `e` deleted in R2, or in R1 when not after a short syllable. */
function step5a(len: number, p1: number, p2: number): number {
	if (len < 1 || buf[len - 1] !== 0x65) return len;
	const at = len - 1;
	if (p2 <= at || (p1 <= at && !shortvBefore(at))) return at;
	return len;
}

/** Step 5b: final `ll` → `l` in R2. */
function step5b(len: number, p2: number): number {
	if (len < 2 || buf[len - 1] !== 0x6c || buf[len - 2] !== 0x6c) return len;
	return p2 <= len - 1 ? len - 1 : len;
}

/** Position after the first non-vowel that follows a vowel at or after `from`; `len` when none. */
function regionStart(from: number, len: number): number {
	let i = from;
	while (i < len && !isVowel(buf[i] as number)) i++;
	i++;
	while (i < len && isVowel(buf[i] as number)) i++;
	return i < len ? i + 1 : len;
}

function tailString(from: number, to: number): string {
	let out = '';
	for (let i = from; i < to; i += 4096) out += String.fromCharCode(...buf.subarray(i, Math.min(to, i + 4096)));
	return out;
}

/**
 * Porter stem of `word` (any string; the analyzers pass lowercase `[a-z0-9]+`). Returns
 * `word` itself when nothing changes, else a new string. `s` stems to `''` (step 1a), as in
 * Snowball. Not re-entrant (one shared scratch buffer), which is fine on one JS thread.
 */
export function porterStem(word: string): string {
	const n = word.length;
	if (n > buf.length - 1) buf = new Uint16Array(Math.max(n + 1, buf.length * 2));
	let yFound = false;
	for (let i = 0; i < n; i++) buf[i] = word.charCodeAt(i);
	// Prelude: y at the start, or after a vowel (scanned left to right, in place), is a consonant Y.
	if (n > 0 && buf[0] === 0x79) {
		buf[0] = Y;
		yFound = true;
	}
	for (let i = 0; i + 1 < n; i++) {
		if (buf[i + 1] === 0x79 && isVowel(buf[i] as number)) {
			buf[i + 1] = Y;
			yFound = true;
		}
	}
	const p1 = regionStart(0, n);
	const p2 = p1 < n ? regionStart(p1, n) : n;

	let len = step1a(n);
	len = step1b(len, p1);
	len = step1c(len);
	len = stepR1(len, p1, STEP_2);
	len = stepR1(len, p1, STEP_3);
	len = step4(len, p2);
	len = step5a(len, p1, p2);
	len = step5b(len, p2);
	if (yFound) for (let i = 0; i < len; i++) if (buf[i] === Y) buf[i] = 0x79;

	let same = 0;
	const shared = Math.min(len, n);
	while (same < shared && buf[same] === word.charCodeAt(same)) same++;
	if (same === len) return len === n ? word : word.slice(0, len);
	return word.slice(0, same) + tailString(same, len);
}
