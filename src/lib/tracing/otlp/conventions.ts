/**
 * Attribute names of other LLM instrumentations, mapped onto the OpenTelemetry GenAI semantic
 * conventions pinned at v1.41.0 (`agents/spans.ts`; gen-ai-spans.md, gen-ai-agent-spans.md and the
 * registry's `gen_ai.*` attributes). The original attributes are always kept; a GenAI attribute the
 * span already has is never overwritten. Sources:
 *
 * - **OpenInference** (Arize; Phoenix, openinference-instrumentation-langchain/-llama-index/…):
 *   https://github.com/Arize-ai/openinference/blob/main/spec/semantic_conventions.md —
 *   `openinference.span.kind` (LLM, EMBEDDING, CHAIN, RETRIEVER, RERANKER, TOOL, AGENT, …),
 *   `llm.model_name`, `llm.provider`, `llm.system`, `llm.token_count.prompt` / `.completion` / `.total`,
 *   `llm.input_messages.N.message.role|content`, `llm.output_messages.N.message.role|content`,
 *   `input.value`, `output.value`, `retrieval.documents.N.document.id|score|content`, `tool.name`,
 *   `tool.description`, `session.id`. Lists of objects are flattened with zero-based indices.
 * - **OpenLLMetry / Traceloop** (opentelemetry-instrumentation-openai/-langchain/…):
 *   https://github.com/traceloop/openllmetry/blob/main/packages/opentelemetry-semantic-conventions-ai/opentelemetry/semconv_ai/__init__.py
 *   and https://traceloop.com/docs/openllmetry/contributing/semantic-conventions — `gen_ai.system`,
 *   `gen_ai.prompt.N.role|content`, `gen_ai.completion.N.role|content|finish_reason`,
 *   `gen_ai.usage.prompt_tokens` / `.completion_tokens`, `llm.usage.total_tokens`, `llm.request.type`
 *   (chat, completion, embedding), `traceloop.span.kind` (workflow, task, agent, tool),
 *   `traceloop.entity.name`.
 *
 * Messages become the GenAI JSON form `[{role, parts: [{type: 'text', content}]}]` (a JSON string, as
 * the conventions allow on spans); retrieved documents `[{id, score}]` (the retrieval documents schema:
 * at least `id` and `score`).
 */

import type { AttributeValue, Attributes } from '../types.ts';

/** Which foreign conventions a span's attributes use (none = already GenAI, or plain OpenTelemetry). */
export type ForeignConvention = 'openinference' | 'openllmetry';

/** GenAI v1.41.0 names written by the mapping. */
export const GEN_AI = {
	operationName: 'gen_ai.operation.name',
	providerName: 'gen_ai.provider.name',
	requestModel: 'gen_ai.request.model',
	inputTokens: 'gen_ai.usage.input_tokens',
	outputTokens: 'gen_ai.usage.output_tokens',
	inputMessages: 'gen_ai.input.messages',
	outputMessages: 'gen_ai.output.messages',
	finishReasons: 'gen_ai.response.finish_reasons',
	retrievalDocuments: 'gen_ai.retrieval.documents',
	retrievalQueryText: 'gen_ai.retrieval.query.text',
	toolName: 'gen_ai.tool.name',
	toolDescription: 'gen_ai.tool.description',
	agentName: 'gen_ai.agent.name',
	conversationId: 'gen_ai.conversation.id'
} as const;

/** `openinference.span.kind` → `gen_ai.operation.name` (kinds without a GenAI operation — CHAIN, RERANKER, GUARDRAIL, EVALUATOR… — get none). */
const OPENINFERENCE_OPERATION: Record<string, string> = {
	LLM: 'chat',
	EMBEDDING: 'embeddings',
	RETRIEVER: 'retrieval',
	TOOL: 'execute_tool',
	AGENT: 'invoke_agent'
};

/** `llm.request.type` (OpenLLMetry) → `gen_ai.operation.name`. */
const OPENLLMETRY_REQUEST_TYPE: Record<string, string> = { chat: 'chat', completion: 'text_completion', embedding: 'embeddings' };

/** `traceloop.span.kind` → `gen_ai.operation.name` (workflow and task have no GenAI operation). */
const TRACELOOP_KIND: Record<string, string> = { agent: 'invoke_agent', tool: 'execute_tool' };

/** Values of `{prefix}{N}.{suffix}` keys, indexed by N (sparse indices kept in order). */
function indexed(attrs: Attributes, prefix: string): Map<number, Record<string, AttributeValue>> {
	const out = new Map<number, Record<string, AttributeValue>>();
	for (const [key, value] of Object.entries(attrs)) {
		if (!key.startsWith(prefix)) continue;
		const m = /^(\d+)\.(.+)$/.exec(key.slice(prefix.length));
		if (!m) continue;
		const n = Number(m[1]);
		const entry = out.get(n) ?? {};
		entry[m[2] as string] = value;
		out.set(n, entry);
	}
	return new Map([...out.entries()].sort((a, b) => a[0] - b[0]));
}

const str = (v: AttributeValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: AttributeValue | undefined): number | undefined =>
	typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined;

/** GenAI message JSON of `{role, content}` entries (`parts` of one text part; no content = no parts). */
function messagesJson(entries: readonly { role: string; content: string | undefined }[]): string {
	return JSON.stringify(
		entries.map((e) => ({ role: e.role, parts: e.content !== undefined ? [{ type: 'text', content: e.content }] : [] }))
	);
}

/** The conventions `attrs` uses, by their marker attributes. */
export function foreignConventions(attrs: Attributes): ForeignConvention[] {
	const keys = Object.keys(attrs);
	const out: ForeignConvention[] = [];
	if (
		keys.some(
			(k) =>
				k === 'openinference.span.kind' || k.startsWith('llm.token_count.') || k === 'llm.model_name' || k.startsWith('llm.input_messages.')
		)
	)
		out.push('openinference');
	if (
		keys.some(
			(k) =>
				k.startsWith('traceloop.') ||
				k === 'gen_ai.system' ||
				k.startsWith('gen_ai.prompt.') ||
				k.startsWith('gen_ai.completion.') ||
				k === 'gen_ai.usage.prompt_tokens' ||
				k === 'gen_ai.usage.completion_tokens' ||
				k === 'llm.usage.total_tokens' ||
				k === 'llm.request.type'
		)
	)
		out.push('openllmetry');
	return out;
}

/**
 * `attrs` plus the GenAI v1.41.0 attributes its OpenInference / OpenLLMetry attributes stand for
 * (see the module comment for the table). Existing GenAI attributes win; originals are kept.
 * Token counts: when only a total and one side are known, the other side is total − known.
 */
export function mapToGenAi(attrs: Attributes): Attributes {
	const add: Attributes = {};
	const put = (key: string, value: AttributeValue | undefined) => {
		if (value === undefined || key in attrs || key in add) return;
		add[key] = value;
	};
	const oiKind = str(attrs['openinference.span.kind'])?.toUpperCase();
	const tlKind = str(attrs['traceloop.span.kind'])?.toLowerCase();

	// Operation.
	put(GEN_AI.operationName, oiKind ? OPENINFERENCE_OPERATION[oiKind] : undefined);
	const requestType = str(attrs['llm.request.type']);
	put(GEN_AI.operationName, requestType ? OPENLLMETRY_REQUEST_TYPE[requestType] : undefined);
	put(GEN_AI.operationName, tlKind ? TRACELOOP_KIND[tlKind] : undefined);

	// Provider and model.
	put(GEN_AI.providerName, str(attrs['llm.provider'])?.toLowerCase());
	put(GEN_AI.providerName, str(attrs['llm.system'])?.toLowerCase());
	put(GEN_AI.providerName, str(attrs['gen_ai.system'])?.toLowerCase());
	put(GEN_AI.requestModel, str(attrs['llm.model_name']));

	// Tokens.
	let input = num(attrs['llm.token_count.prompt']) ?? num(attrs['gen_ai.usage.prompt_tokens']);
	let output = num(attrs['llm.token_count.completion']) ?? num(attrs['gen_ai.usage.completion_tokens']);
	const total = num(attrs['llm.token_count.total']) ?? num(attrs['llm.usage.total_tokens']);
	const knownIn = num(attrs[GEN_AI.inputTokens]) ?? input;
	const knownOut = num(attrs[GEN_AI.outputTokens]) ?? output;
	if (total !== undefined && knownIn !== undefined && knownOut === undefined && total >= knownIn) output = total - knownIn;
	if (total !== undefined && knownOut !== undefined && knownIn === undefined && total >= knownOut) input = total - knownOut;
	put(GEN_AI.inputTokens, input);
	put(GEN_AI.outputTokens, output);

	// Messages: OpenInference llm.input_messages / llm.output_messages, OpenLLMetry gen_ai.prompt / gen_ai.completion.
	const oiIn = [...indexed(attrs, 'llm.input_messages.').values()];
	const tlIn = [...indexed(attrs, 'gen_ai.prompt.').values()];
	const inputs = oiIn.length
		? oiIn.map((m) => ({ role: str(m['message.role']) ?? 'user', content: str(m['message.content']) }))
		: tlIn.map((m) => ({ role: str(m['role']) ?? 'user', content: str(m['content']) }));
	const oiOut = [...indexed(attrs, 'llm.output_messages.').values()];
	const tlOut = [...indexed(attrs, 'gen_ai.completion.').values()];
	const outputs = oiOut.length
		? oiOut.map((m) => ({ role: str(m['message.role']) ?? 'assistant', content: str(m['message.content']) }))
		: tlOut.map((m) => ({ role: str(m['role']) ?? 'assistant', content: str(m['content']) }));
	// An OpenInference LLM span with only input.value / output.value (plain text): one user / assistant message.
	const plain = (mime: AttributeValue | undefined) => mime === undefined || mime === 'text/plain';
	if (oiKind === 'LLM' && inputs.length === 0 && str(attrs['input.value']) !== undefined && plain(attrs['input.mime_type']))
		inputs.push({ role: 'user', content: str(attrs['input.value']) });
	if (oiKind === 'LLM' && outputs.length === 0 && str(attrs['output.value']) !== undefined && plain(attrs['output.mime_type']))
		outputs.push({ role: 'assistant', content: str(attrs['output.value']) });
	if (inputs.length) put(GEN_AI.inputMessages, messagesJson(inputs));
	if (outputs.length) put(GEN_AI.outputMessages, messagesJson(outputs));
	const finish = tlOut.map((m) => str(m['finish_reason'])).filter((r): r is string => r !== undefined);
	if (finish.length) put(GEN_AI.finishReasons, finish);

	// Retrieval.
	const docs = [...indexed(attrs, 'retrieval.documents.').values()];
	if (docs.length)
		put(
			GEN_AI.retrievalDocuments,
			JSON.stringify(
				docs.map((d) => {
					const id = d['document.id'];
					const score = num(d['document.score']);
					return { ...(id !== undefined ? { id: String(id) } : {}), ...(score !== undefined ? { score } : {}) };
				})
			)
		);
	if (oiKind === 'RETRIEVER') put(GEN_AI.retrievalQueryText, str(attrs['input.value']));

	// Tools, agents, sessions.
	put(GEN_AI.toolName, str(attrs['tool.name']));
	put(GEN_AI.toolDescription, str(attrs['tool.description']));
	if (tlKind === 'tool') put(GEN_AI.toolName, str(attrs['traceloop.entity.name']));
	if (tlKind === 'agent') put(GEN_AI.agentName, str(attrs['traceloop.entity.name']));
	put(GEN_AI.conversationId, str(attrs['session.id']));

	return Object.keys(add).length ? { ...attrs, ...add } : attrs;
}
