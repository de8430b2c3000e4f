/**
 * Evaluation: retrieval metrics (trec_eval-exact), test-collection parsing, retrieval runs,
 * answer evaluation (checks, judges, agreement, gate, answer runs and reports).
 */
export * from './metrics/index.ts';
export * from './datasets/beir.ts';
export * from './retrieval/bm25-run.ts';
export * from './golden/index.ts';
export * from './stats/paired.ts';
export * from './runner/index.ts';
export * from './report/index.ts';
export * from './retrieval/hybrid-run.ts';
export * from './ablation/index.ts';
export * from './judge/index.ts';
export * from './stats/correlation.ts';
export * from './agreement/index.ts';
export * from './checks/index.ts';
export * from './gate/index.ts';
export * from './export/trl.ts';
export * from './answers/index.ts';
export * from './rerank-effect/index.ts';
