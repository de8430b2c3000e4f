/**
 * Span names and attribute keys for agent runs, from the OpenTelemetry GenAI semantic
 * conventions pinned at **v1.41.0** (Development status):
 * https://github.com/open-telemetry/semantic-conventions/blob/v1.41.0/docs/gen-ai/gen-ai-agent-spans.md
 * (invoke agent, execute tool) and .../v1.41.0/docs/gen-ai/gen-ai-spans.md (inference `chat`).
 * Span names are `{gen_ai.operation.name} {target}`: `invoke_agent {gen_ai.agent.name}`,
 * `chat {gen_ai.request.model}`, `execute_tool {gen_ai.tool.name}`. Assay's own attributes
 * (stop reason, tool effect and version, approvals) use the `assay.` prefix, as the conventions
 * ask for names outside their registry.
 */

/** `gen_ai.operation.name` values used by the agent loop. */
export const GEN_AI_OPERATION = { invokeAgent: 'invoke_agent', chat: 'chat', executeTool: 'execute_tool' } as const;

/** Attribute keys (GenAI registry, v1.41.0) and Assay's additions. */
export const AGENT_ATTR = {
	operationName: 'gen_ai.operation.name',
	providerName: 'gen_ai.provider.name',
	agentName: 'gen_ai.agent.name',
	requestModel: 'gen_ai.request.model',
	requestMaxTokens: 'gen_ai.request.max_tokens',
	requestTemperature: 'gen_ai.request.temperature',
	requestSeed: 'gen_ai.request.seed',
	responseFinishReasons: 'gen_ai.response.finish_reasons',
	inputTokens: 'gen_ai.usage.input_tokens',
	outputTokens: 'gen_ai.usage.output_tokens',
	toolName: 'gen_ai.tool.name',
	toolCallId: 'gen_ai.tool.call.id',
	/** `function` for every Assay and MCP tool (the registry's values: function, extension, datastore). */
	toolType: 'gen_ai.tool.type',
	toolDescription: 'gen_ai.tool.description',
	/** Opt-in content (v1.41.0): the call's arguments as the model sent them (a JSON string). */
	toolCallArguments: 'gen_ai.tool.call.arguments',
	/** Opt-in content (v1.41.0): the result as the model received it, cut to {@link SPAN_CONTENT_MAX_CHARS}. */
	toolCallResult: 'gen_ai.tool.call.result',
	/** Opt-in content (v1.41.0): the turn's output as `[{role, parts:[{type:'text'|'tool_call', …}]}]` JSON. */
	outputMessages: 'gen_ai.output.messages',
	stopReason: 'assay.agent.stop_reason',
	steps: 'assay.agent.steps',
	toolEffect: 'assay.tool.effect',
	toolVersion: 'assay.tool.version',
	toolStatus: 'assay.tool.status',
	approvalDecision: 'assay.approval.decision',
	approvalBy: 'assay.approval.by'
} as const;

/** `invoke_agent {agent}`. */
export const invokeAgentSpanName = (agentName: string) => `${GEN_AI_OPERATION.invokeAgent} ${agentName}`;
/** `chat {model}`. */
export const chatSpanName = (modelId: string) => `${GEN_AI_OPERATION.chat} ${modelId}`;
/** `execute_tool {tool}`. */
export const executeToolSpanName = (toolName: string) => `${GEN_AI_OPERATION.executeTool} ${toolName}`;

/** Longest content attribute written on a span, in UTF-16 code units (longer values end in `…`). */
export const SPAN_CONTENT_MAX_CHARS = 8000;

/** `text` cut to {@link SPAN_CONTENT_MAX_CHARS}. */
export const spanContent = (text: string): string =>
	text.length > SPAN_CONTENT_MAX_CHARS ? `${text.slice(0, SPAN_CONTENT_MAX_CHARS - 1)}…` : text;
