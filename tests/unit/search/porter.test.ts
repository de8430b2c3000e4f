import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { newStemmer } from 'snowball-stemmers';
import { porterStem } from '../../../src/lib/search/analyzers/porter.ts';
import { TermCache } from '../../../src/lib/search/analyzers/latin.ts';
import { Bm25Index, createAnalyzer, type Analyzer } from '../../../src/lib/search/index.ts';

const snowball = newStemmer('porter');

/** Distinct `[a-z0-9]+` tokens of a BEIR corpus file (title and text, lowercased). */
function corpusTokens(path: string): Set<string> {
	const raw = readFileSync(path);
	const text = (path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
	const tokens = new Set<string>();
	for (const line of text.split('\n')) {
		if (line.trim() === '') continue;
		const doc = JSON.parse(line) as { title?: string; text?: string };
		for (const t of `${doc.title ?? ''} ${doc.text ?? ''}`.toLowerCase().match(/[a-z0-9]+/g) ?? []) tokens.add(t);
	}
	return tokens;
}

describe('porterStem', () => {
	it('returns what snowball-stemmers 0.6.0 porter returns for every token of the SciFact and Cranfield corpora', () => {
		const tokens = new Set([
			...corpusTokens('tests/fixtures/datasets/scifact/corpus.jsonl.gz'),
			...corpusTokens('tests/fixtures/datasets/cranfield/corpus.jsonl')
		]);
		expect(tokens.size).toBeGreaterThan(30_000);
		const differing = [...tokens].filter((t) => porterStem(t) !== snowball.stem(t));
		expect(differing).toEqual([]);
	});

	it('returns what snowball porter returns for words built from English suffixes and odd letters (property)', () => {
		const piece = fc.constantFrom(
			...'a e i o u y b c d g l m n p r s t v z ss ll ies ied eed ing ed at bl iz ational tional enci anci izer abli alli entli eli ousli ization ation ator alism iveness fulness ousness aliti iviti biliti icate ative alize iciti ical ful ness al ance ence er ic able ible ant ement ment ent ion ou ism ate iti ous ive ize sion tion'.split(
				' '
			)
		);
		fc.assert(
			fc.property(fc.array(piece, { minLength: 1, maxLength: 6 }), (pieces) => {
				const word = pieces.join('');
				expect(porterStem(word)).toBe(snowball.stem(word));
			}),
			{ numRuns: 5000 }
		);
	});

	it('returns what snowball porter returns for any string of a–z, y and digits (property)', () => {
		const word = fc.string({ unit: fc.constantFrom(...'abcdeilnorstuyz019'), minLength: 1, maxLength: 14 });
		fc.assert(
			fc.property(word, (w) => {
				expect(porterStem(w)).toBe(snowball.stem(w));
			}),
			{ numRuns: 5000 }
		);
	});
});

describe('TermCache keys', () => {
	const upper = (t: string) => (t === 'drop' ? null : t.replace(/s$/, ''));

	it('gives tokens with the same term one key, dropped tokens −1, and keys in order of first sight', () => {
		const cache = new TermCache(upper);
		const keys = ['cats', 'cat', 'dogs', 'drop', 'dog'].map((t) => {
			cache.lookup(t);
			return cache.lastKey;
		});
		expect(keys).toEqual([0, 0, 1, -1, 1]);
	});

	it('empties itself when full only at the next text, changing the epoch, so keys of one text never mix epochs', () => {
		const cache = new TermCache(upper, 3);
		const epoch = cache.epoch();
		for (const t of ['a', 'b', 'c', 'd']) cache.lookup(t);
		expect(cache.size).toBe(4); // over the bound within one text
		expect(cache.epoch()).toBe(epoch + 1);
		expect(cache.size).toBe(0);
		cache.lookup('d');
		expect(cache.lastKey).toBe(0); // keys restart in the new epoch
	});
});

describe('Bm25Index with term keys', () => {
	/** Whitespace terms with keys the test controls: epoch and key of each word given by `keyOf`. */
	function keyedAnalyzer(state: { epoch: number; keyOf: Map<string, number> }): Analyzer {
		const terms = (text: string) => text.split(/\s+/).filter((w) => w !== '');
		return {
			name: 'keyed',
			fingerprint: 'test-keyed/v1',
			analyze: terms,
			tokens: () => [],
			forEachTerm: (text, sink) => {
				for (const t of terms(text)) sink(t, state.keyOf.get(t) ?? -1);
			},
			termKeyEpoch: () => state.epoch
		};
	}

	it('maps keys to terms anew when the epoch changes (the same key naming another term)', () => {
		const state = {
			epoch: 1,
			keyOf: new Map([
				['apple', 0],
				['pear', 1]
			])
		};
		const index = new Bm25Index({ k1: 0.9, b: 0.4 }, keyedAnalyzer(state));
		index.add('d1', 'apple pear apple');
		state.epoch = 2;
		state.keyOf = new Map([
			['plum', 0],
			['apple', 1]
		]); // key 0 now names plum
		index.add('d2', 'plum apple');
		const reference = new Bm25Index({ k1: 0.9, b: 0.4 }, { ...keyedAnalyzer(state), forEachTerm: undefined, termKeyEpoch: undefined });
		reference.addTerms('d1', ['apple', 'pear', 'apple']);
		reference.addTerms('d2', ['plum', 'apple']);
		for (const q of ['apple', 'plum', 'pear', 'plum apple']) expect(index.search(q, { topK: 5 })).toEqual(reference.search(q, { topK: 5 }));
		expect(index.documentFrequency('plum')).toBe(1);
		expect(index.documentFrequency('apple')).toBe(2);
	});

	it('indexes English text with keys exactly as from the analysed term arrays', () => {
		const english = createAnalyzer('english');
		const texts = ['Running runners ran', 'The runner is running a race', 'Races and racing', 'Generalization of relational ponies'];
		const keyed = new Bm25Index({ k1: 0.9, b: 0.4 }, english);
		const arrays = new Bm25Index({ k1: 0.9, b: 0.4 }, english);
		texts.forEach((t, i) => {
			keyed.add(`d${i}`, t);
			arrays.addTerms(`d${i}`, english.analyze(t));
		});
		expect(keyed.toSnapshot()).toEqual(arrays.toSnapshot());
	});
});
