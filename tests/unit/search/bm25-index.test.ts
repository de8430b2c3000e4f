import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Bm25Index, createAnalyzer, type Analyzer, type Bm25Snapshot } from '../../../src/lib/search/index.ts';
import { AssayError } from '../../../src/lib/shared/errors.ts';

/** Whitespace analyzer so the hand computations below depend on BM25 alone. */
const words: Analyzer = {
	name: 'words',
	fingerprint: 'test-words/v1',
	analyze: (text) => text.split(/\s+/).filter((w) => w !== ''),
	tokens: () => []
};

const params = { k1: 0.9, b: 0.4 };

function indexOf(docs: Record<string, string>, analyzer: Analyzer = words): Bm25Index {
	const index = new Bm25Index(params, analyzer);
	for (const [id, text] of Object.entries(docs)) index.add(id, text);
	return index;
}

// N = 3, dl = 3, 2, 4, avgdl = 3; norm(dl) = 0.9 · (0.6 + 0.4 · dl / 3).
const threeDocs = { d1: 'apple banana apple', d2: 'banana cherry', d3: 'cherry cherry cherry date' };

describe('Bm25Index scoring', () => {
	it('scores a 3-document corpus as the Lucene formula computed by hand', () => {
		const hits = indexOf(threeDocs).search('apple cherry', { topK: 10 });
		const idfApple = Math.log(1 + (3 - 1 + 0.5) / (1 + 0.5)); // df 1
		const idfCherry = Math.log(1 + (3 - 2 + 0.5) / (2 + 0.5)); // df 2
		const expected = {
			d1: (idfApple * 2) / (2 + 0.9 * (0.6 + (0.4 * 3) / 3)),
			d2: (idfCherry * 1) / (1 + 0.9 * (0.6 + (0.4 * 2) / 3)),
			d3: (idfCherry * 3) / (3 + 0.9 * (0.6 + (0.4 * 4) / 3))
		};
		expect(hits.map((h) => h.id)).toEqual(['d1', 'd3', 'd2']);
		for (const hit of hits) expect(hit.score).toBeCloseTo(expected[hit.id as keyof typeof expected], 12);
		// The same numbers from Python's math.log: ln(8/3)·2/2.9, ln(1.6)·3/4.02, ln(1.6)/1.78.
		expect(hits.map((h) => h.score)).toEqual([
			expect.closeTo(0.676433967594294, 12),
			expect.closeTo(0.35074897704905644, 12),
			expect.closeTo(0.2640469827223234, 12)
		]);
	});

	it('counts a term repeated in the query once per repeat', () => {
		const index = indexOf(threeDocs);
		const once = index.search('date', { topK: 1 })[0]?.score ?? 0;
		expect(index.search('date date date', { topK: 1 })[0]?.score).toBeCloseTo(3 * once, 12);
	});

	it('counts empty documents in N and avgdl', () => {
		const index = indexOf({ ...threeDocs, d4: '' });
		expect(index.size).toBe(4);
		expect(index.stats().averageLength).toBe(9 / 4);
		const idf = Math.log(1 + (4 - 1 + 0.5) / (1 + 0.5));
		expect(index.search('date', { topK: 5 })).toEqual([{ id: 'd3', score: (idf * 1) / (1 + 0.9 * (0.6 + (0.4 * 4) / (9 / 4))) }]);
	});

	it('returns nothing for a query without an indexed term, never zero-score hits', () => {
		const index = indexOf(threeDocs);
		expect(index.search('durian', { topK: 10 })).toEqual([]);
		expect(index.search('', { topK: 10 })).toEqual([]);
		expect(index.search('apple', { topK: 10 }).every((h) => h.score > 0)).toBe(true);
		expect(index.search('apple', { topK: 10 })).toHaveLength(1);
	});

	it('orders equal scores by id descending in code-point order (trec_eval)', () => {
		const index = indexOf({ d1: 'x', d10: 'x', d4: 'x', d9: 'x', '\u{1F600}': 'x', '\uFF21': 'x' });
		expect(index.search('x', { topK: 10 }).map((h) => h.id)).toEqual(['\u{1F600}', '\uFF21', 'd9', 'd4', 'd10', 'd1']);
	});

	it('keeps the best topK across ties at the cut', () => {
		const index = indexOf({ a: 'x y', b: 'x', c: 'x', d: 'x' });
		expect(index.search('x y', { topK: 2 }).map((h) => h.id)).toEqual(['a', 'd']);
		expect(index.search('x', { topK: 0 })).toEqual([]);
	});

	it('applies the filter before the top-k cut', () => {
		const index = indexOf(threeDocs);
		expect(index.search('cherry apple', { topK: 1, filter: (id) => id !== 'd1' }).map((h) => h.id)).toEqual(['d3']);
	});

	it('rejects a topK that is not a non-negative integer', () => {
		expect(() => indexOf(threeDocs).search('apple', { topK: 1.5 })).toThrow(AssayError);
		expect(() => indexOf(threeDocs).search('apple', { topK: -1 })).toThrow(/non-negative integer/);
	});

	it('rejects out-of-range k1 and b with CONFIG_INVALID', () => {
		expect(() => new Bm25Index({ k1: -1, b: 0.4 }, words)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
		expect(() => new Bm25Index({ k1: 0.9, b: 2 }, words)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
	});
});

describe('Bm25Index search with terms analysed by the caller', () => {
	it('gives the same hits as analysing the query itself, and does not analyse it again', () => {
		let analysed = 0;
		const counting: Analyzer = { ...words, analyze: (text) => (analysed++, words.analyze(text)) };
		const index = indexOf(threeDocs, counting);
		analysed = 0;
		const own = index.search('cherry banana', { topK: 3 });
		expect(analysed).toBe(1);
		const given = index.search('cherry banana', { topK: 3, terms: ['cherry', 'banana'] });
		expect(analysed).toBe(1);
		expect(given).toEqual(own);
	});
});

describe('Bm25Index add and remove', () => {
	it('throws when an id is added twice', () => {
		const index = indexOf(threeDocs);
		expect(() => index.add('d1', 'again')).toThrow(/already in the BM25 index/);
	});

	it('indexes pre-analysed terms like text', () => {
		const index = new Bm25Index(params, words);
		for (const [id, text] of Object.entries(threeDocs)) index.addTerms(id, text.split(' '));
		expect(index.search('apple cherry', { topK: 3 })).toEqual(indexOf(threeDocs).search('apple cherry', { topK: 3 }));
	});

	it('keeps N and avgdl exact: removing documents ranks exactly like a fresh index', () => {
		const index = indexOf({ ...threeDocs, d4: 'apple date', d5: 'banana banana' });
		expect(index.remove('d4')).toBe(true);
		expect(index.remove('d5')).toBe(true);
		expect(index.remove('d5')).toBe(false);
		expect(index.has('d4')).toBe(false);
		expect(index.size).toBe(3);
		expect(index.search('apple cherry date banana', { topK: 10 })).toEqual(
			indexOf(threeDocs).search('apple cherry date banana', { topK: 10 })
		);
	});

	it('gives identical scores to a fresh index after removing and re-adding a document', () => {
		const index = indexOf(threeDocs);
		index.remove('d2');
		index.add('d2', threeDocs.d2);
		expect(index.search('banana cherry apple', { topK: 10 })).toEqual(indexOf(threeDocs).search('banana cherry apple', { topK: 10 }));
	});

	it('stays exact after many removals compact its storage', () => {
		const index = new Bm25Index(params, words);
		const kept: Record<string, string> = {};
		for (let i = 0; i < 3000; i++) {
			const text = `t${i % 7} t${i % 13} t${i % 29} common`;
			index.add(`doc${i}`, text);
			if (i % 5 === 0) kept[`doc${i}`] = text;
		}
		for (let i = 0; i < 3000; i++) if (i % 5 !== 0) index.remove(`doc${i}`);
		index.add('late', 't3 t5 common');
		const fresh = indexOf({ ...kept, late: 't3 t5 common' });
		expect(index.size).toBe(fresh.size);
		expect(index.search('t3 t5 t11 common', { topK: 50 })).toEqual(fresh.search('t3 t5 t11 common', { topK: 50 }));
	});

	it('ranks like a fresh index after any sequence of adds, removes and searches in between (property)', () => {
		const op = fc.oneof(
			fc.record({ add: fc.constantFrom('a', 'b', 'c', 'd', 'e'), text: fc.array(fc.constantFrom('x', 'y', 'z', 'w'), { maxLength: 6 }) }),
			fc.record({ remove: fc.constantFrom('a', 'b', 'c', 'd', 'e') }),
			// A search or snapshot in between moves the pending postings into the lists; later adds start a new log.
			fc.record({ search: fc.constantFrom('x', 'y z', 'w x x') }),
			fc.record({ snapshot: fc.constant(true) })
		);
		fc.assert(
			fc.property(fc.array(op, { maxLength: 30 }), fc.array(fc.constantFrom('x', 'y', 'z', 'w', 'q'), { maxLength: 4 }), (ops, query) => {
				const index = new Bm25Index(params, words);
				const live = new Map<string, string>();
				for (const o of ops) {
					if ('search' in o) {
						expect(index.search(o.search, { topK: 10 })).toEqual(indexOf(Object.fromEntries(live)).search(o.search, { topK: 10 }));
					} else if ('snapshot' in o) {
						// Term order in a snapshot follows history; what it ranks must not.
						const restored = Bm25Index.fromSnapshot(index.toSnapshot(), words);
						expect(restored.search('x y z w', { topK: 10 })).toEqual(indexOf(Object.fromEntries(live)).search('x y z w', { topK: 10 }));
					} else if ('add' in o) {
						if (live.has(o.add)) continue;
						index.add(o.add, o.text.join(' '));
						live.set(o.add, o.text.join(' '));
					} else {
						expect(index.remove(o.remove)).toBe(live.delete(o.remove));
					}
				}
				const fresh = indexOf(Object.fromEntries(live));
				expect(index.search(query.join(' '), { topK: 10 })).toEqual(fresh.search(query.join(' '), { topK: 10 }));
			})
		);
	});
});

describe('Bm25Index snapshots', () => {
	const english = createAnalyzer('english');
	const corpus = {
		a: 'Experimental investigation of the aerodynamics of a wing in a slipstream.',
		b: 'Simple shear flow past a flat plate in an incompressible fluid of small viscosity.',
		c: 'The boundary layer in simple shear flow past a flat plate.',
		e: ''
	};

	it('restores from a structured clone with identical results and typed arrays', () => {
		const index = indexOf(corpus, english);
		const snapshot = structuredClone(index.toSnapshot());
		expect(snapshot.itemLengths).toBeInstanceOf(Uint32Array);
		expect(snapshot.postingItems).toBeInstanceOf(Uint32Array);
		const restored = Bm25Index.fromSnapshot(snapshot, createAnalyzer('english'), params);
		for (const q of ['shear flow plate', 'wing slipstream', 'viscosity', 'nothing here']) {
			expect(restored.search(q, { topK: 10 })).toEqual(index.search(q, { topK: 10 }));
		}
		expect(restored.size).toBe(4);
	});

	it('keeps working after a restore: adds and removes rank like a fresh index', () => {
		const restored = Bm25Index.fromSnapshot(indexOf(corpus, english).toSnapshot(), english);
		restored.remove('b');
		restored.add('d', 'Shear flow over a wing.');
		const fresh = indexOf({ a: corpus.a, c: corpus.c, e: corpus.e, d: 'Shear flow over a wing.' }, english);
		expect(restored.search('shear flow wing plate', { topK: 10 })).toEqual(fresh.search('shear flow wing plate', { topK: 10 }));
	});

	it('leaves removed documents out of the snapshot', () => {
		const index = indexOf(corpus, english);
		index.remove('a');
		const snapshot = index.toSnapshot();
		expect(snapshot.itemIds).toEqual(['b', 'c', 'e']);
		expect(snapshot.terms).not.toContain('slipstream');
	});

	it('refuses a snapshot made with another analyzer', () => {
		const snapshot = indexOf(corpus, english).toSnapshot();
		expect(() => Bm25Index.fromSnapshot(snapshot, createAnalyzer('cjk'))).toThrow(
			expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringMatching(/re-index/) })
		);
	});

	it('refuses a snapshot made with other BM25 parameters', () => {
		const snapshot = indexOf(corpus, english).toSnapshot();
		expect(() => Bm25Index.fromSnapshot(snapshot, english, { k1: 1.2, b: 0.75 })).toThrow(/k1=0.9, b=0.4 but k1=1.2, b=0.75/);
	});

	it('refuses a malformed snapshot', () => {
		const snapshot = indexOf(corpus, english).toSnapshot();
		const broken: Bm25Snapshot = { ...snapshot, postingTfs: snapshot.postingTfs.subarray(1) };
		expect(() => Bm25Index.fromSnapshot(broken, english)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
		const lengths = snapshot.itemLengths.slice();
		lengths[0] = (lengths[0] ?? 0) + 1;
		expect(() => Bm25Index.fromSnapshot({ ...snapshot, itemLengths: lengths }, english)).toThrow(/length/);
	});
});
