import type { ChatMessage, ChatModel, ChatUsage, ToolCallRequest } from '../generation/types.ts';
import type { AssayErrorData } from '../shared/errors.ts';
import type { SchemaValidator } from '../generation/structured.ts';
import type { Clock } from '../tracing/tracer.ts';
import type { Tracer } from '../tracing/types.ts';

/**
 * The agent contract: tools, approvals, limits, steps and the run record. The loop
 * (`loop.ts`) is domain code over the {@link ChatModel} port and the {@link Tool} port; MCP
 * servers and the workspace are adapters that yield tools; approval is a port the UI and the
 * headless policies implement. Span names and attributes follow the OpenTelemetry GenAI
 * agent conventions (`invoke_agent`, `chat`, `execute_tool`; see `spans.ts`).
 */

/**
 * Whether running a tool can change anything outside the run. `read-only` tools run at
 * once; `side-effecting` ones wait for an {@link ApprovalPort} decision. For MCP tools the
 * server's annotations decide (`readOnlyHint: true` → read-only); unknown = side-effecting.
 */
export type ToolEffect = 'read-only' | 'side-effecting';

/** Where a tool comes from: Assay's workspace tools, or an MCP server (by its label). */
export type ToolSource = { readonly kind: 'builtin' } | { readonly kind: 'mcp'; readonly server: string };

/** A tool's description, as the model sees it and as runs record it. */
export interface ToolDefinition {
	/** Unique within a run; `^[a-zA-Z0-9_-]{1,64}$`. MCP tools are prefixed with their server label. */
	readonly name: string;
	/** What it does and when to use it — the model reads this. */
	readonly description: string;
	/** JSON Schema of the arguments object (`type: "object"`). Calls are validated against it before anything runs. */
	readonly inputSchema: Readonly<Record<string, unknown>>;
	/**
	 * Version of the description and schema, like system prompt versions: a short content
	 * hash (`shared/hash.ts` of name, description and schema), recorded on every call.
	 */
	readonly version: string;
	readonly effect: ToolEffect;
	readonly source: ToolSource;
}

/**
 * A tool's result. `content` is the text the model sees (untrusted: it is delimited as data
 * in the prompt and rendered as text, never HTML); `structured` is machine-readable data
 * (MCP `structuredContent`), e.g. search hits for citations and metrics.
 */
export interface ToolResult {
	readonly content: string;
	readonly structured?: unknown;
	/** The tool ran but failed (MCP `isError`), or the call was refused (invalid, denied, timed out). */
	readonly isError?: boolean;
	/** Document references this result cites (BEIR `_id` or relative path), for citations and metrics. */
	readonly documentRefs?: readonly string[];
}

/** What a tool gets besides its arguments. */
export interface ToolContext {
	/** Aborts when the run is cancelled or the call times out. */
	readonly signal: AbortSignal;
}

/** The Tool port: a definition and how to run it. `run` may throw; the loop turns that into a tool error. */
export interface Tool {
	readonly definition: ToolDefinition;
	run(args: Readonly<Record<string, unknown>>, context: ToolContext): Promise<ToolResult>;
}

/** A person's (or a policy's) answer to an approval request. */
export type ApprovalDecision =
	| { readonly decision: 'approve'; readonly by: string; readonly note?: string }
	/** Run with these arguments instead (validated again against the schema). */
	| { readonly decision: 'edit'; readonly arguments: Readonly<Record<string, unknown>>; readonly by: string; readonly note?: string }
	| { readonly decision: 'deny'; readonly by: string; readonly note?: string };

/** A side-effecting call waiting for a decision: the whole call as the model made it, after validation. */
export interface ApprovalRequest {
	readonly callId: string;
	readonly tool: ToolDefinition;
	readonly arguments: Readonly<Record<string, unknown>>;
	readonly step: number;
}

/**
 * The approval port. The page shows the call and waits for a click; headless runs use a
 * policy (`approval.ts`: deny all by default, or an allow-list) — never a silent execute.
 * Aborting `signal` (run cancelled) must settle the promise (as a deny).
 */
export interface ApprovalPort {
	decide(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalDecision>;
}

/**
 * Why a run ended:
 * - `final_answer`: the model answered without calling a tool;
 * - `max_steps`: `limits.maxSteps` model turns were used;
 * - `token_budget`: input + output tokens reached `limits.maxTotalTokens`;
 * - `time_budget`: wall-clock reached `limits.maxDurationMs`;
 * - `repeated_call`: the model repeated a call (same tool, same canonical arguments) it made in an earlier step
 *   (a duplicate within one step is answered as an `invalid` call instead);
 * - `step_length`: a turn hit `limits.maxTokensPerStep` without a call or a finished answer;
 * - `cancelled`: the caller aborted;
 * - `model_error`: the engine failed (the error is on the run).
 */
export type StopReason =
	'final_answer' | 'max_steps' | 'token_budget' | 'time_budget' | 'repeated_call' | 'step_length' | 'cancelled' | 'model_error';

/** Loop limits. Defaults in `loop.ts` (`DEFAULT_AGENT_LIMITS`). */
export interface AgentLimits {
	/** Most model turns, ≥ 1; default 6. */
	readonly maxSteps: number;
	/** `max_tokens` of each turn, ≥ 1; default 512. */
	readonly maxTokensPerStep: number;
	/** Most input + output tokens over the run; default 32 000. */
	readonly maxTotalTokens: number;
	/** Most wall-clock time for the run, ms; default 120 000. */
	readonly maxDurationMs: number;
	/** Longest one tool call may run, ms; default 30 000 (then a tool error `TOOL_TIMEOUT`). */
	readonly toolTimeoutMs: number;
}

/** One tool call in a step, from the model's request to its result. */
export interface ToolCallRecord {
	readonly id: string;
	readonly name: string;
	/** Raw JSON text the model produced. */
	readonly argumentsJson: string;
	/** Parsed arguments that ran (after an edit, the edited ones); absent when invalid or denied. */
	readonly arguments?: Readonly<Record<string, unknown>>;
	/** `invalid`: failed parsing or schema validation (or no such tool, or a duplicate of a call earlier in the same step) and went back as a tool error. */
	readonly status: 'ok' | 'tool_error' | 'invalid' | 'denied' | 'timeout' | 'cancelled';
	readonly toolVersion?: string;
	readonly effect?: ToolEffect;
	/** The approval, when one was asked. */
	readonly approval?: ApprovalDecision;
	readonly result: ToolResult;
	/** The error code when the tool threw an AssayError (e.g. `MCP_UNREACHABLE`: the server is gone), for evals that must tell an outage from a tool error. */
	readonly errorCode?: string;
	readonly startTimeMs: number;
	readonly durationMs: number;
}

/** One model turn and the calls it made. */
export interface AgentStep {
	/** 1-based. */
	readonly index: number;
	/** Text the model wrote this turn (its reasoning, or the final answer on the last step). */
	readonly text: string;
	readonly calls: readonly ToolCallRecord[];
	readonly usage: ChatUsage;
	readonly finishReason: string;
	readonly startTimeMs: number;
	/** Model time of the turn, ms (tool time is in the calls). */
	readonly modelDurationMs: number;
}

/** A finished run: everything the page shows, the evaluator scores and the trace exports. */
export interface AgentRun {
	readonly task: string;
	readonly modelId: string;
	readonly provider: string;
	/** The final answer (empty when the run stopped before one). */
	readonly answer: string;
	readonly stopReason: StopReason;
	/** Human-readable reason, e.g. "stopped after 6 steps (maxSteps)". */
	readonly stopDetail: string;
	readonly steps: readonly AgentStep[];
	/** The whole conversation as sent on the last turn, plus the final answer. */
	readonly messages: readonly ChatMessage[];
	readonly usage: { readonly inputTokens: number; readonly outputTokens: number };
	readonly durationMs: number;
	/** Approvals asked of the port. */
	readonly approvalsAsked: number;
	/** Document references from tool results (deduplicated, first-seen order), cited by the answer. */
	readonly documentRefs: readonly string[];
	readonly traceId: string;
	readonly error?: AssayErrorData;
}

/** A live event, for the page's trajectory (in order; `run` is not repeated here). */
export type AgentEvent =
	| { readonly type: 'step_started'; readonly step: number }
	| { readonly type: 'text'; readonly step: number; readonly text: string }
	| { readonly type: 'tool_call'; readonly step: number; readonly call: ToolCallRequest }
	| { readonly type: 'approval_needed'; readonly step: number; readonly request: ApprovalRequest }
	| { readonly type: 'tool_result'; readonly step: number; readonly record: ToolCallRecord }
	| { readonly type: 'step_finished'; readonly step: AgentStep };

/** Input of `runAgent` (`loop.ts`). */
export interface AgentRunInput {
	readonly task: string;
	readonly model: ChatModel;
	readonly tools: readonly Tool[];
	readonly approval: ApprovalPort;
	/** Validates each call's arguments against its tool's `inputSchema` before anything runs. */
	readonly validator: SchemaValidator;
	/** The system prompt (default: `AGENT_SYSTEM_PROMPT` in `loop.ts`). */
	readonly systemPrompt?: string;
	readonly limits?: Partial<AgentLimits>;
	readonly temperature?: number;
	readonly seed?: number;
	readonly tracer?: Tracer;
	readonly clock?: Clock;
	readonly signal?: AbortSignal;
	readonly onEvent?: (event: AgentEvent) => void;
	/**
	 * Record content on the spans — each turn's output (`gen_ai.output.messages`), each call's
	 * arguments and result (`gen_ai.tool.call.arguments` / `.result`), cut to 8,000 characters.
	 * Default true; the run record (`AgentRun.messages`, `steps`) keeps everything either way.
	 */
	readonly captureContent?: boolean;
	/** Agent name for `gen_ai.agent.name` (default `assay-agent`). */
	readonly agentName?: string;
}
