/**
 * Agent evaluation (issue 14): the agent-tasks format, per-task metrics over a finished
 * `AgentRun` (`scoreAgentTask`, what the Agent page shows for one task), the runner, the report
 * and its gate view, and the `assay eval` configuration for `system.type: "agent"`.
 */
export * from './format.ts';
export * from './matching.ts';
export * from './metrics.ts';
export * from './runner.ts';
export * from './report.ts';
export * from './config.ts';
export * from './review.ts';
export * from './junit.ts';
