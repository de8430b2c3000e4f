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
		yield { type: 'usage', usage: s.usage ?? { inputTokens: 0, outputTokens: played } };
		const cut = played < s.tokens.length;
		yield { type: 'done', finishReason: signal?.aborted ? 'abort' : cut ? 'length' : (s.finishReason ?? 'stop') };
	}
}
