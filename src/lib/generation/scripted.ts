import type { ChatModel, ChatRequest, ChatUsage, FinishReason, ModelStreamEvent } from './types.ts';
import type { AssayErrorData } from '../shared/errors.ts';

/** What a {@link ScriptedChatModel} plays back. */
export interface ChatScript {
	/** Text pieces yielded as `token` events, in order. */
	readonly tokens: readonly string[];
	/** Wait before the first token, ms (default 0). */
	readonly firstTokenDelayMs?: number;
	/** Wait between later tokens, ms (default 0). */
	readonly tokenDelayMs?: number;
	/** Usage reported at the end; default `{inputTokens: 0, outputTokens: tokens.length}`. */
	readonly usage?: ChatUsage;
	/** Finish reason when all tokens were played (default `stop`). */
	readonly finishReason?: Exclude<FinishReason, 'abort'>;
	/** Yield this error after the tokens instead of usage/done. */
	readonly error?: AssayErrorData;
	/**
	 * Tool calls made after the tokens, yielded as `tool_call` events (finish reason `tool_calls`).
	 * `arguments` as a string is sent raw — possibly malformed JSON, to test validation; `id`
	 * defaults to `call_<n>` (1-based over the model's lifetime, so ids stay unique across turns).
	 */
	readonly toolCalls?: readonly { readonly id?: string; readonly name: string; readonly arguments: object | string }[];
}

/** A sleep that resolves early when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

const realSleep: Sleep = (ms, signal) =>
	new Promise((resolve) => {
		if (ms <= 0 || signal?.aborted) return resolve();
		const timer = setTimeout(resolve, ms);
		signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
	});

/**
 * Deterministic fake of the {@link ChatModel} port for tests: plays a script (or a function of
 * the request) back as a token stream with configurable delays and usage numbers. Records every
 * request in `requests`. Honours abort like a real engine (`done` with `abort`).
 */
export class ScriptedChatModel implements ChatModel {
	readonly provider = 'scripted';
	readonly requests: ChatRequest[] = [];
	private callCount = 0;

	constructor(
		readonly modelId: string,
		private readonly script: ChatScript | ((request: ChatRequest) => ChatScript),
		private readonly sleep: Sleep = realSleep
	) {}

	async *stream(request: ChatRequest, signal?: AbortSignal): AsyncIterable<ModelStreamEvent> {
		this.requests.push(request);
		const s = typeof this.script === 'function' ? this.script(request) : this.script;
		let played = 0;
		for (const text of s.tokens) {
			await this.sleep(played === 0 ? (s.firstTokenDelayMs ?? 0) : (s.tokenDelayMs ?? 0), signal);
			if (signal?.aborted) break;
			if (played >= request.maxTokens) break;
			yield { type: 'token', text };
			played++;
		}
		if (s.error && !signal?.aborted) {
			yield { type: 'error', error: s.error };
			return;
		}
		const cut = played < s.tokens.length;
		// A turn cut by maxTokens or an abort never got as far as its calls.
		const calls = signal?.aborted || cut ? [] : (s.toolCalls ?? []);
		for (const c of calls) {
			const id = c.id ?? `call_${++this.callCount}`;
			yield {
				type: 'tool_call',
				call: { id, name: c.name, argumentsJson: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments) }
			};
		}
		yield { type: 'usage', usage: s.usage ?? { inputTokens: 0, outputTokens: played } };
		const finish = calls.length > 0 ? 'tool_calls' : (s.finishReason ?? 'stop');
		yield { type: 'done', finishReason: signal?.aborted ? 'abort' : cut ? 'length' : finish };
	}
}
