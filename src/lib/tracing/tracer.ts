import type { Attributes, AttributeValue, Span, SpanEvent, SpanRecord, SpanSink, Tracer } from './types.ts';
import { AssayError } from '../shared/errors.ts';

/** A clock returning epoch milliseconds; injectable for deterministic tests. */
export type Clock = () => number;

/** Default clock: `performance.timeOrigin + performance.now()` (sub-millisecond, monotonic within a realm). */
export const defaultClock: Clock = () => performance.timeOrigin + performance.now();

/**
 * Random bytes for ids, drawn from `crypto.getRandomValues` a pool at a time: one call per
 * 170 spans instead of two per span (in Node each call costs microseconds, which was most of a
 * span's cost; see bench/tracing).
 */
const RANDOM_POOL_BYTES = 4096;
const randomPool = new Uint8Array(RANDOM_POOL_BYTES);
let randomPoolOffset = RANDOM_POOL_BYTES;
/** Two lowercase hex digits per byte value. */
const HEX_BYTE = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** Random 16-hex-character span id / 32-hex-character trace id (W3C trace-context sizes). */
function randomHex(bytes: number): string {
	if (randomPoolOffset + bytes > RANDOM_POOL_BYTES) {
		crypto.getRandomValues(randomPool);
		randomPoolOffset = 0;
	}
	let hex = '';
	for (let i = 0; i < bytes; i++) hex += HEX_BYTE[randomPool[randomPoolOffset + i] as number];
	randomPoolOffset += bytes;
	return hex;
}

/** Tracer that hands each finished span to every sink. */
export class BasicTracer implements Tracer {
	constructor(
		private readonly sinks: readonly SpanSink[],
		private readonly clock: Clock = defaultClock
	) {}

	startSpan(name: string, options?: { parent?: Span; attributes?: Attributes }): Span {
		const parent = options?.parent;
		// Object.assign, not `{ ...attributes }`: V8 gives a spread copy a map whose later
		// additions (setAttribute/setAttributes) take a slow path, ≈ 8 µs a span (bench/tracing).
		const attributes: Attributes = Object.assign({}, options?.attributes);
		return new LiveSpan(name, parent?.traceId ?? randomHex(16), parent?.spanId ?? null, attributes, this.sinks, this.clock);
	}
}

class LiveSpan implements Span {
	readonly spanId = randomHex(8);
	private readonly startTimeMs: number;
	private readonly events: SpanEvent[] = [];
	private status: 'ok' | 'error' = 'ok';
	private statusMessage: string | undefined;
	private ended = false;

	constructor(
		private readonly name: string,
		readonly traceId: string,
		private readonly parentSpanId: string | null,
		private readonly attributes: Attributes,
		private readonly sinks: readonly SpanSink[],
		private readonly clock: Clock
	) {
		this.startTimeMs = clock();
	}

	setAttribute(key: string, value: AttributeValue): void {
		this.attributes[key] = value;
	}

	setAttributes(attributes: Attributes): void {
		Object.assign(this.attributes, attributes);
	}

	addEvent(name: string, attributes?: Attributes): void {
		this.events.push({ name, timeMs: this.clock(), ...(attributes ? { attributes } : {}) });
	}

	setError(message: string): void {
		this.status = 'error';
		this.statusMessage = message;
	}

	end(): void {
		if (this.ended) return;
		this.ended = true;
		const endTimeMs = this.clock();
		const record: SpanRecord = {
			traceId: this.traceId,
			spanId: this.spanId,
			parentSpanId: this.parentSpanId,
			name: this.name,
			startTimeMs: this.startTimeMs,
			endTimeMs,
			durationMs: endTimeMs - this.startTimeMs,
			status: this.status,
			...(this.statusMessage !== undefined ? { statusMessage: this.statusMessage } : {}),
			attributes: { ...this.attributes },
			events: [...this.events]
		};
		for (const sink of this.sinks) sink.export(record);
	}
}

/** Sink that keeps spans in memory (tests, and the app's recent-trace view). */
export class InMemorySpanSink implements SpanSink {
	readonly spans: SpanRecord[] = [];
	export(span: SpanRecord): void {
		this.spans.push(span);
	}
}

/** Tracer that records nothing (when tracing is not wanted, e.g. benchmarks). */
export const noopTracer: Tracer = new BasicTracer([]);

/**
 * Run `fn` inside a span named `name`: the span ends when `fn` settles, and a thrown error
 * marks it `error` with `CODE: message` before being rethrown unchanged.
 */
export async function withSpan<T>(
	tracer: Tracer,
	name: string,
	options: { parent?: Span; attributes?: Attributes },
	fn: (span: Span) => Promise<T> | T
): Promise<T> {
	const span = tracer.startSpan(name, options);
	try {
		return await fn(span);
	} catch (error) {
		span.setError(error instanceof AssayError ? `${error.code}: ${error.message}` : String(error));
		throw error;
	} finally {
		span.end();
	}
}
