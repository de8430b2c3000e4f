/**
 * Spans and the Tracer port. A span is one timed stage (import, chunking, indexing, search…)
 * with attributes and events; spans form a tree through `parentSpanId` and share a `traceId`.
 * Attribute names follow OpenTelemetry semantic conventions where one exists
 * (`gen_ai.*` for model calls); Assay's own use the `assay.` prefix.
 */

/** An attribute value: OpenTelemetry allows primitives and homogeneous arrays. */
export type AttributeValue = string | number | boolean | string[] | number[];

/** Attributes keyed by dotted name. */
export type Attributes = Record<string, AttributeValue>;

/** A point-in-time event inside a span. `timeMs` is epoch milliseconds. */
export interface SpanEvent {
	readonly name: string;
	readonly timeMs: number;
	readonly attributes?: Attributes;
}

/** A finished span, as stored and exported. Times are epoch milliseconds (fractional). */
export interface SpanRecord {
	readonly traceId: string;
	readonly spanId: string;
	readonly parentSpanId: string | null;
	readonly name: string;
	readonly startTimeMs: number;
	readonly endTimeMs: number;
	/** `endTimeMs - startTimeMs`, milliseconds. */
	readonly durationMs: number;
	readonly status: 'ok' | 'error';
	/** Error code and message when `status` is `error`. */
	readonly statusMessage?: string;
	readonly attributes: Attributes;
	readonly events: readonly SpanEvent[];
}

/** A span in progress. `end()` is idempotent: only the first call records it. */
export interface Span {
	readonly traceId: string;
	readonly spanId: string;
	setAttribute(key: string, value: AttributeValue): void;
	setAttributes(attributes: Attributes): void;
	addEvent(name: string, attributes?: Attributes): void;
	/** Mark the span failed with a message (usually `CODE: message`). */
	setError(message: string): void;
	end(): void;
}

/** Receives finished spans (memory, IndexedDB, console…). */
export interface SpanSink {
	export(span: SpanRecord): void;
}

/** The tracing port: creates spans; `parent` nests a span under another. */
export interface Tracer {
	startSpan(name: string, options?: { parent?: Span; attributes?: Attributes }): Span;
}
