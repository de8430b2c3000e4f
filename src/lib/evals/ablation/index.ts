/** Stage ablation: one retrieval configuration measured after each stage, with paired tests and where relevant documents were lost. */
export * from './schema.ts';
export * from './lost.ts';
export * from './compute.ts';
export * from './format.ts';
