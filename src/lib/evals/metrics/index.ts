/**
 * Retrieval metrics that match trec_eval exactly, and the TREC run/qrels formats.
 */
export * from './trec-format.ts';
export * from './measures.ts';
export * from './evaluate.ts';
export * from './summary.ts';
