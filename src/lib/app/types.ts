/**
 * Types the UI needs from the layers below, re-exported so components depend on the app
 * layer only (DESIGN.md import rules).
 */
export type {
	DocumentView,
	ImportFileInput,
	ImportItemResult,
	ImportReport,
	IndexStatus,
	SearchHit,
	SearchResponse
} from '$lib/services/library-api.ts';
export type { EmbedProgress, SemanticStatus } from '$lib/services/library-api.ts';
export type { CachedModelInfo } from '$lib/services/models-api.ts';
export type { PendingJob } from '$lib/storage/index.ts';
export type { ExplainRow, RetrievalMode, StageLists, StagePosition } from '$lib/search/retrieval/index.ts';
export type { AccessList, MetadataFilter, Principal } from '$lib/search/filters/index.ts';
export type { EmbeddingModelInfo } from '$lib/embedding/index.ts';
export type { RerankerPreset } from '$lib/search/rerank/index.ts';
