import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { newStemmer } from 'snowball-stemmers';
import { createAnalyzer, LUCENE_ENGLISH_STOP_WORDS, type Analyzer } from '../../../src/lib/search/analyzers/index.ts';
import { AssayError } from '../../../src/lib/shared/errors.ts';

const english = createAnalyzer('english');
const cjk = createAnalyzer('cjk');
const segmenter = createAnalyzer('segmenter');
const auto = createAnalyzer('auto');
const all: Analyzer[] = [english, cjk, segmenter, auto];

/** Each token as `term=source text`, to check offsets against the original string. */
function sources(analyzer: Analyzer, text: string): string[] {
	return analyzer.tokens(text).map((t) => `${t.term}=${text.slice(t.start, t.end)}`);
}

describe('english analyzer', () => {
	it('drops the 33 Lucene stop words before stemming', () => {
		expect(LUCENE_ENGLISH_STOP_WORDS.size).toBe(33);
		expect(english.analyze('The cat and the hat are in a box, such is it')).toEqual(['cat', 'hat', 'box']);
	});

	it('stems with the original Porter algorithm', () => {
		expect(english.analyze('caresses ponies running generalization relational 1s 4s')).toEqual([
			'caress',
			'poni',
			'run',
			'gener',
			'relat',
			'1',
			'4'
		]);
	});

	it('keeps [a-z0-9]+ runs and splits on everything else', () => {
		expect(english.analyze("x-ray, o'neil_test 3.14 mach2")).toEqual(['x', 'rai', 'o', 'neil', 'test', '3', '14', 'mach2']);
	});

	it('folds diacritics, composed or decomposed', () => {
		expect(english.analyze('Café NAÏVE cafe\u0301 Ångström')).toEqual(['cafe', 'naiv', 'cafe', 'angstrom']);
	});

	it('applies NFKC: ligatures, full-width letters and superscripts become ASCII', () => {
		expect(english.analyze('ﬁle ＡＢＣ x²')).toEqual(['file', 'abc', 'x2']);
	});

	it('maps token offsets to the original text, including folded and NFKC-changed characters', () => {
		expect(sources(english, 'The Café, ﬁle ＡＢＣ cafe\u0301!')).toEqual(['cafe=Café', 'file=ﬁle', 'abc=ＡＢＣ', 'cafe=cafe\u0301']);
	});

	it('keeps repeats in order (term frequency)', () => {
		expect(english.analyze('wing wings wing')).toEqual(['wing', 'wing', 'wing']);
	});

	it('maps a term whose source lowercases to two code units back to the source', () => {
		expect(sources(english, 'İstanbul')).toEqual(['istanbul=İstanbul']);
	});

	it('returns no terms for text without Latin letters or digits', () => {
		expect(english.analyze('도서관 — 東京')).toEqual([]);
		expect(english.analyze('')).toEqual([]);
	});

	it("never emits an empty term: the token s (user's, U.S.), which Porter stems to nothing, stays s", () => {
		expect(english.analyze("user's U.S. s")).toEqual(['user', 's', 'u', 's', 's']);
		expect(sources(english, "it's")).toEqual(['s=s']);
		expect(sources(auto, "user's")).toEqual(['user=user', 's=s']);
	});

	it('matches the reference analyzer on any ASCII text (lower, [a-z0-9]+, stop words, Porter), its empty stem renamed s', () => {
		const porter = newStemmer('porter');
		// The reference indexes Porter's '' for the token `s`; nothing else stems to '' or `s`,
		// so renaming it keeps every term count, document length and score.
		const reference = (text: string) =>
			(text.toLowerCase().match(/[a-z0-9]+/g) ?? []).filter((t) => !LUCENE_ENGLISH_STOP_WORDS.has(t)).map((t) => porter.stem(t) || 's');
		fc.assert(
			fc.property(fc.string({ unit: 'binary-ascii', maxLength: 80 }), (text) => {
				expect(english.analyze(text)).toEqual(reference(text));
			})
		);
	});
});

describe('cjk analyzer', () => {
	it('turns Hangul runs into overlapping bigrams', () => {
		expect(cjk.analyze('도서관은 도서관에서')).toEqual(['도서', '서관', '관은', '도서', '서관', '관에', '에서']);
	});

	it('keeps a one-character CJK run as a unigram', () => {
		expect(cjk.analyze('수 있다')).toEqual(['수', '있다']);
	});

	it('splits Latin from Hangul inside one word and keeps the Latin part whole', () => {
		expect(cjk.analyze('IndexedDB에 저장된')).toEqual(['indexeddb', '에', '저장', '장된']);
	});

	it('bigrams Han and Kana together as one sequence', () => {
		expect(cjk.analyze('端末内で')).toEqual(['端末', '末内', '内で']);
	});

	it('neither stems nor drops stop words', () => {
		expect(cjk.analyze('The running rules')).toEqual(['the', 'running', 'rules']);
	});

	it('treats characters outside the BMP as single characters', () => {
		expect(sources(cjk, '𠀀𠀁𠀂')).toEqual(['𠀀𠀁=𠀀𠀁', '𠀁𠀂=𠀁𠀂']);
	});

	it('lowercases like Python str.lower, final sigma and dotted I included', () => {
		// Python: re.findall(r'\w+', 'ΟΔΟΣ İ'.lower()) == ['οδος', 'i'] (the dot above is a combining mark).
		expect(cjk.analyze('ΟΔΟΣ İ')).toEqual(['οδος', 'i']);
	});

	it('splits words at combining marks, as Python 3 re \\w does', () => {
		expect(cjk.analyze('e\u0301tude')).toEqual(['e', 'tude']);
	});

	it('gives bigram offsets that cover both characters', () => {
		expect(cjk.tokens('가 나다라')).toEqual([
			{ term: '가', start: 0, end: 1 },
			{ term: '나다', start: 2, end: 4 },
			{ term: '다라', start: 3, end: 5 }
		]);
	});
});

describe('segmenter analyzer', () => {
	it('splits Thai words with Intl.Segmenter and lowercases with NFKC', () => {
		expect(segmenter.analyze('ภาษาไทยง่าย ＨＥＬＬＯ')).toEqual(['ภาษา', 'ไทย', 'ง่าย', 'hello']);
	});

	it('keeps only word-like segments, with their original offsets', () => {
		expect(sources(segmenter, 'Hi, there!')).toEqual(['hi=Hi', 'there=there']);
	});
});

describe('auto analyzer', () => {
	it('sends Latin pieces through the English pipeline and Hangul pieces to bigrams', () => {
		expect(auto.analyze('IndexedDB에 저장된 벡터는 export 할 수 있습니다.')).toEqual([
			'indexeddb',
			'에',
			'저장',
			'장된',
			'벡터',
			'터는',
			'export',
			'할',
			'수',
			'있습',
			'습니',
			'니다'
		]);
	});

	it('stems and drops stop words in Latin text like the english analyzer', () => {
		expect(auto.analyze('The Overtime approval rules are owned by team leads.')).toEqual(
			english.analyze('The Overtime approval rules are owned by team leads.')
		);
	});

	it('uses Intl.Segmenter words for other scripts', () => {
		expect(auto.analyze('ภาษาไทย Привет мир')).toEqual(['ภาษา', 'ไทย', 'привет', 'мир']);
	});

	it('normalises half-width Katakana with NFKC before making bigrams', () => {
		expect(sources(auto, 'ﾃﾞｰﾀ')).toEqual(['デー=ﾃﾞｰ', 'ータ=ｰﾀ']);
	});

	it('splits a word mixing Latin and Han into separate pieces', () => {
		expect(auto.analyze('GPU加速')).toEqual(['gpu', '加速']);
	});
});

describe('every analyzer', () => {
	it('has a distinct fingerprint that is stable across instances', () => {
		const prints = all.map((a) => a.fingerprint);
		expect(new Set(prints).size).toBe(4);
		expect(createAnalyzer('auto').fingerprint).toBe(auto.fingerprint);
	});

	it('rejects an unknown analyzer name with CONFIG_INVALID', () => {
		expect(() => createAnalyzer('klingon' as never)).toThrow(AssayError);
		expect(() => createAnalyzer('klingon' as never)).toThrow(/auto, english, cjk, segmenter/);
	});

	const text = fc.string({
		unit: fc.oneof(
			fc.constantFrom('a', 'B', 'é', 'e\u0301', '\u0301', 'ﬁ', 'Ａ', 'İ', 'Σ', ' ', '.', '_', '1', '²', '\u200d'),
			fc.constantFrom('도', '서', '관', '에', 'ㄱ', '\u1100', '\u1161', '東', '京', 'ﾃ', 'ﾞ', 'ー', '𠀀', '😀', 'ภ', 'า', '\u0e48', 'я')
		),
		maxLength: 40
	});

	it('never emits an empty term and gives every token a non-empty source, on any string', () => {
		const check = (t: string) => {
			for (const a of all) {
				expect(a.analyze(t)).not.toContain('');
				for (const k of a.tokens(t)) {
					expect(k.term).not.toBe('');
					expect(k.start).toBeGreaterThanOrEqual(0);
					expect(k.end).toBeGreaterThan(k.start);
					expect(k.end).toBeLessThanOrEqual(t.length);
				}
			}
		};
		const latin = fc.string({ unit: fc.constantFrom('s', 'S', "'", '.', ' ', 'a', 'é', 'ſ', '\u0301', '1', 'ies', 'sses'), maxLength: 30 });
		fc.assert(fc.property(latin, check));
		fc.assert(fc.property(text, check));
		fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), check));
		fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 30 }), check));
	});

	it('returns from tokens() exactly the terms of analyze(), in order', () => {
		fc.assert(
			fc.property(text, (t) => {
				for (const a of all) expect(a.tokens(t).map((k) => k.term)).toEqual(a.analyze(t));
			})
		);
	});

	it('gives token offsets inside the text that never split a surrogate pair', () => {
		const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;
		fc.assert(
			fc.property(text, (t) => {
				for (const a of all) {
					for (const k of a.tokens(t)) {
						expect(k.start).toBeGreaterThanOrEqual(0);
						expect(k.end).toBeGreaterThan(k.start);
						expect(k.end).toBeLessThanOrEqual(t.length);
						expect(isLow(t.charCodeAt(k.start))).toBe(false);
						expect(k.end < t.length && isLow(t.charCodeAt(k.end))).toBe(false);
					}
				}
			})
		);
	});

	it('gives each token a source that analyzes to the token itself (english, cjk, segmenter)', () => {
		fc.assert(
			fc.property(text, (t) => {
				// cjk lowercases like Python, where `Σ` becomes `ς` or `σ` depending on its neighbours.
				const analyzers = t.includes('Σ') ? [english, segmenter] : [english, cjk, segmenter];
				for (const a of analyzers) {
					for (const k of a.tokens(t)) {
						const again = a.analyze(t.slice(k.start, k.end));
						// A bigram's source is two characters and analyzes to itself; a word likewise.
						expect(again).toContain(k.term);
					}
				}
			})
		);
	});
});
