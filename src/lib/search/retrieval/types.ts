import type { FusionConfig } from '../fusion/score.ts';
import type { QueryPlan } from '../rewrite/types.ts';

/**
 * Retrieval modes and the explain data every stage leaves behind.
 * - `lexical`: BM25 only; `dense`: vector search only;
 * - `hybrid`: BM25 and dense lists (each `depth` deep) fused with RRF;
 * - `hybrid-rerank`: hybrid, then a cross-encoder over the top `rerankPool` fused candidates.
 */
export type RetrievalMode = 'lexical' | 'dense' | 'hybrid' | 'hybrid-rerank';

/** Every mode, in the order the UI lists them. */
export const RETRIEVAL_MODES: readonly RetrievalMode[] = ['lexical', 'dense', 'hybrid', 'hybrid-rerank'];

/** Parameters of one retrieval. */
export interface RetrievalParams {
	readonly mode: RetrievalMode;
	/** Final results, ≥ 1. */
	readonly topK: number;
	/** Candidates from each retriever, ≥ topK for meaningful fusion. */
	readonly depth: number;
	/** RRF constant k ≥ 0 (used when `fusion` is absent or names no `k`). */
	readonly rrfK: number;
	/** How the hybrid modes fuse the two lists; absent = RRF with `rrfK` (see `fuseScoredLists`). */
	readonly fusion?: FusionConfig | undefined;
	/** Fused candidates the reranker scores (e.g. 4 × topK). */
	readonly rerankPool: number;
}

/** A candidate's place in one stage: 1-based rank and that stage's score. */
export interface StagePosition {
	readonly rank: number;
	/** BM25 score (lexical), cosine similarity (dense), fused score (RRF or CombSUM/CombMNZ), sigmoid score (rerank). */
	readonly score: number;
}

/** Names of the stages. */
export type StageName = 'lexical' | 'dense' | 'fused' | 'rerank';

/** One id with its place in every stage it reached (`null` = not in that stage's list). */
export interface ExplainRow {
	readonly id: string;
	readonly lexical: StagePosition | null;
	readonly dense: StagePosition | null;
	readonly fused: StagePosition | null;
	readonly rerank: StagePosition | null;
	/** 1-based final rank, `null` when cut by top-k. */
	readonly finalRank: number | null;
	/**
	 * With query rewriting only: the retriever lists that found this id, e.g.
	 * `['original:lexical', 'rewrite-2:dense']` (see {@link RewriteExplain.lists}).
	 */
	readonly foundBy?: readonly string[];
}

/** What the rewriting stage did for one retrieval (its plan, tokens included), for explain ("which list found each hit"). */
export interface RewriteExplain extends QueryPlan {
	/** Every retriever list that was run, `<variant>:<lexical|dense>`, ids best first. */
	readonly lists: readonly { readonly name: string; readonly ids: readonly string[] }[];
}

/** The ranked list each stage produced (best first), for "why not this one?". */
export interface StageLists {
	readonly lexical: readonly { id: string; score: number }[] | null;
	readonly dense: readonly { id: string; score: number }[] | null;
	readonly fused: readonly { id: string; score: number }[] | null;
	readonly rerank: readonly { id: string; score: number }[] | null;
}

/** What the cross-encoder stage did to fit its inputs (hybrid-rerank only). */
export interface RerankTruncation {
	/** Pairs scored (the rerank pool). */
	readonly pairs: number;
	/** Pairs whose passage was cut to fit `maxTokens` (the query is kept whole). */
	readonly truncatedPairs: number;
	/** The query itself was too long and was cut too. */
	readonly queryTruncated: boolean;
	/** The model's input limit in tokens, when the reranker reported it. */
	readonly maxTokens: number | null;
}

/** Scores from the reranker port, with what it had to truncate (ports that do not know return just the scores). */
export type RerankScores =
	| readonly number[]
	| {
			readonly scores: readonly number[];
			readonly truncatedPairs?: number;
			readonly queryTruncated?: boolean;
			readonly maxTokens?: number | null;
	  };

/** What a retrieval returns. */
export interface RetrievalOutcome {
	readonly mode: RetrievalMode;
	/** Truncation in the rerank stage; `null` when the mode does not rerank (or the pool was empty). */
	readonly rerank: RerankTruncation | null;
	/** The final top-k, best first, each with its explain row. */
	readonly results: readonly ExplainRow[];
	/** Every stage's full list (`null` for stages the mode does not run). */
	readonly stages: StageLists;
	/**
	 * Present only when a rewrite plan was given: the variants, the generated texts and every
	 * list. Multi-query: `stages.lexical`/`dense` are the original query's lists and `stages.fused`
	 * the RRF over all lists.
	 */
	readonly rewrite?: RewriteExplain;
}

/**
 * The retrievers and the reranker a retrieval uses. `allow` is the one filter/access predicate:
 * every port must apply it itself, so a forbidden id is never retrieved, fused, or sent to a model.
 */
export interface RetrievalPorts {
	lexical(query: string, depth: number, allow: (id: string) => boolean): Promise<readonly { id: string; score: number }[]>;
	dense(query: string, depth: number, allow: (id: string) => boolean): Promise<readonly { id: string; similarity: number }[]>;
	/** The texts to rerank, in `ids` order. */
	passages(ids: readonly string[]): Promise<readonly string[]>;
	/** Cross-encoder scores in (0, 1), in `passages` order (with the truncation counts when known). */
	rerank(query: string, passages: readonly string[]): Promise<RerankScores>;
}
