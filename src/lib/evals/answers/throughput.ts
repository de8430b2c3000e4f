import type { ChatModel, ChatRequest, ModelStreamEvent } from '../../generation/types.ts';

/**
 * Throughput of a run so far: `cases` kept and `outputTokens` generated over `elapsedMs` of the
 * run's clock. `casesPerS` = cases / (elapsedMs / 1000), `outputTokensPerS` = outputTokens /
 * (elapsedMs / 1000) — the request throughput and output token throughput of vLLM's
 * `benchmark_serving` ("Request throughput (req/s)", "Output token throughput (tok/s)"), taken
 * over the wall time of the run rather than a benchmark window. Both `null` while
 * `elapsedMs` is 0 (nothing can be divided yet).
 */
export interface Throughput {
	readonly cases: number;
	readonly outputTokens: number;
	/** Clock milliseconds since the run started. */
	readonly elapsedMs: number;
	readonly casesPerS: number | null;
	readonly outputTokensPerS: number | null;
}

/** {@link Throughput} of `cases` and `outputTokens` over `elapsedMs` (rates `null` for elapsed ≤ 0). */
export function throughputOf(cases: number, outputTokens: number, elapsedMs: number): Throughput {
	const s = elapsedMs / 1000;
	return {
		cases,
		outputTokens,
		elapsedMs,
		casesPerS: elapsedMs > 0 ? cases / s : null,
		outputTokensPerS: elapsedMs > 0 ? outputTokens / s : null
	};
}

/**
 * Measures a run's throughput with an injected milliseconds clock (`performance.now` in the
 * app, a scripted clock in tests): starts at construction; {@link addCase} per kept case and
 * {@link addOutputTokens} per engine usage report.
 */
export class ThroughputMeter {
	private readonly startMs: number;
	private cases = 0;
	private tokens = 0;

	constructor(private readonly clock: () => number) {
		this.startMs = clock();
	}

	addCase(): void {
		this.cases++;
	}

	/** Add `n` output tokens (the engine's `completion_tokens`; ignored unless a finite number ≥ 0). */
	addOutputTokens(n: number | null | undefined): void {
		if (typeof n === 'number' && Number.isFinite(n) && n > 0) this.tokens += n;
	}

	/** Throughput now (clock read at the call). */
	snapshot(): Throughput {
		return throughputOf(this.cases, this.tokens, this.clock() - this.startMs);
	}

	/**
	 * `model`, counting each stream's `usage.outputTokens` into this meter (a judge reports no
	 * tokens per verdict, so grading counts them here). Streams pass through unchanged.
	 */
	counting(model: ChatModel): ChatModel {
		const add = (n: number) => this.addOutputTokens(n);
		return {
			modelId: model.modelId,
			provider: model.provider,
			async *stream(request: ChatRequest, signal?: AbortSignal): AsyncIterable<ModelStreamEvent> {
				for await (const event of model.stream(request, signal)) {
					if (event.type === 'usage') add(event.usage.outputTokens);
					yield event;
				}
			}
		};
	}
}

/** "2.50 cases/s · 41.0 output tokens/s" (three significant digits; "—" where not measurable yet). */
export function formatThroughput(t: Throughput): string {
	const f = (v: number | null) => (v === null ? '—' : v.toPrecision(3));
	return `${f(t.casesPerS)} cases/s · ${f(t.outputTokensPerS)} output tokens/s`;
}
