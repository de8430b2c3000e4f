import type { RunEntry } from '../evals/metrics/trec-format.ts';
import type { Retriever } from '../evals/runner/run.ts';
import { reciprocalRankFusion } from '../search/fusion/rrf.ts';
import type { QueryPlan } from '../search/rewrite/types.ts';

/**
 * Lexical evaluation with rewrites: a one-variant plan (expansion; HyDE, whose passage only
 * the dense side uses; a fallback) retrieves `variants[0].lexical`; a multi-query plan retrieves
 * every variant at document level and fuses the lists with RRF at `rrfK` (RAG-Fusion, Raudaschl
 * 2023; Cormack et al. 2009), scores = RRF sums. A query without a plan is retrieved as typed.
 */
export function rewritingLexicalRetriever(base: Retriever, plans: Readonly<Record<string, QueryPlan>>, rrfK: number): Retriever {
	return {
		async retrieve(query, depth): Promise<readonly RunEntry[]> {
			const plan = Object.hasOwn(plans, query) ? plans[query] : undefined;
			if (!plan) return base.retrieve(query, depth);
			if (plan.variants.length === 1) return base.retrieve(plan.variants[0]!.lexical, depth);
			const lists = await Promise.all(
				plan.variants.map(async (v) => ({ name: `${v.name}:lexical`, ids: (await base.retrieve(v.lexical, depth)).map((e) => e.docId) }))
			);
			return reciprocalRankFusion(lists, { k: rrfK, limit: depth }).map((f) => ({ docId: f.id, score: f.score }));
		}
	};
}
