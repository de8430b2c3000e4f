import type { AssayErrorData } from '../../shared/errors.ts';
import type { GoldenCase } from '../golden/types.ts';

/**
 * The SystemUnderTest port (docs/architecture.md, "Wave 2"): whatever answers golden cases —
 * Assay's own pipeline (`assay`), the user's app over HTTP (`http`), a command per case
 * (`exec`, Node only) or a file of outputs another system produced (`file`). The eval runner
 * (`runner.ts`) asks it for one case at a time and scores every type with the same checks,
 * judges, retrieval metrics, report and gate, in the page and in `assay eval`.
 */

/** The system types. `exec` exists only in the CLI (a browser cannot start processes). */
export type SystemType = 'assay' | 'http' | 'exec' | 'file';

/** Every {@link SystemType}, in documentation order. */
export const SYSTEM_TYPES: readonly SystemType[] = ['assay', 'http', 'exec', 'file'];

/**
 * One context the system says it used for an answer, in its rank order. At least one of
 * `documentRef` / `text` is present. `documentRef` is matched against golden-set document
 * references (as `assay metrics` does); text-only contexts are matched to golden documents by
 * text where possible (see `contexts.ts`), else only judged.
 */
export interface SystemContext {
	/** The document's id as golden sets name documents (BEIR `_id`, file name or relative path). */
	readonly documentRef?: string;
	/** The passage text the system retrieved (what a faithfulness judge sees as context). */
	readonly text?: string;
	/** The system's own score, higher = better; absent = rank order only. */
	readonly score?: number;
	/** A title to show; default the reference. */
	readonly title?: string;
}

/** Token counts the system reported (OpenAI `usage` names mapped), absent when it reports none. */
export interface SystemUsage {
	readonly inputTokens: number | null;
	readonly outputTokens: number | null;
}

/** What the system produced for one case (one repeat). */
export interface SystemOutput {
	/** The answer text (plain text; rendered only as text or sanitised Markdown). */
	readonly answer: string;
	readonly contexts: readonly SystemContext[];
	readonly usage?: SystemUsage;
	/**
	 * Milliseconds, measured by the adapter with the runner's clock: `totalMs` the whole request;
	 * `ttftMs` time to the first answer byte of a streamed reply (SSE), else null.
	 */
	readonly timings: { readonly totalMs: number; readonly ttftMs: number | null };
	/** True when this output came from the response cache (no request was sent). */
	readonly cached?: boolean;
}

/** What is recorded about the system in the report (never header values or secrets). */
export interface SystemRef {
	readonly type: SystemType;
	/** The user's name for it, e.g. "support-bot v2 (staging)". */
	readonly label: string;
	/**
	 * Type-specific, secret-free description: `http` → `{method, url, headerNames}`, `exec` →
	 * `{command}`, `file` → `{path or name, sha256}`, `assay` → `{mode, topK, model, promptVersion}`.
	 */
	readonly details: Readonly<Record<string, unknown>>;
}

/** How one case is asked: the golden case, which repeat (0-based) and its seed. */
export interface SystemCaseRequest {
	readonly case: GoldenCase;
	/** 0 … repeats-1. */
	readonly repeat: number;
	/** `baseSeed + repeat`: sent where the system takes a seed (`{{seed}}` in an http body). */
	readonly seed: number;
	readonly signal?: AbortSignal;
}

/**
 * The port. `answer` resolves with the output, or throws an AssayError:
 * - `SYSTEM_REQUEST_FAILED` / `SYSTEM_RESPONSE_INVALID` / `RESULTS_FILE_INVALID`: this case
 *   failed (recorded as the case's error, counted, never scored 0); the run goes on;
 * - `SYSTEM_UNREACHABLE`: the system could not be reached after every retry; the runner stops
 *   and the report is marked incomplete (CLI exit 3).
 */
export interface SystemUnderTest {
	readonly ref: SystemRef;
	/**
	 * Everything besides the case that determines a reply, as canonical-JSON-able data (e.g. the
	 * rendered request minus secrets plus a hash of the secret values): part of the cache key.
	 */
	readonly cacheIdentity: unknown;
	answer(request: SystemCaseRequest): Promise<SystemOutput>;
}

/**
 * A response cache (CLI: files on disk; app: IndexedDB). Keys are SHA-256 hex of canonical JSON
 * of everything that determines the response (see `cache.ts`). Values are plain JSON.
 */
export interface ResponseCache {
	get(key: string): Promise<unknown | undefined>;
	put(key: string, value: unknown): Promise<void>;
}

/** Per-case outcome of one repeat, as the runner records it. */
export interface SystemCaseResult {
	readonly caseId: string;
	readonly repeat: number;
	readonly output: SystemOutput | null;
	/** Set when the case failed (output null): counted in the report's `errors`, never scored. */
	readonly error: AssayErrorData | null;
}
