/**
 * OTLP/JSON `ExportTraceServiceRequest` → `SpanRecord`s, tolerant: every span is checked on its own
 * (zod), a malformed one is reported with its path and left out, the rest are imported; a bad
 * attribute is reported and the span imported without it (or with a lossless stand-in, said so).
 * Nothing is dropped without an error item. Accepted as the OTLP/JSON encoding allows
 * (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding, proto3 JSON): int64 as a decimal
 * string or a JSON number, doubles as numbers or "NaN"/"Infinity"/"-Infinity", enums as integers.
 * Ids must be hex (the OTLP/JSON rule); base64 ids (protobuf's generic JSON mapping) are reported as
 * such. Attributes of OpenInference and OpenLLMetry are mapped onto GenAI v1.41.0 (conventions.ts),
 * the originals kept.
 */

import { z } from '../../shared/zod.ts';
import type { AttributeValue, Attributes, SpanEvent, SpanRecord } from '../types.ts';
import { mapToGenAi } from './conventions.ts';
import { SPAN_KIND, SPAN_KIND_ATTR, spanKindOf } from './export.ts';
import { isOtlpHexId, looksBase64Id } from './ids.ts';
import { unixNanoToMs } from './time.ts';

/** One problem of an import: where (`resourceSpans[0].scopeSpans[0].spans[3].traceId`) and what. */
export interface OtlpImportError {
	readonly path: string;
	readonly message: string;
}

/** A resource of the request and the scopes under it, in file order. */
export interface OtlpImportedResource {
	readonly attributes: Attributes;
	readonly scopes: readonly { readonly name: string; readonly version?: string }[];
}

/** What {@link fromOtlpJson} returns: the spans that could be read (file order), their resources, and every problem. */
export interface OtlpImportResult {
	readonly spans: SpanRecord[];
	readonly resources: OtlpImportedResource[];
	readonly errors: OtlpImportError[];
}

const int64 = z.union([z.string().regex(/^-?\d+$/, 'not a decimal integer'), z.number().int()]);
const unixNano = z.union([z.string().regex(/^\d+$/, 'not a decimal integer of nanoseconds'), z.number().int().nonnegative()]);
const keyValue = z.object({ key: z.string(), value: z.unknown().optional() });
const attributesSchema = z.array(z.unknown()).optional();

const spanSchema = z.object({
	traceId: z.string(),
	spanId: z.string(),
	parentSpanId: z.string().optional(),
	name: z.string(),
	kind: z.number().int().min(0).max(5).optional(),
	startTimeUnixNano: unixNano,
	endTimeUnixNano: unixNano,
	attributes: attributesSchema,
	events: z.array(z.object({ timeUnixNano: unixNano, name: z.string().optional(), attributes: attributesSchema })).optional(),
	status: z.object({ code: z.number().int().min(0).max(2).optional(), message: z.string().optional() }).optional()
});

const requestSchema = z.object({
	resourceSpans: z.array(
		z.object({
			resource: z.object({ attributes: attributesSchema }).optional(),
			scopeSpans: z
				.array(
					z.object({
						scope: z.object({ name: z.string().optional(), version: z.string().optional() }).optional(),
						spans: z.array(z.unknown()).optional()
					})
				)
				.optional()
		})
	)
});

const issuesAt = (base: string, error: z.ZodError): OtlpImportError[] =>
	error.issues.map((i) => ({
		path: base + i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join(''),
		message: i.message
	}));

type Scalar = string | number | boolean;

/** One `AnyValue` as a scalar; `null` and a message when it is not one. */
function scalarOf(v: unknown): { value: Scalar } | { problem: string } {
	if (v === null || typeof v !== 'object') return { problem: 'not an AnyValue object' };
	const o = v as Record<string, unknown>;
	if ('stringValue' in o) return typeof o.stringValue === 'string' ? { value: o.stringValue } : { problem: 'stringValue is not a string' };
	if ('boolValue' in o) return typeof o.boolValue === 'boolean' ? { value: o.boolValue } : { problem: 'boolValue is not a boolean' };
	if ('intValue' in o) {
		const parsed = int64.safeParse(o.intValue);
		if (!parsed.success) return { problem: 'intValue is not an integer (decimal string or number)' };
		const n = Number(parsed.data);
		if (!Number.isSafeInteger(n)) return { problem: `intValue ${String(parsed.data)} is beyond 2^53` };
		return { value: n };
	}
	if ('doubleValue' in o) {
		const d = o.doubleValue;
		if (typeof d === 'number') return { value: d };
		if (d === 'NaN' || d === 'Infinity' || d === '-Infinity') return { value: Number(d) };
		if (typeof d === 'string' && d.trim() !== '' && Number.isFinite(Number(d))) return { value: Number(d) };
		return { problem: 'doubleValue is not a number' };
	}
	if ('bytesValue' in o) return { problem: 'bytesValue is not supported (span attributes hold text, numbers, booleans and their arrays)' };
	if ('kvlistValue' in o)
		return { problem: 'kvlistValue is not supported (span attributes hold text, numbers, booleans and their arrays)' };
	if ('arrayValue' in o) return { problem: 'nested arrayValue is not supported' };
	return { problem: 'empty AnyValue (none of stringValue, boolValue, intValue, doubleValue, arrayValue)' };
}

/**
 * One `AnyValue` as an attribute value. A value Assay cannot hold is kept losslessly where it can be,
 * with a problem: an int beyond 2^53 as its decimal string, a kvlist/bytes/mixed array as its JSON text.
 */
function attributeValueOf(v: unknown): { value?: AttributeValue; problem?: string } {
	if (v !== null && typeof v === 'object' && 'arrayValue' in v) {
		const arr = (v as { arrayValue: unknown }).arrayValue;
		const values = arr !== null && typeof arr === 'object' ? (arr as { values?: unknown }).values : undefined;
		if (values === undefined) return { value: [] };
		if (!Array.isArray(values)) return { problem: 'arrayValue.values is not an array' };
		const items = values.map(scalarOf);
		const bad = items.findIndex((i) => 'problem' in i);
		if (bad >= 0)
			return {
				value: JSON.stringify(values),
				problem: `arrayValue.values[${bad}]: ${(items[bad] as { problem: string }).problem} — kept as JSON text`
			};
		const scalars = items.map((i) => (i as { value: Scalar }).value);
		if (scalars.every((s) => typeof s === 'string')) return { value: scalars as string[] };
		if (scalars.every((s) => typeof s === 'number')) return { value: scalars as number[] };
		return { value: scalars.map(String), problem: 'arrayValue mixes types (attributes arrays are homogeneous) — kept as strings' };
	}
	const s = scalarOf(v);
	if ('value' in s) return { value: s.value };
	const o = v as Record<string, unknown> | null;
	if (o && typeof o === 'object' && 'intValue' in o && typeof o.intValue === 'string' && /^-?\d+$/.test(o.intValue))
		return { value: o.intValue, problem: `${s.problem} — kept as its decimal string` };
	if (o && typeof o === 'object' && ('kvlistValue' in o || 'bytesValue' in o))
		return { value: JSON.stringify('kvlistValue' in o ? o.kvlistValue : o.bytesValue), problem: `${s.problem} — kept as JSON text` };
	return { problem: s.problem };
}

/** `KeyValue`s as attributes; each bad entry is an error at `path[i]`. A repeated key keeps the last value, reported. */
function attributesOf(list: readonly unknown[] | undefined, path: string, errors: OtlpImportError[]): Attributes {
	const out: Attributes = {};
	(list ?? []).forEach((item, i) => {
		const kv = keyValue.safeParse(item);
		if (!kv.success) {
			errors.push(...issuesAt(`${path}[${i}]`, kv.error));
			return;
		}
		const { value, problem } = attributeValueOf(kv.data.value);
		if (problem)
			errors.push({
				path: `${path}[${i}].value`,
				message: `${kv.data.key}: ${problem}${value === undefined ? ' — attribute left out' : ''}`
			});
		if (value === undefined) return;
		if (kv.data.key in out) errors.push({ path: `${path}[${i}].key`, message: `${kv.data.key} is repeated — the last value is kept` });
		out[kv.data.key] = value;
	});
	return out;
}

function idProblem(id: string, bytes: 8 | 16, field: string): string | null {
	if (isOtlpHexId(id, bytes)) return null;
	if (looksBase64Id(id, bytes))
		return `${field} "${id}" looks base64 (protobuf's generic JSON mapping); OTLP/JSON ids are ${bytes * 2} hex characters — re-export with hex ids`;
	return `${field} "${id}" is not ${bytes * 2} hex characters (${bytes} bytes, not all zero)`;
}

const KIND_NAME = Object.fromEntries(Object.entries(SPAN_KIND).map(([name, n]) => [n, name])) as Record<number, string>;

/**
 * Read an OTLP/JSON trace request (parsed JSON). A request that is not an object with a
 * `resourceSpans` array is one error at the root and no spans.
 *
 * Mapping: `status.code` 2 → `error` (message → `statusMessage`), 0/1 → `ok`; times → epoch ms
 * (`unixNanoToMs`), `durationMs` = end − start; `kind` is kept as `assay.span.kind` only where
 * `spanKindOf` would not give it back from the attributes (so export ∘ import keeps kinds); OpenInference
 * / OpenLLMetry attributes gain their GenAI names (`mapToGenAi`).
 */
export function fromOtlpJson(json: unknown): OtlpImportResult {
	const errors: OtlpImportError[] = [];
	const spans: SpanRecord[] = [];
	const resources: OtlpImportedResource[] = [];
	const req = requestSchema.safeParse(json);
	if (!req.success) return { spans, resources, errors: issuesAt('', req.error).map((e) => ({ ...e, path: e.path || '(root)' })) };
	req.data.resourceSpans.forEach((rs, r) => {
		const rPath = `resourceSpans[${r}]`;
		const attributes = attributesOf(rs.resource?.attributes, `${rPath}.resource.attributes`, errors);
		const scopes: { name: string; version?: string }[] = [];
		(rs.scopeSpans ?? []).forEach((ss, s) => {
			scopes.push({ name: ss.scope?.name ?? '', ...(ss.scope?.version ? { version: ss.scope.version } : {}) });
			(ss.spans ?? []).forEach((raw, k) => {
				const path = `${rPath}.scopeSpans[${s}].spans[${k}]`;
				const span = spanFrom(raw, path, errors);
				if (span) spans.push(span);
			});
		});
		resources.push({ attributes, scopes });
	});
	return { spans, resources, errors };
}

function spanFrom(raw: unknown, path: string, errors: OtlpImportError[]): SpanRecord | null {
	const parsed = spanSchema.safeParse(raw);
	if (!parsed.success) {
		errors.push(...issuesAt(path, parsed.error));
		return null;
	}
	const p = parsed.data;
	const idErrors = [
		[idProblem(p.traceId, 16, 'traceId'), 'traceId'],
		[idProblem(p.spanId, 8, 'spanId'), 'spanId'],
		[p.parentSpanId ? idProblem(p.parentSpanId, 8, 'parentSpanId') : null, 'parentSpanId']
	] as const;
	let bad = false;
	for (const [problem, field] of idErrors)
		if (problem) {
			errors.push({ path: `${path}.${field}`, message: `${problem} — span left out` });
			bad = true;
		}
	const start = BigInt(p.startTimeUnixNano);
	const end = BigInt(p.endTimeUnixNano);
	if (end < start) {
		errors.push({ path: `${path}.endTimeUnixNano`, message: `ends (${end}) before it starts (${start}) — span left out` });
		bad = true;
	}
	if (bad) return null;
	const attrs = attributesOf(p.attributes, `${path}.attributes`, errors);
	const attributes = mapToGenAi(attrs);
	const kind = p.kind ?? 0;
	if (kind !== 0 && !(SPAN_KIND_ATTR in attributes) && spanKindOf(attributes) !== kind)
		attributes[SPAN_KIND_ATTR] = KIND_NAME[kind] as string;
	const events: SpanEvent[] = (p.events ?? []).map((e, i) => {
		const ea = attributesOf(e.attributes, `${path}.events[${i}].attributes`, errors);
		return { name: e.name ?? '', timeMs: unixNanoToMs(BigInt(e.timeUnixNano)), ...(Object.keys(ea).length ? { attributes: ea } : {}) };
	});
	const startTimeMs = unixNanoToMs(start);
	const endTimeMs = unixNanoToMs(end);
	const error = p.status?.code === 2;
	return {
		traceId: p.traceId.toLowerCase(),
		spanId: p.spanId.toLowerCase(),
		parentSpanId: p.parentSpanId ? p.parentSpanId.toLowerCase() : null,
		name: p.name,
		startTimeMs,
		endTimeMs,
		durationMs: endTimeMs - startTimeMs,
		status: error ? 'error' : 'ok',
		...(error && p.status?.message ? { statusMessage: p.status.message } : {}),
		attributes,
		events
	};
}
