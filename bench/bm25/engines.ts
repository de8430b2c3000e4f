/**
 * The engines compared by `run.ts`, behind one small interface. Each indexes the same text
 * (`title + " " + text` as one field) and returns its top k for a query.
 */
import MiniSearch from 'minisearch';
import { create, insert, search as oramaSearch, type AnyOrama } from '@orama/orama';
import { Bm25Index, createAnalyzer } from '../../src/lib/search/index.ts';
import type { BeirDocument } from '../../src/lib/evals/index.ts';

/** A search engine under test. `build` indexes every document; `search` returns the best k, best first. */
export interface Engine {
	readonly name: string;
	build(docs: readonly BeirDocument[]): Promise<void>;
	search(query: string, k: number): Promise<{ id: string; score: number }[]>;
}

const body = (d: BeirDocument) => `${d.title} ${d.text}`;

/** Assay's Bm25Index with the `english` analyzer, k1 0.9, b 0.4. */
export function assayEngine(): Engine {
	let index: Bm25Index | undefined;
	return {
		name: 'Assay Bm25Index (english)',
		async build(docs) {
			index = new Bm25Index({ k1: 0.9, b: 0.4 }, createAnalyzer('english'));
			for (const d of docs) index.add(d.id, body(d));
		},
		async search(query, k) {
			return index?.search(query, { topK: k }) ?? [];
		}
	};
}

/**
 * MiniSearch 7. `defaults`: its own tokenizer and lowercasing, BM25+ (k 1.2, b 0.7, d 0.5).
 * `assayAnalyzer`: Assay's english analyzer as tokenizer (no further processing) and
 * BM25 k 0.9, b 0.4, d 0 — the closest MiniSearch gets to Lucene BM25 (its score is then
 * (k+1)× Lucene's per term, but it multiplies each result by the number of query terms matched).
 */
export function miniSearchEngine(variant: 'defaults' | 'assayAnalyzer'): Engine {
	let ms: MiniSearch<{ id: string; body: string }> | undefined;
	const analyzer = createAnalyzer('english');
	const custom = variant === 'assayAnalyzer';
	return {
		name: custom ? 'MiniSearch (Assay analyzer, k 0.9 b 0.4 d 0)' : 'MiniSearch (defaults)',
		async build(docs) {
			ms = new MiniSearch({
				fields: ['body'],
				idField: 'id',
				...(custom
					? {
							tokenize: (text: string) => analyzer.analyze(text),
							processTerm: (term: string) => term,
							searchOptions: { bm25: { k: 0.9, b: 0.4, d: 0 } }
						}
					: {})
			});
			ms.addAll(docs.map((d) => ({ id: d.id, body: body(d) })));
		},
		async search(query, k) {
			return (ms?.search(query) ?? []).slice(0, k).map((r) => ({ id: String(r.id), score: r.score }));
		}
	};
}

/**
 * Orama 3.1. `defaults`: its English tokenizer (no stemming by default), BM25 k 1.2, b 0.75,
 * d 0.5, OR semantics (threshold 1), query terms prefix-matched. `assayAnalyzer`: Assay's english
 * analyzer as tokenizer, relevance k 0.9, b 0.4, d 0 (Orama still prefix-matches terms, divides
 * tf by the field length and multiplies by k + 1).
 */
export function oramaEngine(variant: 'defaults' | 'assayAnalyzer'): Engine {
	let db: AnyOrama | undefined;
	const analyzer = createAnalyzer('english');
	const custom = variant === 'assayAnalyzer';
	return {
		name: custom ? 'Orama (Assay analyzer, k 0.9 b 0.4 d 0)' : 'Orama (defaults)',
		async build(docs) {
			const tokenizer = {
				language: 'english',
				normalizationCache: new Map<string, string>(),
				tokenize: (raw: string) => analyzer.analyze(raw)
			};
			db = create({ schema: { docId: 'string', body: 'string' } as const, ...(custom ? { components: { tokenizer } } : {}) });
			for (const d of docs) await insert(db, { docId: d.id, body: body(d) });
		},
		async search(query, k) {
			if (!db) return [];
			const result = await oramaSearch(db, {
				term: query,
				properties: ['body'],
				limit: k,
				// Not `exact: true`: in Orama 3.1 it keeps only documents whose raw text contains the
				// query term verbatim, which drops every stemmed match (nDCG@10 falls to 0).
				...(custom ? { relevance: { k: 0.9, b: 0.4, d: 0 } } : {})
			});
			return result.hits.map((h) => ({ id: String((h.document as unknown as { docId: string }).docId), score: h.score }));
		}
	};
}
