import { z } from '../../shared/zod.ts';

const num = z.number().finite();

/** One query's reranker effect: the metric on the fused list (before) and on the reranked list (after). */
export const RerankEffectQuerySchema = z.object({
	/** Query id. */
	id: z.string(),
	/** The metric on the fused top list (what `hybrid` would return), in [0, 1]. */
	before: num,
	/** The metric on the reranked list (what `hybrid-rerank` returns), in [0, 1]. */
	after: num,
	/** after − before, in [−1, 1]. */
	delta: num,
	/** Relevant documents in the reranked top-k that were not in the fused top-k. */
	movedIn: z.number().int().min(0),
	/** Relevant documents in the fused top-k that the reranker pushed out of the top-k. */
	movedOut: z.number().int().min(0)
});

/**
 * What the cross-encoder did, per query and in aggregate (hybrid-rerank runs). `helped`: delta >
 * 1e-12; `hurt`: delta < −1e-12; `unchanged`: the rest (the tolerance of `ROUNDING_EXCESS`).
 */
export const RerankEffectSchema = z.object({
	/** The metric compared, a trec_eval name such as `ndcg_cut_10`, `recip_rank`, `map`. */
	metric: z.string().min(1),
	/** The cutoff k of "moved into / out of the top-k". */
	topK: z.number().int().min(1),
	/** Rerank pool depth used (fused candidates scored), when known. */
	poolDepth: z.number().int().min(1).nullable(),
	helped: z.number().int().min(0),
	hurt: z.number().int().min(0),
	unchanged: z.number().int().min(0),
	/** Means of `before` and `after` over the queries. */
	meanBefore: num,
	meanAfter: num,
	perQuery: z.array(RerankEffectQuerySchema)
});

/** One query's effect. */
export type RerankEffectQuery = z.infer<typeof RerankEffectQuerySchema>;
/** The reranker's effect over a run. */
export type RerankEffect = z.infer<typeof RerankEffectSchema>;
