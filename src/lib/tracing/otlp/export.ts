/**
 * `SpanRecord`s → an OTLP/JSON `ExportTraceServiceRequest` (types.ts), the body a collector takes at
 * `POST /v1/traces` with `Content-Type: application/json`. Encoding pinned to the OTLP specification's
 * JSON Protobuf Encoding (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding) and the
 * messages of opentelemetry-proto (checked against its protobufjs build in
 * tests/integration/tracing/otlp-proto.test.ts). Attribute names are kept as recorded: Assay's spans use
 * the GenAI semantic conventions pinned at v1.41.0 (`agents/spans.ts`) and `assay.*` for its own.
 */

import type { AttributeValue, Attributes, SpanRecord } from '../types.ts';
import { toOtlpId } from './ids.ts';
import { msToUnixNano } from './time.ts';
import type { OtlpAnyValue, OtlpKeyValue, OtlpSpan, OtlpSpanKind, OtlpTraceRequest } from './types.ts';

/** The resource every span comes from: `service.name` (required by the resource conventions), `service.version`, more attributes. */
export interface OtlpResourceInput {
	readonly serviceName: string;
	readonly serviceVersion?: string;
	readonly attributes?: Attributes;
}

/** The instrumentation scope (the code that recorded the spans), e.g. `{name: 'assay', version: '0.1.0'}`. */
export interface OtlpScopeInput {
	readonly name: string;
	readonly version: string;
}

/**
 * Explicit span kind: a span whose attributes have `assay.span.kind` (`internal` | `server` | `client` |
 * `producer` | `consumer`) is exported with that kind. The attribute is kept on the span too, so an
 * import gives the same attributes back.
 */
export const SPAN_KIND_ATTR = 'assay.span.kind';

/** `Span.SpanKind` by name (opentelemetry-proto `trace.proto`). */
export const SPAN_KIND = { unspecified: 0, internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

/** `gen_ai.provider.name` values of engines that run in the page or process (no remote call): INTERNAL, not CLIENT. */
export const IN_PROCESS_PROVIDERS: ReadonlySet<string> = new Set(['webllm', 'transformers.js', 'scripted', 'none']);

/**
 * The OTLP kind of a span: `assay.span.kind` when set; else CLIENT (3) when `gen_ai.provider.name` names a
 * remote engine (the GenAI spans are CLIENT for a remote model, INTERNAL for an in-process one —
 * gen-ai-spans.md v1.41.0); else INTERNAL (1).
 */
export function spanKindOf(attributes: Attributes): OtlpSpanKind {
	const explicit = attributes[SPAN_KIND_ATTR];
	if (typeof explicit === 'string' && explicit in SPAN_KIND) return SPAN_KIND[explicit as keyof typeof SPAN_KIND];
	const provider = attributes['gen_ai.provider.name'];
	if (typeof provider === 'string' && provider !== '' && !IN_PROCESS_PROVIDERS.has(provider)) return SPAN_KIND.client;
	return SPAN_KIND.internal;
}

function scalar(value: string | number | boolean): OtlpAnyValue {
	if (typeof value === 'string') return { stringValue: value };
	if (typeof value === 'boolean') return { boolValue: value };
	if (Number.isSafeInteger(value)) return { intValue: String(value) };
	if (Number.isNaN(value)) return { doubleValue: 'NaN' };
	if (!Number.isFinite(value)) return { doubleValue: value > 0 ? 'Infinity' : '-Infinity' };
	// Integers beyond 2^53 are not exact ints any more: doubles. -0 is a double too (intValue would lose the sign).
	return { doubleValue: value };
}

/**
 * An attribute value as `AnyValue`: strings `stringValue`, booleans `boolValue`, safe integers `intValue`
 * (decimal string, int64 in JSON), other numbers `doubleValue`, arrays `arrayValue.values` (left out when empty).
 */
export function toAnyValue(value: AttributeValue): OtlpAnyValue {
	if (Array.isArray(value)) {
		const values = (value as readonly (string | number)[]).map(scalar);
		return { arrayValue: values.length > 0 ? { values } : {} };
	}
	return scalar(value as string | number | boolean);
}

/** Attributes as `KeyValue`s, in the record's key order. */
export function toKeyValues(attributes: Attributes): OtlpKeyValue[] {
	return Object.entries(attributes).map(([key, value]) => ({ key, value: toAnyValue(value) }));
}

/** One span. Ids by `toOtlpId` (ids.ts); `status` OK (1) or ERROR (2) with `statusMessage`. */
export function toOtlpSpan(span: SpanRecord): OtlpSpan {
	const attributes = toKeyValues(span.attributes);
	return {
		traceId: toOtlpId(span.traceId, 16),
		spanId: toOtlpId(span.spanId, 8),
		...(span.parentSpanId !== null && span.parentSpanId !== '' ? { parentSpanId: toOtlpId(span.parentSpanId, 8) } : {}),
		name: span.name,
		kind: spanKindOf(span.attributes),
		startTimeUnixNano: msToUnixNano(span.startTimeMs),
		endTimeUnixNano: msToUnixNano(span.endTimeMs),
		...(attributes.length > 0 ? { attributes } : {}),
		...(span.events.length > 0
			? {
					events: span.events.map((e) => {
						const ea = e.attributes ? toKeyValues(e.attributes) : [];
						return { timeUnixNano: msToUnixNano(e.timeMs), name: e.name, ...(ea.length > 0 ? { attributes: ea } : {}) };
					})
				}
			: {}),
		status: span.status === 'error' ? { code: 2, ...(span.statusMessage ? { message: span.statusMessage } : {}) } : { code: 1 }
	};
}

/**
 * `spans` as one `ExportTraceServiceRequest`: one `resourceSpans` (resource `service.name`,
 * `service.version`, then `resource.attributes`) with one `scopeSpans` (`scope`), spans in the given order.
 * @throws AssayError `INTERNAL` for a span with a negative or non-finite time.
 */
export function toOtlpJson(spans: readonly SpanRecord[], resource: OtlpResourceInput, scope: OtlpScopeInput): OtlpTraceRequest {
	const resourceAttributes: Attributes = {
		'service.name': resource.serviceName,
		...(resource.serviceVersion !== undefined ? { 'service.version': resource.serviceVersion } : {}),
		...resource.attributes
	};
	return {
		resourceSpans: [
			{
				resource: { attributes: toKeyValues(resourceAttributes) },
				scopeSpans: [{ scope: { name: scope.name, ...(scope.version ? { version: scope.version } : {}) }, spans: spans.map(toOtlpSpan) }]
			}
		]
	};
}
