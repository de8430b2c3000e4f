/**
 * The real OTLP protobuf definitions, for tests: the protobufjs static build of opentelemetry-proto that
 * the dev dependency `@opentelemetry/otlp-transformer@0.57.2` ships (`build/src/generated/root.js`, the
 * CommonJS twin of `build/esm/generated/root.js`), message
 * `opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest`.
 *
 * OTLP/JSON differs from protobuf's generic JSON mapping only in ids: `traceId`/`spanId`/`parentSpanId`
 * are hex, not base64 (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding). So OTLP/JSON
 * goes in with those fields as bytes, and comes out of `toObject({longs: String, enums: Number, bytes: String})`
 * with the base64 turned back to hex.
 */

import { createRequire } from 'node:module';

interface ProtoType {
	verify(message: unknown): string | null;
	fromObject(object: unknown): unknown;
	encode(message: unknown): { finish(): Uint8Array };
	decode(bytes: Uint8Array): unknown;
	toObject(message: unknown, options: Record<string, unknown>): Record<string, unknown>;
}

const require = createRequire(import.meta.url);
const root = require('@opentelemetry/otlp-transformer/build/src/generated/root.js') as {
	opentelemetry: { proto: { collector: { trace: { v1: { ExportTraceServiceRequest: ProtoType } } } } };
};
/** `ExportTraceServiceRequest` of opentelemetry-proto. */
export const ExportTraceServiceRequest = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

const ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);

/** A deep copy of `value` with every id field passed through `f`. */
function mapIds(value: unknown, f: (id: string) => unknown): unknown {
	if (Array.isArray(value)) return value.map((v) => mapIds(v, f));
	if (value !== null && typeof value === 'object')
		return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, ID_FIELDS.has(k) && typeof v === 'string' ? f(v) : mapIds(v, f)]));
	return value;
}

/** OTLP/JSON (hex ids) → the object protobufjs takes (ids as bytes). */
export const otlpJsonToProtoObject = (json: unknown): unknown => mapIds(json, (hex) => Uint8Array.from(Buffer.from(hex, 'hex')));

/** Decode protobuf bytes to OTLP/JSON (hex ids, int64 as decimal strings, enums as integers). */
export function otlpDecode(bytes: Uint8Array): Record<string, unknown> {
	const object = ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.decode(bytes), {
		longs: String,
		enums: Number,
		bytes: String
	});
	return mapIds(object, (b64) => Buffer.from(b64, 'base64').toString('hex')) as Record<string, unknown>;
}

/**
 * `json` through `fromObject` → `verify` (of the message: int64 are Longs there) → `encode` → `decode` → back to OTLP/JSON.
 */
export function otlpRoundTrip(json: unknown): {
	verify: string | null;
	bytes: number;
	encoded: Uint8Array;
	decoded: Record<string, unknown>;
} {
	const message = ExportTraceServiceRequest.fromObject(otlpJsonToProtoObject(json));
	const verify = ExportTraceServiceRequest.verify(message);
	const encoded = ExportTraceServiceRequest.encode(message).finish();
	return { verify, bytes: encoded.length, encoded, decoded: otlpDecode(encoded) };
}
