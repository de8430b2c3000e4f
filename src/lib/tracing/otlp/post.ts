/**
 * POST an OTLP/JSON trace request to an OpenTelemetry Collector (OTLP/HTTP receiver, JSON
 * encoding): `{url}/v1/traces` with `Content-Type: application/json`. The collector must allow
 * the page's origin (`receivers.otlp.protocols.http.cors.allowed_origins`, docs/observability.md).
 * No keys are stored: an optional header (e.g. `Authorization`) is passed per call only.
 */
import { AssayError } from '../../shared/errors.ts';
import type { OtlpTraceRequest } from './types.ts';

/** Options of {@link postOtlpTraces}. */
export interface OtlpPostOptions {
	/** One extra header sent with the request (kept in memory by the caller, never stored). */
	readonly header?: { readonly name: string; readonly value: string } | null;
	readonly signal?: AbortSignal;
	/** Injected `fetch` (tests); default the global one. */
	readonly fetch?: typeof fetch;
}

/** What the collector answered: the HTTP status and, for a partial success, the rejected span count and message. */
export interface OtlpPostResult {
	readonly status: number;
	readonly rejectedSpans: number;
	readonly message: string | null;
}

/**
 * The traces endpoint of a collector address: `http://host:4318` → `http://host:4318/v1/traces`;
 * an address already ending in `/v1/traces` is kept.
 * @throws AssayError `CONFIG_INVALID` for a non-http(s) or malformed URL.
 */
export function otlpTracesUrl(address: string): string {
	let u: URL;
	try {
		u = new URL(address.trim());
	} catch {
		throw new AssayError('CONFIG_INVALID', `"${address}" is not a URL (expected e.g. http://localhost:4318).`);
	}
	if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new AssayError('CONFIG_INVALID', `"${address}" is not an http(s) URL.`);
	const path = u.pathname.replace(/\/+$/, '');
	u.pathname = path.endsWith('/v1/traces') ? path : `${path}/v1/traces`;
	return u.toString();
}

/**
 * Send `request` to the collector at `address` (see {@link otlpTracesUrl}).
 * @throws AssayError `CONFIG_INVALID` for a bad address or header name; `OTLP_UNREACHABLE` when the
 *   request cannot be made (unreachable, CORS refused, CSP); `OTLP_REJECTED` for a non-2xx answer.
 */
export async function postOtlpTraces(address: string, request: OtlpTraceRequest, options: OtlpPostOptions = {}): Promise<OtlpPostResult> {
	const url = otlpTracesUrl(address);
	const headers: Record<string, string> = { 'Content-Type': 'application/json' };
	const header = options.header;
	if (header && header.name.trim() !== '') {
		if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(header.name.trim()))
			throw new AssayError('CONFIG_INVALID', `"${header.name}" is not a valid header name.`);
		headers[header.name.trim()] = header.value;
	}
	const doFetch = options.fetch ?? globalThis.fetch;
	let response: Response;
	try {
		response = await doFetch(url, {
			method: 'POST',
			headers,
			body: JSON.stringify(request),
			...(options.signal ? { signal: options.signal } : {})
		});
	} catch (error) {
		throw new AssayError(
			'OTLP_UNREACHABLE',
			`Could not reach ${url}: ${error instanceof Error ? error.message : String(error)}. Is the collector running, and does it allow this page's origin (cors.allowed_origins)?`
		);
	}
	const text = await response.text().catch(() => '');
	if (!response.ok)
		throw new AssayError(
			'OTLP_REJECTED',
			`The collector answered ${response.status} ${response.statusText}${text ? `: ${text.slice(0, 300)}` : ''}.`,
			{
				details: { status: response.status }
			}
		);
	let rejectedSpans = 0;
	let message: string | null = null;
	try {
		const body = JSON.parse(text) as { partialSuccess?: { rejectedSpans?: string | number; errorMessage?: string } };
		rejectedSpans = Number(body.partialSuccess?.rejectedSpans ?? 0) || 0;
		message = body.partialSuccess?.errorMessage || null;
	} catch {
		// An empty or non-JSON 2xx body is a full success.
	}
	return { status: response.status, rejectedSpans, message };
}
