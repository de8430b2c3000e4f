import { z } from '../../shared/zod.ts';
import { canonicalJson, sha256Text } from '../../shared/hash.ts';

/**
 * The OpenAI Batch API files (https://platform.openai.com/docs/api-reference/batch; the
 * `BatchRequestInput` and `BatchRequestOutput` schemas of OpenAI's openapi.yaml, v2.3.0):
 * - input: JSONL, one request per line `{"custom_id", "method": "POST", "url", "body"}` —
 *   `custom_id` a developer-provided per-request id "used to match outputs to inputs. Must be
 *   unique for each request in a batch" (providers that copy the API cap it at 64 characters),
 *   `method` only `POST`, `url` here `/v1/chat/completions`, `body` the endpoint's request body;
 * - output (and error file): JSONL, one line per request `{"id", "custom_id", "response":
 *   {"status_code", "request_id", "body"} | null, "error": {"code", "message"} | null}`, `body`
 *   the endpoint's JSON response (a `chat.completion`); lines come in any order.
 */

/** The one endpoint Assay batches: chat completions. */
export const BATCH_URL = '/v1/chat/completions';

/** What a batched request belongs to: an answer run's case, or a grading pass's judge request of a case. */
export type BatchKind = 'answer' | 'judge';

/** One line of a Batch API input file. */
export interface BatchInputLine {
	readonly custom_id: string;
	readonly method: 'POST';
	readonly url: typeof BATCH_URL;
	readonly body: Record<string, unknown>;
}

/**
 * The `custom_id` of one request: SHA-256 (64 hex characters, within the 64-character cap) of
 * the canonical JSON of `{kind, runId, caseId, body}`. So the id names the run, the case and the
 * exact request: an output line matches a request only if the request Assay would send now is
 * the one exported (a changed prompt, corpus or setting gives another id).
 */
export function batchCustomId(kind: BatchKind, runId: string, caseId: string, body: Record<string, unknown>): Promise<string> {
	return sha256Text(canonicalJson({ kind, runId, caseId, body }));
}

/** The input-file line of one request (key order as OpenAI's examples: custom_id, method, url, body). */
export function batchInputLine(customId: string, body: Record<string, unknown>): BatchInputLine {
	return { custom_id: customId, method: 'POST', url: BATCH_URL, body };
}

/** Lines as a JSONL file: one JSON object a line, each ended by `\n`. */
export function toJsonl(lines: readonly object[]): string {
	return lines.map((l) => `${JSON.stringify(l)}\n`).join('');
}

const completionSchema = z.object({
	choices: z
		.array(
			z.object({
				message: z.object({ content: z.string().nullable().optional() }).passthrough(),
				finish_reason: z.string().nullable().optional()
			})
		)
		.min(1),
	usage: z.object({ prompt_tokens: z.number().optional(), completion_tokens: z.number().optional() }).nullable().optional()
});

const outputLineSchema = z.object({
	id: z.string().optional(),
	custom_id: z.string().min(1),
	response: z.object({ status_code: z.number().int(), request_id: z.string().optional(), body: z.unknown() }).nullable().optional(),
	error: z.object({ code: z.string().nullable().optional(), message: z.string().nullable().optional() }).nullable().optional()
});

/** The parts of a `chat.completion` an answer or verdict needs. */
export interface BatchCompletion {
	/** `choices[0].message.content` ('' when null). */
	readonly text: string;
	/** `choices[0].finish_reason`: `length` → `length`, anything else → `stop`. */
	readonly finishReason: 'stop' | 'length';
	/** `usage` (`prompt_tokens`, `completion_tokens`), when the body has it. */
	readonly usage: { readonly inputTokens: number; readonly outputTokens: number } | null;
}

/** One output line, read: a usable completion, or why the request has none. */
export type BatchReply =
	| { readonly ok: true; readonly line: number; readonly completion: BatchCompletion }
	| { readonly ok: false; readonly line: number; readonly message: string };

/** A problem of one line or one item of an import, for the per-item report. */
export interface BatchProblem {
	/** 1-based line of the output file, when the problem is a line's. */
	readonly line?: number;
	readonly customId?: string;
	readonly caseId?: string;
	readonly message: string;
}

/**
 * Read a Batch API output (or error) file. Each non-blank line is one item:
 * - not JSON, or not `{custom_id, response?, error?}` → a problem of that line;
 * - `error` set, `response` null, a `status_code` other than 2xx, or a body that is not a
 *   `chat.completion` with `choices[0].message` → a failed reply (`ok: false`, the reason);
 * - otherwise a usable completion.
 * A `custom_id` seen twice is a problem of the second line (the first reply stays).
 * @returns replies by `custom_id`, and the problems of lines that name no usable request.
 */
export function parseBatchOutput(text: string): { replies: Map<string, BatchReply>; problems: BatchProblem[] } {
	const replies = new Map<string, BatchReply>();
	const problems: BatchProblem[] = [];
	text.split(/\r?\n/).forEach((raw, i) => {
		const line = i + 1;
		if (raw.trim() === '') return;
		let value: unknown;
		try {
			value = JSON.parse(raw);
		} catch {
			problems.push({ line, message: 'not JSON' });
			return;
		}
		const parsed = outputLineSchema.safeParse(value);
		if (!parsed.success) {
			problems.push({
				line,
				message: `not a Batch API output line (${parsed.error.issues[0]?.path.join('.') || 'line'}: ${parsed.error.issues[0]?.message ?? 'invalid'})`
			});
			return;
		}
		const { custom_id: customId, response, error } = parsed.data;
		if (replies.has(customId)) {
			problems.push({ line, customId, message: 'custom_id repeated; the first reply is kept' });
			return;
		}
		replies.set(customId, readReply(line, response ?? null, error ?? null));
	});
	return { replies, problems };
}

function readReply(
	line: number,
	response: { status_code: number; body?: unknown } | null,
	error: { code?: string | null; message?: string | null } | null
): BatchReply {
	if (error) return { ok: false, line, message: `the batch reported ${error.code ?? 'an error'}: ${error.message ?? 'no message'}` };
	if (!response) return { ok: false, line, message: 'no response and no error' };
	if (response.status_code < 200 || response.status_code > 299) {
		const detail = (response.body as { error?: { message?: unknown } } | undefined)?.error?.message;
		return { ok: false, line, message: `HTTP ${response.status_code}${typeof detail === 'string' ? `: ${detail}` : ''}` };
	}
	const body = completionSchema.safeParse(response.body);
	if (!body.success) return { ok: false, line, message: 'the response body is not a chat.completion with choices[0].message' };
	const choice = body.data.choices[0]!;
	const usage = body.data.usage;
	return {
		ok: true,
		line,
		completion: {
			text: choice.message.content ?? '',
			finishReason: choice.finish_reason === 'length' ? 'length' : 'stop',
			usage: usage ? { inputTokens: usage.prompt_tokens ?? 0, outputTokens: usage.completion_tokens ?? 0 } : null
		}
	};
}
