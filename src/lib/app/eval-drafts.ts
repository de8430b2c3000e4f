import type { AnalyzerName, AppConfig } from '$lib/config/schema.ts';
import type { RetrievalConfigInput } from '$lib/evals/runner/config.ts';
import { newId } from '$lib/shared/ids.ts';
import type { RetrievalMode } from '$lib/search/retrieval/index.ts';

/** A configuration being edited in the experiment matrix. */
export interface ConfigDraft {
	key: string;
	label: string;
	/** lexical | dense | hybrid | hybrid-rerank (dense modes use the workspace's stored vectors). */
	mode: RetrievalMode;
	/** RRF constant k (hybrid modes), integer 1–1000. */
	rrfK: number;
	analyzer: AnalyzerName;
	chunkingMode: 'none' | 'recursive';
	chunkSizeChars: number;
	chunkOverlapChars: number;
	k1: number;
	b: number;
	topK: number;
	depth: number;
}

/** The draft as a retrieval configuration (embedding model and reranker: the workspace's). */
export function toRetrievalConfig(d: ConfigDraft): RetrievalConfigInput {
	return {
		label: d.label,
		mode: d.mode,
		topK: d.topK,
		rrfK: d.rrfK,
		depth: d.depth,
		chunking: { mode: d.chunkingMode, chunkSizeChars: d.chunkSizeChars, chunkOverlapChars: d.chunkOverlapChars },
		bm25: { k1: d.k1, b: d.b, analyzer: d.analyzer }
	};
}

/** A draft with a workspace configuration's chunking and BM25 settings (defaults without one). */
export function draftFromConfig(label: string, c: AppConfig | null): ConfigDraft {
	return {
		key: newId('cfg'),
		label,
		mode: 'lexical',
		rrfK: Math.max(1, Math.round(c?.retrieval.rrfK ?? 60)),
		analyzer: c?.bm25.analyzer ?? 'auto',
		chunkingMode: c?.chunking.mode ?? 'recursive',
		chunkSizeChars: c?.chunking.chunkSizeChars ?? 800,
		chunkOverlapChars: c?.chunking.chunkOverlapChars ?? 96,
		k1: c?.bm25.k1 ?? 0.9,
		b: c?.bm25.b ?? 0.4,
		topK: 10,
		depth: 100
	};
}
