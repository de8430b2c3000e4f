/**
 * OTLP/JSON trace types: the JSON encoding of `opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest`
 * as the OTLP specification defines it (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding,
 * opentelemetry-proto v1.x `trace/v1/trace.proto`, `common/v1/common.proto`): lowerCamelCase field names,
 * `traceId`/`spanId`/`parentSpanId` as lowercase hex (not base64), enums as integers, 64-bit integers
 * (`*UnixNano`, `intValue`) as decimal strings. Fields at their default (empty string, 0, empty list)
 * are left out, as proto3 JSON allows, so an export decodes and re-encodes to the same object.
 */

/** `AnyValue`: exactly one of the fields. `intValue` is an int64 as a decimal string (numbers are accepted on import). */
export type OtlpAnyValue =
	| { readonly stringValue: string }
	| { readonly boolValue: boolean }
	| { readonly intValue: string }
	/** A double; proto3 JSON writes NaN and ±Infinity as the strings `"NaN"`, `"Infinity"`, `"-Infinity"`. */
	| { readonly doubleValue: number | 'NaN' | 'Infinity' | '-Infinity' }
	/** `values` is left out when the array is empty. */
	| { readonly arrayValue: { readonly values?: readonly OtlpAnyValue[] } };

/** `KeyValue`. */
export interface OtlpKeyValue {
	readonly key: string;
	readonly value: OtlpAnyValue;
}

/** `Span.Event`. `timeUnixNano`: integer nanoseconds since the Unix epoch, decimal string. */
export interface OtlpEvent {
	readonly timeUnixNano: string;
	readonly name: string;
	readonly attributes?: readonly OtlpKeyValue[];
}

/** `Status`: `code` 0 UNSET, 1 OK, 2 ERROR; `message` only for errors. */
export interface OtlpStatus {
	readonly code?: 0 | 1 | 2;
	readonly message?: string;
}

/** `Span.SpanKind`: 0 UNSPECIFIED, 1 INTERNAL, 2 SERVER, 3 CLIENT, 4 PRODUCER, 5 CONSUMER. */
export type OtlpSpanKind = 0 | 1 | 2 | 3 | 4 | 5;

/** `Span`. Ids are lowercase hex: `traceId` 32 characters (16 bytes), `spanId`/`parentSpanId` 16 (8 bytes); a root has no `parentSpanId`. */
export interface OtlpSpan {
	readonly traceId: string;
	readonly spanId: string;
	readonly parentSpanId?: string;
	readonly name: string;
	readonly kind: OtlpSpanKind;
	readonly startTimeUnixNano: string;
	readonly endTimeUnixNano: string;
	readonly attributes?: readonly OtlpKeyValue[];
	readonly events?: readonly OtlpEvent[];
	readonly status?: OtlpStatus;
}

/** `InstrumentationScope`. */
export interface OtlpScope {
	readonly name: string;
	readonly version?: string;
}

/** `ScopeSpans`. */
export interface OtlpScopeSpans {
	readonly scope: OtlpScope;
	readonly spans: readonly OtlpSpan[];
}

/** `Resource`: `service.name` etc. as attributes. */
export interface OtlpResource {
	readonly attributes?: readonly OtlpKeyValue[];
}

/** `ResourceSpans`. */
export interface OtlpResourceSpans {
	readonly resource: OtlpResource;
	readonly scopeSpans: readonly OtlpScopeSpans[];
}

/** `ExportTraceServiceRequest`, the body of `POST /v1/traces` with `Content-Type: application/json`. */
export interface OtlpTraceRequest {
	readonly resourceSpans: readonly OtlpResourceSpans[];
}
