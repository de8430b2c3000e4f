/** The eval runner: retrieval configurations and running a golden set's queries. */
export * from './config.ts';
export * from './run.ts';
