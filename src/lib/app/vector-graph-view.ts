import type { SemanticStatus } from '../services/semantic-api.ts';
import { HNSW_AUTO_MIN_VECTORS } from '../search/vector/choice.ts';

/**
 * One line on the state of a workspace's HNSW graph for the semantic panel, e.g.
 * "HNSW graph: 100,000 linked, recall@10 0.994 vs exact (50 probes), built in 98.2 s" or
 * "HNSW graph: linking 12,000 / 100,000 (waiting rows are scanned exactly)".
 */
export function describeGraph(graph: NonNullable<SemanticStatus['graph']>): string {
	const total = graph.linked + graph.pending;
	const n = (x: number) => x.toLocaleString('en');
	if (graph.linked === 0 && !graph.linking)
		return `exact scan (an HNSW graph is built from ${n(HNSW_AUTO_MIN_VECTORS)} vectors, or always with the HNSW setting)`;
	if (graph.pending > 0) return `HNSW graph: linking ${n(graph.linked)} / ${n(total)} (waiting rows are scanned exactly)`;
	const recall =
		graph.recallAt10 === null
			? 'recall not measured yet'
			: `recall@10 ${graph.recallAt10.toFixed(3)} vs exact (${graph.sampleQueries} probes)`;
	const built = graph.restored ? 'read from storage' : graph.buildMs === null ? '' : `built in ${(graph.buildMs / 1000).toFixed(1)} s`;
	return `HNSW graph: ${n(graph.linked)} linked, ${recall}${built ? `, ${built}` : ''}`;
}
