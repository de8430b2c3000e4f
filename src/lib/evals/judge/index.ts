/** LLM-as-judge: verdict parsing, judge prompts, rubric and pairwise runners, bias checks. */
export * from './extract.ts';
export * from './verdict.ts';
export * from './summary.ts';
export * from './prompts.ts';
export * from './runner.ts';
export * from './pairwise.ts';
export * from './length-bias.ts';
