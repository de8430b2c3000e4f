/**
 * A virtual clock for the serving benchmark runner (`BenchClock`), and a scripted streaming
 * client whose chunks arrive at given virtual times (shared by the serving tests; not a test
 * file). Time only moves when every task is waiting on a sleep: each `setImmediate` turn (after
 * all pending microtasks have run) wakes the earliest sleeper (ties in call order) and sets the
 * time to its deadline. So a run's timings are exactly the scripted ones, on any machine.
 */
import type { BenchClock, ServingRequest, StreamEvent, StreamingClient } from '../../src/lib/bench/serving/index.ts';

export class VirtualClock implements BenchClock {
	private now = 0;
	private seq = 0;
	private readonly timers: { at: number; seq: number; resolve: () => void }[] = [];
	private pending = false;

	nowMs(): number {
		return this.now;
	}

	sleepMs(ms: number): Promise<void> {
		return new Promise((resolve) => {
			this.timers.push({ at: this.now + Math.max(0, ms), seq: this.seq++, resolve });
			this.schedule();
		});
	}

	private schedule(): void {
		if (this.pending) return;
		this.pending = true;
		setImmediate(() => {
			this.pending = false;
			this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
			const next = this.timers.shift();
			if (!next) return;
			this.now = next.at;
			next.resolve();
			if (this.timers.length > 0) this.schedule();
		});
	}
}

/** One scripted reply: the first chunk after `ttftMs`, then one chunk after each gap. */
export interface ScriptedReply {
	readonly ttftMs: number;
	readonly gapsMs: readonly number[];
	/** Content of each chunk (default "tok" for every one). */
	readonly contents?: readonly string[];
	/** Usage chunk sent after the last content chunk (with no further delay); none when absent. */
	readonly usage?: { readonly promptTokens?: number; readonly completionTokens?: number };
	/** Throw this message after `ttftMs` instead of replying. */
	readonly failWith?: string;
}

/** A client that plays `replies[prompt]` on `clock`, recording each prompt it was sent. */
export function scriptedClient(clock: BenchClock, replies: Readonly<Record<string, ScriptedReply>>): StreamingClient & { sent: string[] } {
	const sent: string[] = [];
	return {
		sent,
		async *stream(request: ServingRequest): AsyncGenerator<StreamEvent> {
			sent.push(request.prompt);
			const reply = replies[request.prompt];
			if (!reply) throw new Error(`no scripted reply for "${request.prompt}"`);
			await clock.sleepMs(reply.ttftMs);
			if (reply.failWith) throw new Error(reply.failWith);
			yield { kind: 'choices', content: reply.contents?.[0] ?? 'tok' };
			for (const [i, gap] of reply.gapsMs.entries()) {
				await clock.sleepMs(gap);
				yield { kind: 'choices', content: reply.contents?.[i + 1] ?? 'tok' };
			}
			if (reply.usage) yield { kind: 'usage', ...reply.usage };
		}
	};
}
