/**
 * What a trace says it was about: the query, the answer and the retrieved documents, read from
 * the attributes Assay writes on its own root spans and from the GenAI / OpenInference attributes
 * of imported spans (imports map OpenInference onto GenAI names, docs/observability.md).
 * Content attributes are cut to `SPAN_CONTENT_MAX_CHARS`.
 */
import { SPAN_CONTENT_MAX_CHARS } from '../agents/spans.ts';
import type { Attributes, SpanRecord } from './types.ts';

/** Content attribute keys: Assay's (`assay.*`) and the GenAI ones read from imports. */
export const CONTENT_ATTR = {
	/** Ask: the question (root `rag.answer` span). */
	ragQuestion: 'assay.rag.question',
	/** Ask: the answer text (root `rag.answer` span). */
	ragAnswer: 'assay.rag.answer',
	/** Agent: the task (root `invoke_agent` span). */
	agentTask: 'assay.agent.task',
	/** Agent: the final answer (root `invoke_agent` span). */
	agentAnswer: 'assay.agent.answer',
	/** GenAI v1.41.0 (opt-in): `[{id, score}]` JSON; Assay adds `title`. */
	retrievalDocuments: 'gen_ai.retrieval.documents',
	/**
	 * Ask: the answer's documents (`[{id: documentRef, title, score}]` JSON) on the root span, kept
	 * apart from the chunk-level `gen_ai.retrieval.documents` the RAG span already carries.
	 */
	ragDocuments: 'assay.rag.documents',
	retrievalQuery: 'gen_ai.retrieval.query.text',
	inputMessages: 'gen_ai.input.messages',
	outputMessages: 'gen_ai.output.messages'
} as const;

/** One retrieved document of a trace. */
export interface TraceDocument {
	/** Document reference (a workspace document id for Assay's own traces, the app's id for imports). */
	readonly id: string;
	readonly title: string | null;
	/** Best score seen for it, or `null`. */
	readonly score: number | null;
}

/** `text` cut to `maxChars` UTF-16 units (default {@link SPAN_CONTENT_MAX_CHARS}; ending in `…` when cut; `''` for `maxChars` < 1). */
export function cutContent(text: string, maxChars: number = SPAN_CONTENT_MAX_CHARS): string {
	if (maxChars < 1) return '';
	return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}

/**
 * Total chunk text a search span keeps in `gen_ai.retrieval.documents`, UTF-16 units (4 ×
 * {@link SPAN_CONTENT_MAX_CHARS} = 32 000): texts are cut to what is left, and documents past it
 * keep their ids and scores without text.
 */
export const SEARCH_SPAN_TEXT_BUDGET_CHARS = 4 * SPAN_CONTENT_MAX_CHARS;

/** One retrieved chunk as a search span records it. Scores are the stage scores of `ExplainRow` (absent when the stage did not run or did not rank it). */
export interface RetrievedChunkEntry {
	/** Chunk id. */
	readonly id: string;
	/** Workspace document id. */
	readonly document: string;
	readonly title: string | null;
	/** 1-based final rank. */
	readonly rank: number;
	/** The hit's score (rerank, else fused, else the single stage's). */
	readonly score: number;
	readonly scores: { readonly bm25?: number; readonly vector?: number; readonly fused?: number; readonly rerank?: number };
	readonly text: string;
}

/**
 * `gen_ai.retrieval.documents` JSON for a search's hits:
 * `[{id, document, title, rank, score, scores: {bm25, vector, fused, rerank}, text}]`, the shape
 * the answer span uses plus `rank` and per-stage `scores`. At most `maxDocuments` entries (the
 * request's topK); each text is cut ({@link cutContent}) to at most {@link SPAN_CONTENT_MAX_CHARS}
 * and to what is left of `textBudgetChars` (default {@link SEARCH_SPAN_TEXT_BUDGET_CHARS}); a
 * document left with no budget has no `text`. Content capture off removes title and text when
 * the span is stored (`applyContentCapture`), keeping ids, ranks and scores.
 */
export function retrievedChunksAttribute(
	entries: readonly RetrievedChunkEntry[],
	maxDocuments: number,
	textBudgetChars: number = SEARCH_SPAN_TEXT_BUDGET_CHARS
): string {
	let left = textBudgetChars;
	return JSON.stringify(
		entries.slice(0, Math.max(0, maxDocuments)).map((e) => {
			const text = cutContent(e.text, Math.min(SPAN_CONTENT_MAX_CHARS, left));
			left -= text.length;
			return {
				id: e.id,
				document: e.document,
				...(e.title ? { title: e.title } : {}),
				rank: e.rank,
				score: e.score,
				scores: e.scores,
				...(text !== '' ? { text } : {})
			};
		})
	);
}

/** `gen_ai.retrieval.documents` JSON for `documents` (title kept when known). */
export function retrievalDocumentsAttribute(documents: readonly TraceDocument[]): string {
	return JSON.stringify(
		documents.map((d) => ({ id: d.id, ...(d.score !== null ? { score: d.score } : {}), ...(d.title ? { title: d.title } : {}) }))
	);
}

/**
 * `spans` with `attributes` added to the root span (no parent in the list; the first such one),
 * other spans unchanged. Values are cut with {@link cutContent}.
 */
export function annotateRoot(spans: readonly SpanRecord[], attributes: Attributes): SpanRecord[] {
	const ids = new Set(spans.map((s) => s.spanId));
	const root = spans.find((s) => s.parentSpanId === null || !ids.has(s.parentSpanId));
	const cut: Attributes = Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, typeof v === 'string' ? cutContent(v) : v]));
	return spans.map((s) => (s === root ? { ...s, attributes: { ...s.attributes, ...cut } } : s));
}

/** The root span of a trace's spans (no parent among them; earliest first), or `null` for none. */
export function rootSpan(spans: readonly SpanRecord[]): SpanRecord | null {
	const ids = new Set(spans.map((s) => s.spanId));
	let root: SpanRecord | null = null;
	for (const s of spans) if ((s.parentSpanId === null || !ids.has(s.parentSpanId)) && (!root || s.startTimeMs < root.startTimeMs)) root = s;
	return root;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

function parseJson(value: unknown): unknown {
	if (typeof value !== 'string') return null;
	try {
		return JSON.parse(value) as unknown;
	} catch {
		return null;
	}
}

/** Text of the messages of `role` in a GenAI messages JSON (`[{role, parts:[{type:'text', content}]}]`), last first. */
function messageTexts(value: unknown, role: string): string[] {
	const messages = parseJson(value);
	if (!Array.isArray(messages)) return [];
	const out: string[] = [];
	for (const m of messages) {
		if (!m || typeof m !== 'object' || (m as { role?: unknown }).role !== role) continue;
		const parts = (m as { parts?: unknown }).parts;
		const content = (m as { content?: unknown }).content;
		const joined = Array.isArray(parts)
			? parts
					.map((p) =>
						p && typeof p === 'object' && (p as { type?: unknown }).type === 'text' ? text((p as { content?: unknown }).content) : null
					)
					.filter((t): t is string => t !== null)
					.join('')
			: (text(content) ?? '');
		if (joined !== '') out.push(joined);
	}
	return out.reverse();
}

/** Spans with the root first, then the rest by start time. */
function ordered(spans: readonly SpanRecord[]): SpanRecord[] {
	const root = rootSpan(spans);
	const rest = spans.filter((s) => s !== root).sort((a, b) => a.startTimeMs - b.startTimeMs);
	return root ? [root, ...rest] : rest;
}

/** The query of a trace: Assay's question / task / eval query, else a retrieval query, else the last user message, else the root's `input.value`. */
export function traceQuery(spans: readonly SpanRecord[]): string | null {
	const list = ordered(spans);
	for (const key of [CONTENT_ATTR.ragQuestion, CONTENT_ATTR.agentTask, 'assay.eval.query', CONTENT_ATTR.retrievalQuery])
		for (const s of list) {
			const v = text(s.attributes[key]);
			if (v) return v;
		}
	for (const s of [...list].reverse()) {
		const [last] = messageTexts(s.attributes[CONTENT_ATTR.inputMessages], 'user');
		if (last) return last;
	}
	return list[0] ? text(list[0].attributes['input.value']) : null;
}

/** The answer of a trace: Assay's answer, else the last assistant output message, else the root's `output.value`. */
export function traceAnswer(spans: readonly SpanRecord[]): string | null {
	const list = ordered(spans);
	for (const key of [CONTENT_ATTR.ragAnswer, CONTENT_ATTR.agentAnswer])
		for (const s of list) {
			const v = text(s.attributes[key]);
			if (v) return v;
		}
	const byEnd = [...list].sort((a, b) => b.endTimeMs - a.endTimeMs);
	for (const s of byEnd) {
		const [last] = messageTexts(s.attributes[CONTENT_ATTR.outputMessages], 'assistant');
		if (last) return last;
	}
	return list[0] ? text(list[0].attributes['output.value']) : null;
}

/** The retrieved documents of a trace (`gen_ai.retrieval.documents` of every span), first-seen order, best score kept. */
export function traceDocuments(spans: readonly SpanRecord[]): TraceDocument[] {
	const byId = new Map<string, { id: string; title: string | null; score: number | null }>();
	// An Ask trace names its documents on the root (`assay.rag.documents`); its RAG span's list is per chunk.
	const key = spans.some((s) => s.attributes[CONTENT_ATTR.ragDocuments] !== undefined)
		? CONTENT_ATTR.ragDocuments
		: CONTENT_ATTR.retrievalDocuments;
	for (const s of ordered(spans)) {
		const docs = parseJson(s.attributes[key]);
		if (!Array.isArray(docs)) continue;
		for (const d of docs) {
			if (!d || typeof d !== 'object') continue;
			const raw = (d as { id?: unknown }).id;
			const id = typeof raw === 'number' ? String(raw) : text(raw);
			if (!id) continue;
			const scoreRaw = (d as { score?: unknown }).score;
			const score = typeof scoreRaw === 'number' && Number.isFinite(scoreRaw) ? scoreRaw : null;
			const title = text((d as { title?: unknown }).title);
			const seen = byId.get(id);
			if (!seen) byId.set(id, { id, title, score });
			else {
				if (score !== null && (seen.score === null || score > seen.score)) seen.score = score;
				seen.title ??= title;
			}
		}
	}
	return [...byId.values()];
}

/** Depth of each span in its trace (root 0; a span whose parent is not among `spans` is a root). */
function depths(spans: readonly SpanRecord[]): Map<SpanRecord, number> {
	const byId = new Map(spans.map((s) => [s.spanId, s]));
	const out = new Map<SpanRecord, number>();
	for (const s of spans) {
		let depth = 0;
		let at: SpanRecord | undefined = s;
		const seen = new Set<string>();
		while (at?.parentSpanId && byId.has(at.parentSpanId) && !seen.has(at.spanId)) {
			seen.add(at.spanId);
			at = byId.get(at.parentSpanId);
			depth++;
		}
		out.set(s, depth);
	}
	return out;
}

/** Assay content attributes that mark the span holding a trace's query and answer. */
const ASSAY_ANSWER_KEYS = [
	CONTENT_ATTR.ragAnswer,
	CONTENT_ATTR.agentAnswer,
	CONTENT_ATTR.ragQuestion,
	CONTENT_ATTR.agentTask,
	'assay.eval.query'
];
/** `openinference.span.kind` values of a span that answers (the chain, agent or model call). */
const OPENINFERENCE_ANSWER_KINDS = new Set(['CHAIN', 'AGENT', 'LLM']);
/** `traceloop.span.kind` values of a span that answers (OpenLLMetry workflow, agent, task). */
const TRACELOOP_ANSWER_KINDS = new Set(['workflow', 'agent', 'task']);

function isForeignAnswerSpan(s: SpanRecord): boolean {
	const oi = s.attributes['openinference.span.kind'];
	if (typeof oi === 'string' && OPENINFERENCE_ANSWER_KINDS.has(oi.toUpperCase())) return true;
	const tl = s.attributes['traceloop.span.kind'];
	if (typeof tl === 'string' && TRACELOOP_ANSWER_KINDS.has(tl.toLowerCase())) return true;
	const request = s.attributes['llm.request.type'];
	return request === 'chat' || request === 'completion';
}

/**
 * The span that holds a trace's query and answer — where its checks and judge scores are stored
 * (`gen_ai.evaluation.result` events, tracing/evaluation.ts). In order:
 * 1. Assay's own: the span with an Assay content attribute (`assay.rag.answer` / `.question` of
 *    `rag.answer`, `assay.agent.answer` / `.task` of `invoke_agent`, `assay.eval.query` of
 *    `assay.eval.case`), else a span named `rag.answer`;
 * 2. OpenInference / OpenLLMetry: the top-most span (least depth, then earliest) that is a CHAIN,
 *    AGENT or LLM (`openinference.span.kind`), a workflow, agent or task (`traceloop.span.kind`)
 *    or a chat / completion call (`llm.request.type`) — the app's own root HTTP span holds neither;
 * 3. OTel GenAI: the top-most `invoke_agent` span, else the `chat` / `text_completion` span that
 *    ended last (the final answer of a loop);
 * 4. else the root span ({@link rootSpan}). `null` only for no spans.
 */
export function traceAnswerSpan(spans: readonly SpanRecord[]): SpanRecord | null {
	const list = ordered(spans);
	if (list.length === 0) return null;
	const own = list.find((s) => ASSAY_ANSWER_KEYS.some((k) => text(s.attributes[k]) !== null)) ?? list.find((s) => s.name === 'rag.answer');
	if (own) return own;
	const depth = depths(list);
	const topmost = (candidates: SpanRecord[]) =>
		candidates.sort((a, b) => depth.get(a)! - depth.get(b)! || a.startTimeMs - b.startTimeMs)[0] ?? null;
	const foreign = topmost(list.filter(isForeignAnswerSpan));
	if (foreign) return foreign;
	const operation = (s: SpanRecord) => s.attributes['gen_ai.operation.name'];
	const agent = topmost(list.filter((s) => operation(s) === 'invoke_agent'));
	if (agent) return agent;
	const chats = list.filter((s) => operation(s) === 'chat' || operation(s) === 'text_completion');
	if (chats.length > 0) return chats.reduce((a, b) => (b.endTimeMs >= a.endTimeMs ? b : a));
	return list[0]!;
}

/** One retrieved text a trace recorded: what a judge sees as context. */
export interface TraceContext {
	/** The document or chunk id the app gave it, `null` when it gave none. */
	readonly id: string | null;
	readonly text: string;
}

const OPENINFERENCE_DOCUMENT = /^retrieval\.documents\.(\d+)\.document\.(id|content)$/;

/** OpenInference `retrieval.documents.N.document.content` (and `.id`) of one span, by N. */
function openInferenceContexts(attrs: Attributes): TraceContext[] {
	const byIndex = new Map<number, { id?: string; text?: string }>();
	for (const [key, value] of Object.entries(attrs)) {
		const m = OPENINFERENCE_DOCUMENT.exec(key);
		if (!m) continue;
		const n = Number(m[1]);
		const entry = byIndex.get(n) ?? {};
		if (m[2] === 'id' && (typeof value === 'string' || typeof value === 'number')) entry.id = String(value);
		if (m[2] === 'content' && typeof value === 'string' && value.trim() !== '') entry.text = value;
		byIndex.set(n, entry);
	}
	return [...byIndex.entries()]
		.sort((a, b) => a[0] - b[0])
		.flatMap(([, e]) => (e.text !== undefined ? [{ id: e.id ?? null, text: e.text }] : []));
}

/**
 * `gen_ai.retrieval.documents` entries of one span that carry text (`text`, else `content`); when
 * any entry says whether it was `packed` into the prompt (Assay's Ask spans), only packed ones.
 */
function genAiContexts(attrs: Attributes): TraceContext[] {
	const docs = parseJson(attrs[CONTENT_ATTR.retrievalDocuments]);
	if (!Array.isArray(docs)) return [];
	const entries = docs.filter((d): d is Record<string, unknown> => !!d && typeof d === 'object');
	const packedKnown = entries.some((d) => typeof d.packed === 'boolean');
	return entries.flatMap((d) => {
		if (packedKnown && d.packed !== true) return [];
		const body = text(d.text) ?? text(d.content);
		if (body === null) return [];
		const id = typeof d.id === 'number' ? String(d.id) : text(d.id);
		return [{ id, text: body }];
	});
}

/**
 * The retrieved texts of a trace, in rank order, root first then by start time — what the
 * answer was grounded on. Per span: OpenInference `retrieval.documents.N.document.content`
 * (N ascending), else the `gen_ai.retrieval.documents` entries with text (Assay's Ask span keeps
 * only those packed into the prompt, so `[n]` citations number them). First occurrence of an id
 * wins; texts without an id are all kept. Documents recorded without text (Assay's root `assay.rag.documents`, the `[{id, score}]`
 * GenAI form, content capture off) give none: see {@link traceDocuments} for those.
 */
export function traceContexts(spans: readonly SpanRecord[]): TraceContext[] {
	const out: TraceContext[] = [];
	const seen = new Set<string>();
	for (const s of ordered(spans)) {
		const own = openInferenceContexts(s.attributes);
		for (const c of own.length > 0 ? own : genAiContexts(s.attributes)) {
			if (c.id !== null) {
				if (seen.has(c.id)) continue;
				seen.add(c.id);
			}
			out.push(c);
		}
	}
	return out;
}
