/** System evaluation: the SystemUnderTest port, runner, response cache, records, repeats/consistency and the system report. */
export * from './types.ts';
export * from './cache.ts';
export * from './runner.ts';
export * from './records.ts';
export * from './grade.ts';
export * from './consistency.ts';
export * from './report-schema.ts';
export * from './report.ts';
export * from './evaluate.ts';
export * from './unreachable.ts';
