/** Answer evaluation: answer runs, grading (checks + judges), summaries, pairwise runs, report v2 section, fine-tuning hand-off. */
export * from './types.ts';
export * from './run.ts';
export * from './grade.ts';
export * from './summary.ts';
export * from './pairwise.ts';
export * from './finetune.ts';
export * from './report-schema.ts';
export * from './report-metrics.ts';
export * from './report.ts';
export * from './evaluations.ts';
