import { describe, expect, it } from 'vitest';
import {
	addMatchCounts,
	ContextMatcher,
	hasTextOnlyContexts,
	rubricsForContexts,
	jaccard,
	matchContexts,
	NEAR_DUPLICATE_JACCARD,
	NO_MATCH_COUNTS,
	normaliseForMatch,
	type CorpusDocument
} from '../../../../src/lib/evals/system/contexts.ts';

const corpus: CorpusDocument[] = [
	{ ref: 'kites', text: 'Kites fly high when the wind is steady.\n\nA kite needs a line and a tail.' },
	{ ref: 'wind', text: 'Wind is moving air. It flows from high pressure to low pressure.' },
	{ ref: 'strasse', text: 'Die Straße ist lang. Die ﬁnale Prüfung kommt.' }
];

const words = (n: number, prefix = 'w'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('normaliseForMatch', () => {
	it('applies NFKC, case-folds (ß ≡ SS, final sigma) and collapses Unicode whitespace runs to one space', () => {
		expect(normaliseForMatch('  ＫＩＴＥＳ\u00a0 ﬂy\n\t HIGH ')).toBe('kites fly high');
		expect(normaliseForMatch('STRASSE')).toBe(normaliseForMatch('straße'));
		expect(normaliseForMatch('ΟΔΟΣ')).toBe(normaliseForMatch('οδος'));
		expect(normaliseForMatch('Cafe\u0301')).toBe(normaliseForMatch('Café'));
	});
});

describe('jaccard', () => {
	it('is |A∩B| / |A∪B| and 0 for two empty sets', () => {
		expect(jaccard(new Set(['a', 'b', 'c']), new Set(['b', 'c', 'd']))).toBe(0.5);
		expect(jaccard(new Set(), new Set())).toBe(0);
	});
});

describe('matchContexts', () => {
	it('matches a context whose normalised text is contained in a document, whatever its case, width and spacing', () => {
		const r = matchContexts([{ text: 'KITES   fly high\nwhen the ＷＩＮＤ' }, { text: 'die strasse ist lang. die finale' }], corpus);
		expect(r.contexts.map((c) => c.documentRef)).toEqual(['kites', 'strasse']);
		expect(r.kinds).toEqual(['contained', 'contained']);
		expect(r.counts).toEqual({ given: 0, matched: 2, unmatched: 0, ambiguous: 0 });
	});

	it('matches a context that starts and ends mid-word inside the document', () => {
		expect(matchContexts([{ text: 'ites fly hi' }], corpus).contexts[0]!.documentRef).toBe('kites');
		expect(matchContexts([{ text: 'oving air. It flo' }], corpus).contexts[0]!.documentRef).toBe('wind');
	});

	it('keeps contexts that came with a documentRef as given and does not re-match them', () => {
		const r = matchContexts([{ documentRef: 'elsewhere', text: 'Wind is moving air.' }, { text: 'Wind is moving air.' }], corpus);
		expect(r.contexts).toEqual([
			{ documentRef: 'elsewhere', text: 'Wind is moving air.' },
			{ documentRef: 'wind', text: 'Wind is moving air.' }
		]);
		expect(r.kinds).toEqual(['given', 'contained']);
		expect(r.counts).toEqual({ given: 1, matched: 1, unmatched: 0, ambiguous: 0 });
	});

	it('leaves an empty, whitespace-only or unknown context text-only and counts it unmatched', () => {
		const r = matchContexts([{ text: '' }, { text: ' \u3000\n ' }, { text: 'Bananas are yellow.' }, { title: 'no text' }], corpus);
		expect(r.contexts.map((c) => c.documentRef)).toEqual([undefined, undefined, undefined, undefined]);
		expect(r.kinds).toEqual([null, null, null, null]);
		expect(r.counts).toEqual({ given: 0, matched: 0, unmatched: 4, ambiguous: 0 });
	});

	it('matches a near-duplicate of a chunk at token Jaccard exactly 0.9 even when the missing token is the rarest one', () => {
		// Exactly 0.9: context of 10 tokens, chunk holding 9 of them; the missing token occurs nowhere (the rarest).
		const doc = { ref: 'd', text: 'unrelated words here', chunks: [words(9).join(' ')] };
		const context = [...words(9), 'rare'].join(', ');
		expect(NEAR_DUPLICATE_JACCARD).toBe(0.9);
		const r = matchContexts([{ text: context }], [doc]);
		expect(r.kinds).toEqual(['near-duplicate']);
		expect(r.contexts[0]!.documentRef).toBe('d');
	});

	it('does not match a chunk whose token Jaccard is just under 0.9', () => {
		// 17 shared tokens of a 19-token union: 0.8947.
		const doc = { ref: 'd', text: 'x', chunks: [[...words(17), 'onlyinchunk'].join(' ')] };
		const r = matchContexts([{ text: [...words(17), 'onlyincontext'].join(' ') }], [doc]);
		expect(jaccard(new Set([...words(17), 'onlyincontext']), new Set([...words(17), 'onlyinchunk']))).toBeCloseTo(17 / 19, 12);
		expect(r.kinds).toEqual([null]);
	});

	it('treats the whole document as one chunk when the corpus has no chunks (BEIR passages) and ignores punctuation and order for near-duplicates', () => {
		const doc = { ref: 'p1', text: 'Alpha beta gamma delta epsilon zeta eta theta iota kappa.' };
		const r = matchContexts([{ text: 'kappa; iota - theta eta zeta epsilon delta gamma beta alpha' }], [doc]);
		expect(r.kinds).toEqual(['near-duplicate']);
		expect(r.contexts[0]!.documentRef).toBe('p1');
	});

	it('picks the most specific of several containing documents, then the smallest reference, and counts the match ambiguous', () => {
		const docs: CorpusDocument[] = [
			{ ref: 'long', text: 'Refunds within 30 days. Shipping is free. Returns need a receipt. Gift cards are final.' },
			{ ref: 'short', text: 'Refunds within 30 days. Shipping is free.' },
			{ ref: 'b-copy', text: 'Store hours: 9 to 5.' },
			{ ref: 'a-copy', text: 'Store hours: 9 to 5.' }
		];
		const r = matchContexts([{ text: 'refunds within 30 days' }, { text: 'Store hours: 9 to 5.' }], docs);
		expect(r.contexts.map((c) => c.documentRef)).toEqual(['short', 'a-copy']);
		expect(r.counts).toEqual({ given: 0, matched: 2, unmatched: 0, ambiguous: 2 });
	});

	it('prefers containment over a near-duplicate chunk of another document', () => {
		const text = words(20).join(' ');
		const docs: CorpusDocument[] = [
			{ ref: 'near', text: 'n', chunks: [[...words(19), 'other'].join(' ')] },
			{ ref: 'exact', text: `Intro. ${text}. Outro.` }
		];
		expect(matchContexts([{ text }], docs).contexts[0]!.documentRef).toBe('exact');
	});

	it('reuses one index for many cases and sums counts', () => {
		const m = new ContextMatcher([...corpus, { ref: 'kites', text: 'a duplicate reference is ignored' }]);
		expect(m.size).toBe(3);
		const a = m.match([{ text: 'a kite needs a line' }]).counts;
		const b = m.match([{ text: 'nothing like it' }, { documentRef: 'x' }]).counts;
		expect(addMatchCounts(addMatchCounts(NO_MATCH_COUNTS, a), b)).toEqual({ given: 1, matched: 1, unmatched: 1, ambiguous: 0 });
	});
});

describe('rubricsForContexts', () => {
	it('adds context precision and context recall only when some answer has a text-only context', () => {
		const base = ['correctness', 'faithfulness', 'answer-relevancy'] as const;
		expect(rubricsForContexts(base, [[{ documentRef: 'a', text: 't' }], []])).toEqual([...base]);
		expect(rubricsForContexts(base, [[{ documentRef: 'a' }], [{ text: '  ' }]])).toEqual([...base]);
		expect(rubricsForContexts(base, [[{ documentRef: 'a' }], [{ text: 'passage' }]])).toEqual([
			...base,
			'context-precision',
			'context-recall'
		]);
		expect(rubricsForContexts(['context-recall', 'faithfulness'], [[{ text: 'p' }]])).toEqual([
			'faithfulness',
			'context-precision',
			'context-recall'
		]);
		expect(hasTextOnlyContexts([{ text: 'p', documentRef: 'd' }])).toBe(false);
	});
});
