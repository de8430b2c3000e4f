import { AssayError } from '../../shared/errors.ts';
import { canonicalJson, sha256Text } from '../../shared/hash.ts';
import { DEFAULT_MAX_RESPONSE_BYTES, limitStream, readTextCapped } from '../../shared/http/body.ts';
import { fetchWithRetry, isRetryExhausted, RETRY_DEFAULTS, type RetryOptions } from '../../shared/http/retry.ts';
import { readSseData } from '../../shared/http/sse.ts';
import { z } from '../../shared/zod.ts';
import type { GoldenCase } from '../golden/types.ts';
import { checkPath, excerpt, jsonDepth, MAX_REPLY_DEPTH, query, toSystemContext, toSystemUsage, type ContextPaths } from './json-paths.ts';
import type { SystemCaseRequest, SystemContext, SystemOutput, SystemUnderTest, SystemUsage } from './types.ts';

/**
 * The `http` system: the user's own RAG app, asked one golden case per request.
 *
 * The body is a JSON template rendered per case (never by concatenating JSON text): a string
 * that is exactly `{{name}}` becomes that value with its JSON type; `{{name}}` inside a longer
 * string is replaced by the value as text (strings as is, other values as JSON). Names:
 * `query`, `id`, `seed`, `repeat`, and the golden-case fields `relevant`, `reference`, `tags`,
 * `attack` (a field a case lacks renders as `null`, or `''` inside a string). Placeholders in
 * the URL are replaced URL-encoded. Header values arrive resolved (the CLI resolves
 * `{{env.NAME}}` from the environment, the app keeps them in memory); only their names are
 * recorded (`ref.details.headerNames`), their values enter the cache key only as a SHA-256.
 *
 * The reply is read through JSONPath (jsonpath-plus, `eval: false`): `answer` must find a
 * string; `contexts` an array whose items are strings (text) or objects mapped by
 * `contextId` / `contextText` / `contextScore` / `contextTitle` (relative paths; defaults in
 * {@link ContextPaths}). With `stream: {format: 'sse', deltaPath}` the answer is the
 * concatenation of the `deltaPath` strings of every `data:` event (`[DONE]` ends), TTFT is the
 * time to the first non-empty delta, and contexts come from the last event where
 * `stream.contextsEvent` finds something, else from `contexts` on the last JSON event.
 *
 * Errors per case: HTTP 4xx/5xx (not retried) → `SYSTEM_REQUEST_FAILED` (status and the start
 * of the body); a reply that is not JSON, larger than `maxResponseBytes`, nested deeper than
 * {@link MAX_REPLY_DEPTH}, or where a path finds nothing or the wrong type →
 * `SYSTEM_RESPONSE_INVALID` naming the path and what was found (truncated); connection refused,
 * timeouts, 429/502/503/504/529 after every retry → `SYSTEM_UNREACHABLE` (the runner stops).
 */

/** The placeholder names a template may use. */
export const HTTP_TEMPLATE_NAMES = ['query', 'id', 'seed', 'repeat', 'relevant', 'reference', 'tags', 'attack'] as const;

const PLACEHOLDER = /\{\{\s*([^{}\s]+)\s*\}\}/g;
const WHOLE_PLACEHOLDER = /^\{\{\s*([^{}\s]+)\s*\}\}$/;

const jsonPath = z.string().trim().min(1, 'a JSONPath such as $.answer');

/** Retry policy of an http system (see `shared/http/retry.ts`; defaults 4 retries, 500 ms base, 30 s ceiling, Retry-After ≤ 120 s). */
export const HttpRetrySchema = z
	.object({
		maxRetries: z.number().int().min(0).max(20).optional(),
		baseDelayMs: z.number().min(0).max(600_000).optional(),
		maxDelayMs: z.number().min(0).max(3_600_000).optional(),
		maxRetryAfterMs: z.number().min(0).max(3_600_000).optional()
	})
	.strict();

/**
 * The `system` object of type `http` (CLI config `system`, the app's "Evaluate a system" form).
 * - `url`: absolute http(s) URL; may hold placeholders (URL-encoded);
 * - `method`: GET, POST (default), PUT or PATCH;
 * - `headers`: name → value, values already resolved (no `{{…}}` left);
 * - `body`: any JSON value, the template; default `{"query": "{{query}}"}` (none for GET);
 * - `answer`: JSONPath to the answer string, default `$.answer`;
 * - `contexts`: JSONPath to the contexts array; absent = the system returns none;
 * - `contextId` / `contextText` / `contextScore` / `contextTitle`: paths relative to each item;
 * - `usage`: JSONPath to an OpenAI/Anthropic-style usage object, default `$.usage` (absent = none);
 * - `stream`: `{format: 'sse', deltaPath, contextsEvent?}`;
 * - `timeoutMs`: per attempt, for the headers and again for the body, ms; default 60 000;
 * - `retry`: {@link HttpRetrySchema}; `maxResponseBytes`: default 10 MiB.
 */
export const HttpSystemConfigSchema = z
	.object({
		type: z.literal('http'),
		label: z.string().trim().min(1).optional(),
		url: z.string().trim().min(1, 'the URL of your app, e.g. http://127.0.0.1:8000/ask'),
		method: z.enum(['GET', 'POST', 'PUT', 'PATCH']).default('POST'),
		headers: z.record(z.string().min(1), z.string()).default({}),
		body: z.unknown().optional(),
		answer: jsonPath.default('$.answer'),
		contexts: jsonPath.optional(),
		contextId: jsonPath.optional(),
		contextText: jsonPath.optional(),
		contextScore: jsonPath.optional(),
		contextTitle: jsonPath.optional(),
		usage: jsonPath.default('$.usage'),
		stream: z
			.object({
				format: z.literal('sse'),
				deltaPath: jsonPath.default('$.choices[0].delta.content'),
				contextsEvent: jsonPath.optional()
			})
			.strict()
			.optional(),
		timeoutMs: z.number().int().min(1).max(3_600_000).default(RETRY_DEFAULTS.timeoutMs),
		retry: HttpRetrySchema.default({}),
		maxResponseBytes: z
			.number()
			.int()
			.min(1)
			.max(1024 * 1024 * 1024)
			.default(DEFAULT_MAX_RESPONSE_BYTES)
	})
	.strict();

/** Input form of the config (defaults not yet applied). */
export type HttpSystemConfigInput = z.input<typeof HttpSystemConfigSchema>;
/** Validated config. */
export type HttpSystemConfig = z.output<typeof HttpSystemConfigSchema>;

/** Injected for tests and the runner: HTTP, waits, jitter and clocks. */
export interface HttpSystemDeps {
	readonly fetch?: typeof fetch;
	readonly sleep?: RetryOptions['sleep'];
	readonly random?: () => number;
	/** Wall clock, epoch ms (reads `Retry-After` dates); default `Date.now`. */
	readonly clock?: () => number;
	/** Monotonic ms for `timings` (the runner's clock); default `performance.now`. */
	readonly now?: () => number;
	/** Timer for timeouts (see `RetryOptions.timer`). */
	readonly timer?: RetryOptions['timer'];
	/** Told before each retry wait (progress lines). */
	readonly onRetry?: RetryOptions['onRetry'];
}

/**
 * Validate an http system config.
 * @throws AssayError `CONFIG_INVALID` naming the key (`system.url: …`), an unknown placeholder,
 *   an unresolved `{{…}}` in a header, a bad URL or a JSONPath that needs eval.
 */
export function parseHttpSystemConfig(input: unknown, prefix = 'system'): HttpSystemConfig {
	const result = HttpSystemConfigSchema.safeParse(input);
	if (!result.success) {
		const issues = result.error.issues.map((i) => `${[prefix, ...i.path.map(String)].join('.')}: ${i.message}`);
		throw new AssayError('CONFIG_INVALID', `Invalid http system — ${issues.join('; ')}`, { details: { issues } });
	}
	const config = result.data;
	checkTemplate(config.url, `${prefix}.url`);
	let probe: URL;
	try {
		probe = new URL(config.url.replace(PLACEHOLDER, 'x'));
	} catch {
		throw new AssayError(
			'CONFIG_INVALID',
			`${prefix}.url: "${config.url}" is not an absolute URL; write it like http://127.0.0.1:8000/ask.`,
			{ details: { key: `${prefix}.url` } }
		);
	}
	if (probe.protocol !== 'http:' && probe.protocol !== 'https:')
		throw new AssayError('CONFIG_INVALID', `${prefix}.url: only http and https URLs can be asked, got ${probe.protocol}`, {
			details: { key: `${prefix}.url` }
		});
	for (const [name, value] of Object.entries(config.headers)) {
		if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
			throw new AssayError(
				'CONFIG_INVALID',
				`${prefix}.headers: ${JSON.stringify(name)} is not a valid header name (letters, digits and !#$%&'*+.^_\`|~- only).`,
				{ details: { key: `${prefix}.headers` } }
			);
		if (/[\r\n\0]/.test(value))
			throw new AssayError(
				'CONFIG_INVALID',
				`${prefix}.headers.${name}: the value holds a line break or NUL, which HTTP headers cannot carry.`,
				{ details: { key: `${prefix}.headers.${name}` } }
			);
		const left = /\{\{[^}]*\}\}/.exec(value);
		if (left)
			throw new AssayError(
				'CONFIG_INVALID',
				`${prefix}.headers.${name}: ${left[0]} was not resolved; secret references like {{env.NAME}} are resolved from the environment before the system is built (is the variable set?).`,
				{ details: { key: `${prefix}.headers.${name}` } }
			);
	}
	if (config.body !== undefined) {
		if (jsonDepth(config.body, 64) > 64)
			throw new AssayError('CONFIG_INVALID', `${prefix}.body: the template is nested deeper than 64 levels.`, {
				details: { key: `${prefix}.body` }
			});
		walkStrings(config.body, (s, at) => checkTemplate(s, `${prefix}.body${at}`));
	}
	for (const key of ['answer', 'contexts', 'contextId', 'contextText', 'contextScore', 'contextTitle', 'usage'] as const) {
		const path = config[key];
		if (path !== undefined) checkPath(path, `${prefix}.${key}`);
	}
	if (config.stream) {
		checkPath(config.stream.deltaPath, `${prefix}.stream.deltaPath`);
		if (config.stream.contextsEvent) checkPath(config.stream.contextsEvent, `${prefix}.stream.contextsEvent`);
	}
	return config;
}

/**
 * Resolve `{{env.NAME}}` references in header values from `env` (the CLI passes `process.env`;
 * the app resolves nothing and passes the values the user typed). Text around a reference is
 * kept (`Bearer {{env.TOKEN}}`).
 * @throws AssayError `CONFIG_INVALID` naming the header and the variable when it is unset or empty.
 */
export function resolveEnvRefs(
	headers: Readonly<Record<string, string>>,
	env: Readonly<Record<string, string | undefined>>,
	prefix = 'system'
): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers)) {
		out[name] = value.replace(/\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_m, variable: string) => {
			const v = env[variable];
			if (v === undefined || v === '')
				throw new AssayError(
					'CONFIG_INVALID',
					`${prefix}.headers.${name}: the environment variable ${variable} is not set; set it (e.g. a CI secret) or remove the header.`,
					{ details: { key: `${prefix}.headers.${name}`, variable } }
				);
			return v;
		});
	}
	return out;
}

function checkTemplate(text: string, key: string): void {
	for (const m of text.matchAll(PLACEHOLDER)) {
		const name = m[1]!;
		if (!(HTTP_TEMPLATE_NAMES as readonly string[]).includes(name)) {
			throw new AssayError(
				'CONFIG_INVALID',
				`${key}: unknown placeholder {{${name}}}; use one of ${HTTP_TEMPLATE_NAMES.map((n) => `{{${n}}}`).join(', ')}.`,
				{ details: { key, placeholder: name } }
			);
		}
	}
}

function walkStrings(value: unknown, visit: (s: string, at: string) => void, at = ''): void {
	if (typeof value === 'string') visit(value, at);
	else if (Array.isArray(value)) value.forEach((v, i) => walkStrings(v, visit, `${at}[${i}]`));
	else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) walkStrings(v, visit, `${at}.${k}`);
}

/** The values placeholders stand for, for one case and repeat. */
export function templateValues(c: GoldenCase, repeat: number, seed: number): Record<string, unknown> {
	return {
		query: c.query,
		id: c.id,
		seed,
		repeat,
		relevant: c.relevant,
		reference: c.reference ?? null,
		tags: c.tags,
		attack: c.attack ?? null
	};
}

const asText = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/**
 * Render a JSON template (see the module comment): whole-string placeholders keep the value's
 * JSON type, inner ones become text. Object keys are not rendered. Returns a new value.
 */
export function renderTemplate(template: unknown, values: Readonly<Record<string, unknown>>): unknown {
	if (typeof template === 'string') {
		const whole = WHOLE_PLACEHOLDER.exec(template);
		if (whole) return values[whole[1]!] ?? null;
		return template.replace(PLACEHOLDER, (_m, name: string) => asText(values[name]));
	}
	if (Array.isArray(template)) return template.map((v) => renderTemplate(v, values));
	if (template !== null && typeof template === 'object') {
		const out: Record<string, unknown> = {};
		for (const [k, v] of Object.entries(template)) out[k] = renderTemplate(v, values);
		return out;
	}
	return template;
}

/**
 * Build the http system from a config (validated here; pass the raw object or a parsed one).
 * @throws AssayError `CONFIG_INVALID` (see {@link parseHttpSystemConfig}).
 */
export async function createHttpSystem(
	input: HttpSystemConfigInput | HttpSystemConfig,
	deps: HttpSystemDeps = {}
): Promise<SystemUnderTest> {
	const config = parseHttpSystemConfig(input);
	const headerNames = Object.keys(config.headers).sort((a, b) => a.localeCompare(b));
	const headersSha256 = await sha256Text(canonicalJson(config.headers));
	const body = config.body !== undefined ? config.body : config.method === 'GET' ? undefined : { query: '{{query}}' };
	if (body !== undefined && config.method === 'GET')
		throw new AssayError(
			'CONFIG_INVALID',
			'system.body: a GET request has no body; put placeholders in the URL (e.g. ?q={{query}}) or use POST.',
			{ details: { key: 'system.body' } }
		);
	const now = deps.now ?? (() => performance.now());
	const contextPaths: ContextPaths = {
		...(config.contextId ? { id: config.contextId } : {}),
		...(config.contextText ? { text: config.contextText } : {}),
		...(config.contextScore ? { score: config.contextScore } : {}),
		...(config.contextTitle ? { title: config.contextTitle } : {})
	};
	const hasContentType = headerNames.some((n) => n.toLowerCase() === 'content-type');
	const hasAccept = headerNames.some((n) => n.toLowerCase() === 'accept');

	const answer = async (request: SystemCaseRequest): Promise<SystemOutput> => {
		const values = templateValues(request.case, request.repeat, request.seed);
		const url = config.url.replace(PLACEHOLDER, (_m, name: string) => encodeURIComponent(asText(values[name])));
		const headers: Record<string, string> = {
			...(hasAccept ? {} : { accept: config.stream ? 'text/event-stream, application/json' : 'application/json' }),
			...config.headers
		};
		if (body !== undefined && !hasContentType) headers['content-type'] = 'application/json';
		// The body timeout aborts this controller; the caller's signal too.
		const bodyAbort = new AbortController();
		const onAbort = () => bodyAbort.abort(request.signal!.reason);
		if (request.signal?.aborted) bodyAbort.abort(request.signal.reason);
		request.signal?.addEventListener('abort', onAbort, { once: true });
		let startedAt = now();
		let cancelBodyTimer = () => {};
		try {
			const response = await fetchWithRetry(
				url,
				{
					method: config.method,
					headers,
					...(body !== undefined ? { body: JSON.stringify(renderTemplate(body, values)) } : {}),
					signal: bodyAbort.signal
				},
				{
					...config.retry,
					timeoutMs: config.timeoutMs,
					...(deps.fetch ? { fetch: deps.fetch } : {}),
					...(deps.sleep ? { sleep: deps.sleep } : {}),
					...(deps.random ? { random: deps.random } : {}),
					...(deps.clock ? { clock: deps.clock } : {}),
					...(deps.timer ? { timer: deps.timer } : {}),
					...(deps.onRetry ? { onRetry: deps.onRetry } : {}),
					onAttempt: () => (startedAt = now())
				}
			);
			let bodyTimedOut = false;
			const timer =
				deps.timer ??
				((ms: number, fire: () => void) => {
					const h = setTimeout(fire, ms);
					return () => clearTimeout(h);
				});
			cancelBodyTimer = timer(config.timeoutMs, () => {
				bodyTimedOut = true;
				bodyAbort.abort(new DOMException('body timeout', 'TimeoutError'));
			});
			try {
				if (!response.ok) {
					const text = await readTextCapped(response, 4096, 'SYSTEM_REQUEST_FAILED').catch(() => '');
					throw new AssayError(
						'SYSTEM_REQUEST_FAILED',
						`${config.method} ${url} answered HTTP ${response.status} for case ${request.case.id}: ${text.slice(0, 300) || response.statusText || '(empty body)'}`,
						{ details: { status: response.status, caseId: request.case.id } }
					);
				}
				const type = response.headers.get('content-type') ?? '';
				if (config.stream && !/application\/json/i.test(type)) {
					return await readStream(response, config, contextPaths, startedAt, now, bodyAbort.signal);
				}
				const text = await readTextCapped(response, config.maxResponseBytes);
				const json = parseReply(text, type);
				return { ...mapReply(json, config, contextPaths), timings: { totalMs: now() - startedAt, ttftMs: null } };
			} catch (error) {
				if (bodyTimedOut && !request.signal?.aborted)
					throw new AssayError(
						'SYSTEM_REQUEST_FAILED',
						`${config.method} ${url} did not finish its reply for case ${request.case.id} within ${config.timeoutMs} ms.`,
						{ cause: error, details: { caseId: request.case.id, timeoutMs: config.timeoutMs } }
					);
				throw error;
			}
		} catch (error) {
			if (request.signal?.aborted) throw error;
			if (isRetryExhausted(error) && error.lastReason === 'network') {
				throw new AssayError(
					error.code,
					`${error.message} Is the app running at that address? In the browser a CORS refusal looks the same: the app must allow this page's origin, and the site's CSP must allow its host.`,
					{ cause: error.cause, ...(error.details ? { details: error.details } : {}) }
				);
			}
			if (error instanceof AssayError) {
				if (error.code === 'SYSTEM_RESPONSE_INVALID' && !String(error.details?.caseId ?? ''))
					throw new AssayError(error.code, `Case ${request.case.id}: ${error.message}`, {
						...(error.details ? { details: { ...error.details, caseId: request.case.id } } : { details: { caseId: request.case.id } }),
						cause: error.cause
					});
				throw error;
			}
			throw new AssayError(
				'SYSTEM_REQUEST_FAILED',
				`${config.method} ${url} failed for case ${request.case.id} while reading the reply: ${error instanceof Error ? error.message : String(error)}`,
				{ cause: error, details: { caseId: request.case.id } }
			);
		} finally {
			cancelBodyTimer();
			request.signal?.removeEventListener('abort', onAbort);
		}
	};

	return {
		ref: {
			type: 'http',
			label: config.label ?? `${config.method} ${config.url}`,
			details: { method: config.method, url: config.url, headerNames }
		},
		cacheIdentity: {
			type: 'http',
			method: config.method,
			url: config.url,
			headerNames,
			headersSha256,
			body: body ?? null,
			answer: config.answer,
			contexts: config.contexts ?? null,
			contextPaths,
			usage: config.usage,
			stream: config.stream ?? null
		},
		answer
	};
}

function parseReply(text: string, contentType: string): unknown {
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		throw new AssayError('SYSTEM_RESPONSE_INVALID', `the reply is not JSON (content-type ${contentType || 'none'}): ${excerpt(text)}`);
	}
	if (jsonDepth(json) > MAX_REPLY_DEPTH)
		throw new AssayError('SYSTEM_RESPONSE_INVALID', `the reply is nested deeper than ${MAX_REPLY_DEPTH} levels; refused.`);
	return json;
}

function runPath(json: unknown, path: string): unknown[] {
	try {
		return query(json, path);
	} catch (cause) {
		throw new AssayError(
			'SYSTEM_RESPONSE_INVALID',
			`${path} could not be evaluated on the reply: ${cause instanceof Error ? cause.message : String(cause)}`,
			{ cause }
		);
	}
}

function readAnswer(json: unknown, path: string): string {
	const found = runPath(json, path);
	if (found.length === 0)
		throw new AssayError('SYSTEM_RESPONSE_INVALID', `${path} found nothing in the reply: ${excerpt(json)}`, { details: { path } });
	if (typeof found[0] !== 'string')
		throw new AssayError('SYSTEM_RESPONSE_INVALID', `${path} should find the answer text (a string), found ${excerpt(found[0])}.`, {
			details: { path }
		});
	return found[0];
}

function readContexts(json: unknown, path: string, paths: ContextPaths): SystemContext[] {
	const found = runPath(json, path);
	if (found.length === 0)
		throw new AssayError('SYSTEM_RESPONSE_INVALID', `${path} found nothing in the reply: ${excerpt(json)}`, { details: { path } });
	return contextsFrom(found, path, paths);
}

/** One match that is an array is the list; several matches (`$.hits[*].doc`) are the items. */
function contextsFrom(found: unknown[], path: string, paths: ContextPaths): SystemContext[] {
	let items: unknown[];
	if (found.length === 1) {
		if (!Array.isArray(found[0]))
			throw new AssayError('SYSTEM_RESPONSE_INVALID', `${path} should find an array of contexts, found ${excerpt(found[0])}.`, {
				details: { path }
			});
		items = found[0];
	} else items = found;
	return items.map((item, i) => toSystemContext(item, paths, `contexts[${i}] (${path})`));
}

function readUsage(json: unknown, path: string): SystemUsage | undefined {
	try {
		return toSystemUsage(query(json, path)[0]);
	} catch {
		return undefined;
	}
}

function mapReply(json: unknown, config: HttpSystemConfig, paths: ContextPaths): Omit<SystemOutput, 'timings'> {
	const usage = readUsage(json, config.usage);
	return {
		answer: readAnswer(json, config.answer),
		contexts: config.contexts ? readContexts(json, config.contexts, paths) : [],
		...(usage ? { usage } : {})
	};
}

async function readStream(
	response: Response,
	config: HttpSystemConfig,
	paths: ContextPaths,
	startedAt: number,
	now: () => number,
	signal: AbortSignal
): Promise<SystemOutput> {
	const stream = config.stream!;
	if (!response.body) throw new AssayError('SYSTEM_RESPONSE_INVALID', 'the streamed reply has no body.');
	let answer = '';
	let ttftMs: number | null = null;
	let last: unknown;
	let contextsFound: unknown[] | undefined;
	let usage: SystemUsage | undefined;
	let events = 0;
	for await (const data of readSseData(limitStream(response.body, config.maxResponseBytes), signal)) {
		if (data.trim() === '[DONE]') break;
		let event: unknown;
		try {
			event = JSON.parse(data);
		} catch {
			throw new AssayError('SYSTEM_RESPONSE_INVALID', `stream event ${events + 1} is not JSON: ${excerpt(data)}`);
		}
		events++;
		if (jsonDepth(event) > MAX_REPLY_DEPTH)
			throw new AssayError('SYSTEM_RESPONSE_INVALID', `stream event ${events} is nested deeper than ${MAX_REPLY_DEPTH} levels; refused.`);
		last = event;
		const delta = runPath(event, stream.deltaPath)[0];
		if (typeof delta === 'string') {
			if (delta !== '' && ttftMs === null) ttftMs = now() - startedAt;
			answer += delta;
		} else if (delta !== undefined && delta !== null) {
			throw new AssayError(
				'SYSTEM_RESPONSE_INVALID',
				`${stream.deltaPath} should find a text delta (a string) in stream event ${events}, found ${excerpt(delta)}.`,
				{ details: { path: stream.deltaPath } }
			);
		}
		if (stream.contextsEvent) {
			const found = runPath(event, stream.contextsEvent);
			if (found.length > 0) contextsFound = found;
		}
		usage = readUsage(event, config.usage) ?? usage;
	}
	// The reader ends quietly when cancelled: a timeout or abort mid-stream is not a finished answer.
	if (signal.aborted) throw signal.reason;
	if (events === 0) throw new AssayError('SYSTEM_RESPONSE_INVALID', 'the stream ended without any data event.');
	let contexts: SystemContext[] = [];
	if (stream.contextsEvent) {
		if (!contextsFound)
			throw new AssayError('SYSTEM_RESPONSE_INVALID', `${stream.contextsEvent} found nothing in any stream event.`, {
				details: { path: stream.contextsEvent }
			});
		contexts = contextsFrom(contextsFound, stream.contextsEvent, paths);
	} else if (config.contexts) contexts = readContexts(last, config.contexts, paths);
	return { answer, contexts, ...(usage ? { usage } : {}), timings: { totalMs: now() - startedAt, ttftMs } };
}
