/**
 * Traces as the Traces page sees them: spans grouped by `traceId` into summaries (kind, name,
 * model, status, latency, tokens, feedback, scores), filters and text search over them, a waterfall layout of one
 * trace, content stripping (the per-workspace "capture content" choice) and the storage budget's
 * size estimate and oldest-first pruning choice. Pure functions: no storage, no DOM.
 *
 * Attribute names are OpenTelemetry GenAI semantic conventions (see `otlp/conventions.ts` for the
 * pinned commit); Assay's own use the `assay.` prefix.
 */
import type { Attributes, AttributeValue, SpanRecord } from './types.ts';
import { latestEvaluations, USER_FEEDBACK, type Evaluation } from './evaluation.ts';
import { DEFAULT_JUDGE_THRESHOLD, errorCode as spanErrorCode, feedbackRating, isFailingScore, normalisedScore } from './failures.ts';

/** Root-span attribute naming what a trace is. */
export const TRACE_KIND_ATTR = 'assay.trace.kind';

/** The kinds of trace Assay records, plus `imported` (from an OTLP file) and `other`. */
export const TRACE_KINDS = ['search', 'answer', 'agent', 'eval_case', 'import', 'imported', 'other'] as const;
export type TraceKind = (typeof TRACE_KINDS)[number];

/**
 * Attributes holding captured content (prompts, retrieved text, outputs, tool payloads, query
 * text): removed before storing when a workspace does not capture content.
 */
export const CONTENT_ATTRS: readonly string[] = [
	'gen_ai.input.messages',
	'gen_ai.output.messages',
	'gen_ai.system_instructions',
	'gen_ai.tool.call.arguments',
	'gen_ai.tool.call.result',
	'gen_ai.retrieval.documents',
	'gen_ai.retrieval.query.text',
	'gen_ai.prompt',
	'gen_ai.completion',
	'input.value',
	'output.value',
	// What Ask and the Agent keep on their root span for feedback and promotion (tracing/content.ts).
	'assay.rag.question',
	'assay.rag.answer',
	'assay.rag.documents',
	'assay.agent.task',
	'assay.agent.answer'
];

/** Attribute prefixes of content from other conventions (OpenLLMetry `gen_ai.prompt.0.content`, OpenInference `llm.input_messages.…`). */
const CONTENT_PREFIXES = ['gen_ai.prompt.', 'gen_ai.completion.', 'llm.input_messages.', 'llm.output_messages.', 'retrieval.documents.'];

/** Whether `key` holds captured content (see {@link CONTENT_ATTRS}). */
export function isContentAttribute(key: string): boolean {
	return CONTENT_ATTRS.includes(key) || CONTENT_PREFIXES.some((p) => key.startsWith(p));
}

/** The attribute whose entries keep their non-content fields when content is not captured. */
const RETRIEVAL_DOCUMENTS_ATTR = 'gen_ai.retrieval.documents';

/** Fields of a `gen_ai.retrieval.documents` entry that are not content: ids, ranks, scores, whether it was packed. */
const RETRIEVAL_DOCUMENT_NON_CONTENT = ['id', 'document', 'rank', 'score', 'scores', 'packed'] as const;

/**
 * A `gen_ai.retrieval.documents` value without content: each entry keeps only
 * {@link RETRIEVAL_DOCUMENT_NON_CONTENT} fields (string/number ids, finite numbers, booleans, and
 * `scores` as an object of finite numbers), so titles and texts go. `null` (attribute dropped)
 * when the value is not a JSON list or no entry keeps an id.
 */
export function redactRetrievalDocuments(value: AttributeValue): string | null {
	if (typeof value !== 'string') return null;
	let parsed: unknown;
	try {
		parsed = JSON.parse(value);
	} catch {
		return null;
	}
	if (!Array.isArray(parsed)) return null;
	const kept = parsed.flatMap((d: unknown) => {
		if (typeof d !== 'object' || d === null) return [];
		const o = d as Record<string, unknown>;
		if (typeof o.id !== 'string' && typeof o.id !== 'number') return [];
		const out: Record<string, unknown> = {};
		for (const key of RETRIEVAL_DOCUMENT_NON_CONTENT) {
			const v = o[key];
			if (key === 'id' || key === 'document') {
				if (typeof v === 'string' || typeof v === 'number') out[key] = v;
			} else if (key === 'scores') {
				if (typeof v === 'object' && v !== null && !Array.isArray(v))
					out[key] = Object.fromEntries(Object.entries(v).filter(([, n]) => typeof n === 'number' && Number.isFinite(n)));
			} else if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean') out[key] = v;
		}
		return [out];
	});
	return kept.length > 0 ? JSON.stringify(kept) : null;
}

/**
 * `spans` with content attributes removed (and events' content attributes too), marked
 * `assay.content.captured = false`; `spans` unchanged (same objects) when `capture` is true.
 * `gen_ai.retrieval.documents` is not removed but reduced to its entries' ids, ranks and scores
 * ({@link redactRetrievalDocuments}).
 */
export function applyContentCapture(spans: readonly SpanRecord[], capture: boolean): SpanRecord[] {
	if (capture) return [...spans];
	const strip = (attrs: Attributes): Attributes => {
		const out: Attributes = {};
		for (const [k, v] of Object.entries(attrs)) {
			if (k === RETRIEVAL_DOCUMENTS_ATTR) {
				const redacted = redactRetrievalDocuments(v);
				if (redacted !== null) out[k] = redacted;
			} else if (!isContentAttribute(k)) out[k] = v;
		}
		return out;
	};
	return spans.map((s) => ({
		...s,
		attributes: { ...strip(s.attributes), 'assay.content.captured': false },
		events: s.events.map((e) => (e.attributes ? { ...e, attributes: strip(e.attributes) } : e))
	}));
}

/** One row of the trace list. */
export interface TraceSummary {
	readonly traceId: string;
	readonly kind: TraceKind;
	/** The root span's name. */
	readonly name: string;
	/** `gen_ai.request.model` (or response model) of the first span naming one, or `null`. */
	readonly model: string | null;
	readonly status: 'ok' | 'error';
	/**
	 * Error code of the root span when it failed, else of the earliest failed span (failures.ts
	 * `errorCode`: `CODE` of a `CODE: message` status, else `error.type`, else `ERROR`); `null` when ok.
	 */
	readonly errorCode: string | null;
	readonly startTimeMs: number;
	/** Last end minus first start, milliseconds. */
	readonly latencyMs: number;
	/** Sum of input + output tokens over the trace's spans (`gen_ai.usage.*`). */
	readonly inputTokens: number;
	readonly outputTokens: number;
	readonly spanCount: number;
	/** Estimated stored size ({@link estimateSpanBytes} summed). */
	readonly bytes: number;
	/** The latest `user_feedback` on any of the trace's spans as a rating (failures.ts `feedbackRating`), or `null`. */
	readonly feedback: 'good' | 'bad' | null;
	/** Number of `gen_ai.evaluation.result` events other than `user_feedback` (checks, judges, imported scores). */
	readonly scoreCount: number;
	/** Lowest of those scores on a 0–1 scale (failures.ts `normalisedScore`); `null` when none has a value. */
	readonly lowestScore: number | null;
	/**
	 * Whether any of those scores failed (failures.ts `isFailingScore`, default judge threshold
	 * {@link DEFAULT_JUDGE_THRESHOLD}) or errored (carries `error.type`).
	 */
	readonly anyFailed: boolean;
}

/** Estimated stored size of a span: the length of its JSON text (UTF-16 code units ≈ bytes for ASCII). */
export function estimateSpanBytes(span: SpanRecord): number {
	return JSON.stringify(span).length;
}

function num(v: AttributeValue | undefined): number {
	return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** The root of a trace: the span without a parent inside the trace (earliest first), else the earliest span. */
export function rootSpan(spans: readonly SpanRecord[]): SpanRecord | undefined {
	const ids = new Set(spans.map((s) => s.spanId));
	const sorted = [...spans].sort((a, b) => a.startTimeMs - b.startTimeMs);
	return sorted.find((s) => s.parentSpanId === null || !ids.has(s.parentSpanId)) ?? sorted[0];
}

/** The kind a root span declares (`assay.trace.kind`), else inferred from its name; `other` when neither tells. */
export function traceKindOf(root: SpanRecord): TraceKind {
	const declared = root.attributes[TRACE_KIND_ATTR];
	if (typeof declared === 'string' && (TRACE_KINDS as readonly string[]).includes(declared)) return declared as TraceKind;
	const n = root.name;
	if (n === 'rag.answer') return 'answer';
	if (n.startsWith('invoke_agent')) return 'agent';
	if (n === 'search') return 'search';
	if (n === 'import' || n === 'import.resume') return 'import';
	return 'other';
}

/** Group spans by trace and summarize each; newest trace first. */
export function summarizeTraces(spans: readonly SpanRecord[]): TraceSummary[] {
	const byTrace = new Map<string, SpanRecord[]>();
	for (const s of spans) {
		const list = byTrace.get(s.traceId);
		if (list) list.push(s);
		else byTrace.set(s.traceId, [s]);
	}
	const out: TraceSummary[] = [];
	for (const [traceId, list] of byTrace) out.push(summarizeTrace(traceId, list));
	return out.sort((a, b) => b.startTimeMs - a.startTimeMs);
}

/** Summary of one trace's spans (non-empty). */
export function summarizeTrace(traceId: string, spans: readonly SpanRecord[]): TraceSummary {
	const root = rootSpan(spans)!;
	let start = Infinity;
	let end = -Infinity;
	let inputTokens = 0;
	let outputTokens = 0;
	let bytes = 0;
	let model: string | null = null;
	let failed: SpanRecord | undefined;
	let latestFeedback: Evaluation | null = null;
	let scoreCount = 0;
	let lowestScore: number | null = null;
	let anyFailed = false;
	for (const s of spans) {
		start = Math.min(start, s.startTimeMs);
		end = Math.max(end, s.endTimeMs);
		inputTokens += num(s.attributes['gen_ai.usage.input_tokens']);
		outputTokens += num(s.attributes['gen_ai.usage.output_tokens']);
		bytes += estimateSpanBytes(s);
		const m = s.attributes['gen_ai.request.model'] ?? s.attributes['gen_ai.response.model'];
		if (model === null && typeof m === 'string' && m !== '') model = m;
		if (s.status === 'error' && (!failed || s.startTimeMs < failed.startTimeMs)) failed = s;
		// The latest evaluation of each name: a regrade replaces the scores it supersedes.
		for (const e of latestEvaluations(s)) {
			if (e.name === USER_FEEDBACK) {
				if (!latestFeedback || e.timeMs >= latestFeedback.timeMs) latestFeedback = e;
				continue;
			}
			scoreCount += 1;
			const value = normalisedScore(e);
			if (value !== null && (lowestScore === null || value < lowestScore)) lowestScore = value;
			if (e.errorType !== null || isFailingScore(e, DEFAULT_JUDGE_THRESHOLD)) anyFailed = true;
		}
	}
	const errored = root.status === 'error' ? root : failed;
	const status = errored ? 'error' : 'ok';
	return {
		traceId,
		kind: traceKindOf(root),
		name: root.name,
		model,
		status,
		errorCode: errored ? spanErrorCode(errored) : null,
		startTimeMs: start,
		latencyMs: end - start,
		inputTokens,
		outputTokens,
		spanCount: spans.length,
		bytes,
		feedback: latestFeedback ? feedbackRating(latestFeedback) : null,
		scoreCount,
		lowestScore,
		anyFailed
	};
}

/** The feedback filter: `good` (👍), `bad` (👎), `none` (no feedback); absent or `null` = any. */
export type FeedbackFilter = 'good' | 'bad' | 'none';

/** The score filter: `scored` (at least one score), `failed` ({@link TraceSummary.anyFailed}); absent or `null` = any. */
export type ScoreFilter = 'scored' | 'failed';

/** Filters of the trace list; every field optional (absent = no constraint); a trace must pass all (AND). */
export interface TraceFilter {
	readonly kind?: TraceKind | null;
	readonly model?: string | null;
	readonly status?: 'ok' | 'error' | null;
	/** Only traces with this error code. */
	readonly errorCode?: string | null;
	readonly minLatencyMs?: number | null;
	readonly minTokens?: number | null;
	/** Epoch ms bounds of the trace's start (inclusive). */
	readonly fromMs?: number | null;
	readonly toMs?: number | null;
	readonly feedback?: FeedbackFilter | null;
	readonly scores?: ScoreFilter | null;
	/** Only traces whose {@link TraceSummary.lowestScore} (0–1) is at most this; unscored traces drop out. */
	readonly maxLowestScore?: number | null;
	/** Case-insensitive text matched against span names and attribute keys and values. */
	readonly text?: string | null;
}

/** Lower-cased searchable text of spans: names, status messages, attribute keys and values, event names. */
export function searchableText(spans: readonly SpanRecord[]): string {
	const parts: string[] = [];
	for (const s of spans) {
		parts.push(s.name, s.statusMessage ?? '');
		for (const [k, v] of Object.entries(s.attributes)) parts.push(k, Array.isArray(v) ? v.join(' ') : String(v));
		for (const e of s.events) parts.push(e.name);
	}
	return parts.join('\n').toLowerCase();
}

/**
 * The summaries matching `filter`, in their order. `textOf(traceId)` gives the trace's
 * {@link searchableText} (only asked when `filter.text` is set).
 */
export function filterTraces(traces: readonly TraceSummary[], filter: TraceFilter, textOf?: (traceId: string) => string): TraceSummary[] {
	const text = filter.text?.trim().toLowerCase() ?? '';
	return traces.filter((t) => {
		if (filter.kind && t.kind !== filter.kind) return false;
		if (filter.model && t.model !== filter.model) return false;
		if (filter.status && t.status !== filter.status) return false;
		if (filter.errorCode && t.errorCode !== filter.errorCode) return false;
		if (filter.minLatencyMs != null && t.latencyMs < filter.minLatencyMs) return false;
		if (filter.minTokens != null && t.inputTokens + t.outputTokens < filter.minTokens) return false;
		if (filter.fromMs != null && t.startTimeMs < filter.fromMs) return false;
		if (filter.toMs != null && t.startTimeMs > filter.toMs) return false;
		if (filter.feedback && (filter.feedback === 'none' ? t.feedback !== null : t.feedback !== filter.feedback)) return false;
		if (filter.scores === 'scored' && t.scoreCount === 0) return false;
		if (filter.scores === 'failed' && !t.anyFailed) return false;
		if (filter.maxLowestScore != null && (t.lowestScore === null || t.lowestScore > filter.maxLowestScore)) return false;
		if (text !== '') {
			const hay = textOf ? textOf(t.traceId) : `${t.name} ${t.model ?? ''}`.toLowerCase();
			if (!hay.includes(text)) return false;
		}
		return true;
	});
}

/** One bar of a waterfall. */
export interface WaterfallRow {
	readonly span: SpanRecord;
	/** Nesting depth (root 0). */
	readonly depth: number;
	/** Bar start and width as fractions (0–1) of the trace's duration. */
	readonly offset: number;
	readonly width: number;
}

/**
 * Waterfall layout: spans in depth-first order (children by start time under their parent),
 * each with its depth and its bar's offset/width relative to the trace's span of time. Spans
 * whose parent is missing are treated as roots; cycles cannot loop (each span is placed once).
 */
export function waterfall(spans: readonly SpanRecord[]): WaterfallRow[] {
	if (spans.length === 0) return [];
	const start = Math.min(...spans.map((s) => s.startTimeMs));
	const end = Math.max(...spans.map((s) => s.endTimeMs));
	const total = end - start;
	const ids = new Set(spans.map((s) => s.spanId));
	const children = new Map<string | null, SpanRecord[]>();
	for (const s of spans) {
		const parent = s.parentSpanId !== null && ids.has(s.parentSpanId) && s.parentSpanId !== s.spanId ? s.parentSpanId : null;
		const list = children.get(parent);
		if (list) list.push(s);
		else children.set(parent, [s]);
	}
	for (const list of children.values()) list.sort((a, b) => a.startTimeMs - b.startTimeMs);
	const rows: WaterfallRow[] = [];
	const placed = new Set<string>();
	const visit = (s: SpanRecord, depth: number): void => {
		if (placed.has(s.spanId)) return;
		placed.add(s.spanId);
		rows.push({
			span: s,
			depth,
			offset: total > 0 ? (s.startTimeMs - start) / total : 0,
			width: total > 0 ? Math.max(0, s.endTimeMs - s.startTimeMs) / total : 1
		});
		for (const c of children.get(s.spanId) ?? []) visit(c, depth + 1);
	};
	for (const r of children.get(null) ?? []) visit(r, 0);
	// Spans only reachable through a cycle: shown at the top level.
	for (const s of spans) visit(s, 0);
	return rows;
}

/**
 * Which traces to delete so the stored traces fit `budgetBytes`: oldest first (by start time),
 * whole traces only. `traces` carry their `bytes`; returns trace ids, oldest first.
 */
export function tracesToPrune(traces: readonly Pick<TraceSummary, 'traceId' | 'startTimeMs' | 'bytes'>[], budgetBytes: number): string[] {
	let total = traces.reduce((sum, t) => sum + t.bytes, 0);
	const out: string[] = [];
	for (const t of [...traces].sort((a, b) => a.startTimeMs - b.startTimeMs)) {
		if (total <= budgetBytes) break;
		out.push(t.traceId);
		total -= t.bytes;
	}
	return out;
}

/** A parsed JSON attribute (content attributes are JSON text), or `null` when absent or not JSON. */
export function jsonAttribute(attrs: Attributes, key: string): unknown {
	const v = attrs[key];
	if (typeof v !== 'string') return null;
	try {
		return JSON.parse(v) as unknown;
	} catch {
		return null;
	}
}

/** A retrieved chunk shown in a span's detail. */
export interface RetrievedDoc {
	readonly id: string;
	readonly score: number | null;
	readonly title: string | null;
	readonly text: string | null;
	/** 1-based rank when the entry names one (search spans), else `null`. */
	readonly rank: number | null;
	/** Per-stage scores (`bm25`, `vector`, `fused`, `rerank`) when the entry has them (search spans), in that order; `[]` otherwise. */
	readonly scores: readonly { readonly stage: string; readonly score: number }[];
}

/** Order of per-stage scores in a span's detail; other stage names follow in their own order. */
const STAGE_ORDER = ['bm25', 'vector', 'fused', 'rerank'];

/** The retrieved documents of a span (`gen_ai.retrieval.documents`: `[{id, score, rank?, scores?, …}]`), `[]` when none. */
export function retrievedDocuments(attrs: Attributes): RetrievedDoc[] {
	const parsed = jsonAttribute(attrs, 'gen_ai.retrieval.documents');
	if (!Array.isArray(parsed)) return [];
	return parsed.flatMap((d: unknown) => {
		if (typeof d !== 'object' || d === null) return [];
		const o = d as Record<string, unknown>;
		const rawScores =
			typeof o.scores === 'object' && o.scores !== null && !Array.isArray(o.scores) ? (o.scores as Record<string, unknown>) : {};
		const scores = Object.entries(rawScores)
			.filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1]))
			.map(([stage, score]) => ({ stage, score }))
			.sort((a, b) => stageOrder(a.stage) - stageOrder(b.stage));
		return [
			{
				id: String(o.id ?? ''),
				score: typeof o.score === 'number' ? o.score : null,
				title: typeof o.title === 'string' ? o.title : null,
				text: typeof o.text === 'string' ? o.text : typeof o.content === 'string' ? o.content : null,
				rank: typeof o.rank === 'number' && Number.isFinite(o.rank) ? o.rank : null,
				scores
			}
		];
	});
}

function stageOrder(stage: string): number {
	const i = STAGE_ORDER.indexOf(stage);
	return i === -1 ? STAGE_ORDER.length : i;
}

/** One message of a rendered prompt or output. */
export interface ShownMessage {
	readonly role: string;
	readonly text: string;
}

/**
 * Messages of `gen_ai.input.messages` / `gen_ai.output.messages` (`[{role, parts:[{type:'text', content}]}]`,
 * or `{role, content}`), flattened to text; `[]` when absent.
 */
export function messagesOf(attrs: Attributes, key: 'gen_ai.input.messages' | 'gen_ai.output.messages'): ShownMessage[] {
	const parsed = jsonAttribute(attrs, key);
	if (!Array.isArray(parsed)) return typeof attrs[key] === 'string' ? [{ role: '', text: attrs[key] as string }] : [];
	return parsed.flatMap((m: unknown) => {
		if (typeof m !== 'object' || m === null) return [];
		const o = m as Record<string, unknown>;
		const role = typeof o.role === 'string' ? o.role : '';
		if (typeof o.content === 'string') return [{ role, text: o.content }];
		if (Array.isArray(o.parts)) {
			const text = o.parts
				.map((p: unknown) => {
					const part = p as Record<string, unknown> | null;
					if (!part) return '';
					if (typeof part.content === 'string') return part.content;
					if (part.type === 'tool_call') return `tool_call ${String(part.name ?? '')}(${JSON.stringify(part.arguments ?? {})})`;
					return JSON.stringify(part);
				})
				.join('\n');
			return [{ role, text }];
		}
		return [{ role, text: JSON.stringify(o) }];
	});
}

/**
 * Imported spans with `assay.trace.kind = imported` on each trace's root span (the other spans
 * unchanged), keeping the kind the file's own app declared in `assay.trace.source_kind`.
 */
export function markImported(spans: readonly SpanRecord[]): SpanRecord[] {
	const byTrace = new Map<string, SpanRecord[]>();
	for (const s of spans) byTrace.set(s.traceId, [...(byTrace.get(s.traceId) ?? []), s]);
	const roots = new Set<SpanRecord>();
	for (const list of byTrace.values()) {
		const root = rootSpan(list);
		if (root) roots.add(root);
	}
	return spans.map((s) => {
		if (!roots.has(s)) return s;
		const own = s.attributes[TRACE_KIND_ATTR];
		return {
			...s,
			attributes: {
				...s.attributes,
				...(typeof own === 'string' && own !== 'imported' ? { 'assay.trace.source_kind': own } : {}),
				[TRACE_KIND_ATTR]: 'imported'
			}
		};
	});
}

/** {@link searchableText} of every trace in `spans`, by trace id. */
export function textIndex(spans: readonly SpanRecord[]): Map<string, string> {
	const byTrace = new Map<string, SpanRecord[]>();
	for (const s of spans) {
		const list = byTrace.get(s.traceId);
		if (list) list.push(s);
		else byTrace.set(s.traceId, [s]);
	}
	return new Map([...byTrace].map(([id, list]) => [id, searchableText(list)]));
}

/** The distinct models of `traces`, sorted. */
export function modelsOf(traces: readonly TraceSummary[]): string[] {
	return [...new Set(traces.flatMap((t) => (t.model ? [t.model] : [])))].sort();
}

/** The distinct error codes of `traces`, sorted. */
export function errorCodesOf(traces: readonly TraceSummary[]): string[] {
	return [...new Set(traces.flatMap((t) => (t.errorCode ? [t.errorCode] : [])))].sort();
}

/** The spans of the traces in `traceIds`, in their order in `spans`. */
export function spansOfTraces(spans: readonly SpanRecord[], traceIds: readonly string[]): SpanRecord[] {
	const ids = new Set(traceIds);
	return spans.filter((s) => ids.has(s.traceId));
}

/** Number of distinct traces in `spans`. */
export function traceCount(spans: readonly SpanRecord[]): number {
	return new Set(spans.map((s) => s.traceId)).size;
}
