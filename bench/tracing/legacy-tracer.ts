/**
 * The tracer as it was before bench/tracing found its hot spots (commit 913d2f7), kept verbatim
 * so the bench can time it beside the current one in the same run. Bench-only; not shipped.
 */
import type { Attributes, AttributeValue, Span, SpanEvent, SpanRecord, SpanSink, Tracer } from '../../src/lib/tracing/types.ts';
import { defaultClock, type Clock } from '../../src/lib/tracing/tracer.ts';
/** Random 16-hex-character span id / 32-hex-character trace id (W3C trace-context sizes). */
function randomHex(bytes: number): string {
	const buf = new Uint8Array(bytes);
	crypto.getRandomValues(buf);
	return Array.from(buf, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Tracer that hands each finished span to every sink. */
export class LegacyBasicTracer implements Tracer {
	constructor(
		private readonly sinks: readonly SpanSink[],
		private readonly clock: Clock = defaultClock
	) {}

	startSpan(name: string, options?: { parent?: Span; attributes?: Attributes }): Span {
		const parent = options?.parent;
		return new LiveSpan(name, parent?.traceId ?? randomHex(16), parent?.spanId ?? null, { ...options?.attributes }, this.sinks, this.clock);
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
