/**
 * Explain helpers and registries the UI uses (re-exported from the domain so components
 * depend on the app layer only).
 */
export { describeRerankTruncation, explainBest, RETRIEVAL_MODES } from '$lib/search/retrieval/index.ts';
export { EMBEDDING_MODELS, RERANKER_MODELS } from '$lib/embedding/index.ts';
