import { reciprocalRankFusion } from '../fusion/rrf.ts';
import type { QueryVariant } from '../rewrite/types.ts';
import type { RetrievalMode, RetrievalPorts } from './types.ts';

type Scored = { id: string; score: number };

/**
 * Multi-query retrieval (RAG-Fusion, Raudaschl 2023): every variant is retrieved `depth` deep
 * by each retriever `mode` uses (BM25 unless `dense`, vectors unless `lexical`); the lists are
 * named `<variant>:lexical` / `<variant>:dense` (e.g. `rewrite-2:dense`), filtered through
 * `allow` again, and fused with {@link reciprocalRankFusion} at constant `rrfK` (Cormack et al.
 * 2009). Fused scores are the RRF sums; order as `reciprocalRankFusion`.
 */
export async function multiQueryLists(
	variants: readonly QueryVariant[],
	mode: RetrievalMode,
	depth: number,
	rrfK: number,
	ports: RetrievalPorts,
	allow: (id: string) => boolean
): Promise<{ lists: { name: string; hits: Scored[] }[]; fused: Scored[] }> {
	const jobs: Promise<{ name: string; hits: Scored[] }>[] = [];
	for (const v of variants) {
		if (mode !== 'dense')
			jobs.push(ports.lexical(v.lexical, depth, allow).then((l) => ({ name: `${v.name}:lexical`, hits: l.filter((h) => allow(h.id)) })));
		if (mode !== 'lexical')
			jobs.push(
				ports.dense(v.dense, depth, allow).then((l) => ({
					name: `${v.name}:dense`,
					hits: l.filter((h) => allow(h.id)).map((h) => ({ id: h.id, score: h.similarity }))
				}))
			);
	}
	const lists = await Promise.all(jobs);
	const fused = reciprocalRankFusion(
		lists.map((l) => ({ name: l.name, ids: l.hits.map((h) => h.id) })),
		{ k: rrfK }
	).map((f) => ({ id: f.id, score: f.score }));
	return { lists, fused };
}
