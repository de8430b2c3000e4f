import { SvelteSet } from 'svelte/reactivity';
import type { SpanRecord } from '$lib/tracing/types.ts';
import { classifyFailures, DEFAULT_JUDGE_THRESHOLD, type FailureItem, type FailureReason } from '$lib/tracing/failures.ts';
import { promotionDraft, type PromotionDraft } from '$lib/tracing/promote.ts';
import type { AppCore } from './app-core.svelte.ts';
import { describe } from './describe.ts';

/** How many stored spans the view reads (the library keeps at most 5000). */
export const FAILURE_SPAN_LIMIT = 5000;

/**
 * State of the Failures page (Svelte 5 runes): every stored trace (own and imported) with negative
 * feedback, an error, a low judge score or a failed check (tracing/failures.ts), filtered by
 * reason, and the draft for promoting one to a golden set.
 */
export class FailuresView {
	ready = $state(false);
	error = $state<string | null>(null);
	/** Judge values below this (without a pass/fail label) are low. */
	judgeThreshold = $state(DEFAULT_JUDGE_THRESHOLD);
	/** Reasons shown; all when empty. */
	readonly reasons = new SvelteSet<FailureReason>();
	private spans = $state.raw<SpanRecord[]>([]);
	/** Every failed trace, newest first. */
	readonly all: FailureItem[] = $derived.by(() => {
		try {
			return classifyFailures(this.spans, { judgeThreshold: this.judgeThreshold });
		} catch {
			return classifyFailures(this.spans);
		}
	});
	/** The failures with a chosen reason (all when none is chosen). */
	readonly items: FailureItem[] = $derived(
		this.reasons.size === 0 ? this.all : this.all.filter((i) => i.reasons.some((r) => this.reasons.has(r)))
	);

	constructor(private readonly app: AppCore) {}

	/** Start the app if needed and read the stored spans. */
	async load(): Promise<void> {
		this.error = null;
		try {
			await this.app.start();
			this.spans = await this.app.api.recentSpans(FAILURE_SPAN_LIMIT);
		} catch (error) {
			this.error = describe(error);
		}
		this.ready = true;
	}

	/** Show or hide failures with `reason`. */
	toggle(reason: FailureReason, on: boolean): void {
		if (on) this.reasons.add(reason);
		else this.reasons.delete(reason);
	}

	/** The promotion draft of trace `traceId`. @throws AssayError `NOT_FOUND` when its spans are gone. */
	draft(traceId: string): PromotionDraft {
		return promotionDraft(this.spans, traceId);
	}

	/** The workspace golden sets are saved to (the app's current one). */
	get workspaceId(): string | null {
		return this.app.workspaceId ?? this.app.initialWorkspace()?.id ?? null;
	}
}
