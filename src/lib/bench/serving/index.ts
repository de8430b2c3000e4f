/** The serving benchmark (issue 16): metrics as vLLM's `vllm bench serve`, arrivals, runner, client port and report. */
export * from './stats.ts';
export * from './metrics.ts';
export * from './arrivals.ts';
export * from './client.ts';
export * from './runner.ts';
export * from './report.ts';
export * from './chat-model-client.ts';
