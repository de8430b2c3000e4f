import { AssayError } from '$lib/shared/errors.ts';

/**
 * The "Evaluate a system" form of the Answer evals page, type `http`: what the user types, and
 * the settings object the `http` system adapter takes (`evals/system/http-system.ts`). Header
 * VALUES (API keys, tokens) live only in this tab's memory: {@link storableForm} drops them
 * before anything is written to localStorage, and reports record header names only.
 */
export interface HttpSystemForm {
	/** The user's name for the system (recorded with the run and report). */
	label: string;
	url: string;
	method: 'POST' | 'GET' | 'PUT';
	/** Request headers; `value` is kept in memory only. */
	headers: { name: string; value: string }[];
	/** JSON body template: `"{{query}}"`, `"{{id}}"`, `"{{seed}}"` or any golden-case field as a whole string keeps the value's JSON type. */
	body: string;
	/** JSONPath of the answer text in the reply, e.g. `$.answer`. */
	answerPath: string;
	/** JSONPath of the contexts array, e.g. `$.contexts`; empty = the system returns no contexts. */
	contextsPath: string;
	/** Path of a context's document id inside each item (e.g. `$.id`); empty = none. */
	contextIdPath: string;
	/** Path of a context's text inside each item (e.g. `$.text`); empty = none (a string item is its text). */
	contextTextPath: string;
	/** Read the reply as Server-Sent Events and assemble the answer from `deltaPath` (TTFT measured). */
	stream: boolean;
	/** JSONPath of the text delta in each SSE data object. */
	deltaPath: string;
	/** Per-request timeout, seconds (1–600). */
	timeoutS: number;
	/** Requests in flight at once (1–16). */
	concurrency: number;
	/** Look replies up in (and save them to) the IndexedDB response cache. */
	useCache: boolean;
}

/** A fresh form: POST `{"query": "{{query}}", "id": "{{id}}"}`, answer `$.answer`, contexts `$.contexts` with `id` and `text`. */
export function defaultHttpForm(): HttpSystemForm {
	return {
		label: '',
		url: 'http://127.0.0.1:8080/answer',
		method: 'POST',
		headers: [{ name: 'content-type', value: 'application/json' }],
		body: '{\n  "query": "{{query}}",\n  "id": "{{id}}"\n}',
		answerPath: '$.answer',
		contextsPath: '$.contexts',
		contextIdPath: '$.id',
		contextTextPath: '$.text',
		stream: false,
		deltaPath: '$.choices[0].delta.content',
		timeoutS: 60,
		concurrency: 4,
		useCache: true
	};
}

/** The settings the `http` adapter takes, built from the form (shape of its config schema). */
export interface HttpSystemSettings {
	readonly url: string;
	readonly method: 'POST' | 'GET' | 'PUT';
	readonly headers: Readonly<Record<string, string>>;
	readonly body?: unknown;
	readonly answer: string;
	readonly contexts?: string;
	readonly contextId?: string;
	readonly contextText?: string;
	readonly stream?: { readonly format: 'sse'; readonly deltaPath: string };
	readonly timeoutMs: number;
}

const fail = (message: string): never => {
	throw new AssayError('CONFIG_INVALID', message);
};

/**
 * Validate the form and build the adapter settings: an http(s) URL; header names as RFC 9110
 * tokens, each once (case-insensitive); the body template valid JSON (a GET sends none); an
 * answer path; timeout 1–600 s; concurrency 1–16.
 * @throws AssayError `CONFIG_INVALID` naming the field and what was found.
 */
export function httpSettingsFromForm(form: HttpSystemForm): HttpSystemSettings {
	let url: URL;
	try {
		url = new URL(form.url.trim());
	} catch {
		return fail(`URL: "${form.url}" is not a URL (expected e.g. http://127.0.0.1:8080/answer).`);
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(`URL: only http and https are supported (found ${url.protocol}).`);
	const headers: Record<string, string> = {};
	const seen = new Set<string>();
	for (const h of form.headers) {
		const name = h.name.trim();
		if (name === '' && h.value === '') continue;
		if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) fail(`Header name "${name}" is not a valid HTTP header name.`);
		if (seen.has(name.toLowerCase())) fail(`Header "${name}" is set twice.`);
		seen.add(name.toLowerCase());
		headers[name] = h.value;
	}
	let body: unknown;
	if (form.method !== 'GET' && form.body.trim() !== '') {
		try {
			body = JSON.parse(form.body);
		} catch (cause) {
			fail(`Body template: not JSON (${(cause as Error).message}). Write JSON with "{{query}}" where the question goes.`);
		}
	}
	if (form.answerPath.trim() === '') fail('Answer path: give the JSONPath of the answer text in the reply, e.g. $.answer.');
	if (!(form.timeoutS >= 1 && form.timeoutS <= 600)) fail(`Timeout must be 1–600 seconds (found ${form.timeoutS}).`);
	if (!(Number.isInteger(form.concurrency) && form.concurrency >= 1 && form.concurrency <= 16))
		fail(`Requests in flight must be a whole number 1–16 (found ${form.concurrency}).`);
	const opt = (s: string) => (s.trim() === '' ? undefined : s.trim());
	const contexts = opt(form.contextsPath);
	const contextId = opt(form.contextIdPath);
	const contextText = opt(form.contextTextPath);
	return {
		url: url.href,
		method: form.method,
		headers,
		...(body !== undefined ? { body } : {}),
		answer: form.answerPath.trim(),
		...(contexts ? { contexts } : {}),
		...(contexts && contextId ? { contextId } : {}),
		...(contexts && contextText ? { contextText } : {}),
		...(form.stream
			? {
					stream: {
						format: 'sse' as const,
						deltaPath: opt(form.deltaPath) ?? fail('Stream: give the JSONPath of the text delta in each event.')
					}
				}
			: {}),
		timeoutMs: Math.round(form.timeoutS * 1000)
	};
}

/** The name a system gets when the user gives none: `http <host>` of its (valid) URL. */
export function defaultSystemLabel(url: string): string {
	return `http ${new URL(url).host}`;
}

/** The form as it may be remembered in localStorage: everything but header values. */
export function storableForm(form: HttpSystemForm): HttpSystemForm {
	return { ...form, headers: form.headers.map((h) => ({ name: h.name, value: '' })) };
}

const FORM_KEY = 'assay.answers.systemForm';

/** The remembered form (header values empty), or the default; a damaged entry is ignored. */
export function loadHttpForm(storage: Pick<Storage, 'getItem'>): HttpSystemForm {
	const base = defaultHttpForm();
	try {
		const raw = storage.getItem(FORM_KEY);
		if (!raw) return base;
		const saved = JSON.parse(raw) as Partial<HttpSystemForm>;
		const merged = { ...base, ...saved };
		const headers = Array.isArray(saved.headers)
			? saved.headers.filter((h) => typeof h?.name === 'string').map((h) => ({ name: h.name, value: '' }))
			: base.headers;
		// Keep the default content-type's value: it is not a secret.
		return { ...merged, headers: headers.map((h) => (h.name.toLowerCase() === 'content-type' ? { ...h, value: 'application/json' } : h)) };
	} catch {
		return base;
	}
}

/** Remember the form without header values. */
export function saveHttpForm(storage: Pick<Storage, 'setItem'>, form: HttpSystemForm): void {
	storage.setItem(FORM_KEY, JSON.stringify(storableForm(form)));
}
