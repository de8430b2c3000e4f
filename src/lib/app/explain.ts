/**
 * Explain helpers and registries the UI uses (re-exported from the domain so components
 * depend on the app layer only).
 */
export { describeRerankTruncation, explainBest, RETRIEVAL_MODES } from '$lib/search/retrieval/index.ts';
export { EMBEDDING_MODELS } from '$lib/embedding/index.ts';
export { describeRerankerPreset, findRerankerPreset, PRESETS_READ_ON, RERANKER_PRESETS } from '$lib/search/rerank/index.ts';
