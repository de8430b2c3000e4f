import { AssayError } from '$lib/shared/errors.ts';
import { documentReference } from '$lib/shared/identity.ts';
import { isSearchable } from '$lib/ingest/types.ts';
import type { GoldenCase, GoldenSetRecord } from '$lib/evals/golden/types.ts';
import {
	acceptSynthetic,
	enqueueSynthetic,
	generateSyntheticCases,
	pendingSynthetic,
	rejectSynthetic,
	type SyntheticDocument,
	type SyntheticEdits,
	type SyntheticItemError,
	type SyntheticLists
} from '$lib/evals/synthetic/index.ts';
import { chatModelFor } from './answer-engine.ts';
import type { AppCore } from './app-core.svelte.ts';
import { describe } from './describe.ts';

/** Most documents read for one generation (the first ones in the library's order). */
export const SYNTHETIC_MAX_DOCUMENTS = 200;

/** What the desk needs of the Evals page's state: the current golden set, a reload, and the page's banners. */
export interface SyntheticHost {
	readonly workspaceId: string | null;
	readonly goldenSet: GoldenSetRecord | null;
	reloadGoldenSets(): Promise<void>;
	error: string | null;
	notice: string | null;
}

/**
 * "Generate synthetic cases" on the Evals page (Svelte 5 runes): asks the answering role's model
 * (the same profile Ask and Answer evals use) for questions from the workspace's documents, puts
 * them in the current golden set's review queue (pending), and accepts, edits or rejects them.
 * Only accepted cases join the golden set's cases and so its evaluations.
 */
export class SyntheticDesk {
	/** Questions to ask for, 1–50. */
	count = $state(5);
	/** Share of multi-document questions, 0–1. */
	multiShare = $state(0.4);
	/** Seed of the excerpt choice (the same seed picks the same excerpts). */
	seed = $state(1);
	progress = $state<{ done: number; total: number } | null>(null);
	/** The last generation's failed items. */
	failures = $state<SyntheticItemError[]>([]);
	private abort: AbortController | null = null;
	/** The last queued change of a golden set (see `update`). */
	private chain: Promise<void> = Promise.resolve();

	/** `now`: the clock of `source.generatedAt`, ms since the epoch (injectable for tests). */
	constructor(
		private readonly app: AppCore,
		private readonly host: SyntheticHost,
		private readonly now: () => number = Date.now
	) {}

	/** The current golden set's cases waiting for review, in queue order. */
	get pending(): GoldenCase[] {
		return pendingSynthetic(this.host.goldenSet?.synthetic ?? []);
	}

	/** The model a generation will use, for the form's caption. */
	get modelLabel(): string {
		const kind = this.app.profiles.engineOf('answer');
		if (kind === 'webllm') return this.app.llm.loaded?.modelId ?? 'the in-browser model (not loaded)';
		const p = this.app.profiles.profileFor('answer');
		return `${p.endpoint.model || '(no model)'} on ${p.name}`;
	}

	/** Read up to {@link SYNTHETIC_MAX_DOCUMENTS} searchable documents, as the generator's input (chunk texts cut from the stored text by their offsets). */
	private async documents(workspaceId: string): Promise<SyntheticDocument[]> {
		const records = (await this.app.api.listDocuments(workspaceId))
			.filter((d) => isSearchable(d.status) && d.chunkCount > 0)
			.slice(0, SYNTHETIC_MAX_DOCUMENTS);
		const out: SyntheticDocument[] = [];
		for (const d of records) {
			const view = await this.app.api.documentView(d.id);
			out.push({ ref: documentReference(d), title: d.name, chunks: view.chunks.map((c) => view.text.slice(c.startOffset, c.endOffset)) });
		}
		return out;
	}

	/**
	 * Apply `change` to the stored golden set `goldenSetId` (read afresh, so a review made while a
	 * generation ran is kept) and reload the page's list. Changes run one after another: two quick
	 * clicks never save over each other.
	 */
	private update(workspaceId: string, goldenSetId: string, change: (lists: SyntheticLists) => SyntheticLists): Promise<void> {
		const next = this.chain.then(async () => {
			const gs = (await this.app.api.listGoldenSets(workspaceId)).find((g) => g.id === goldenSetId);
			if (!gs) throw new AssayError('NOT_FOUND', `The golden set ${goldenSetId} no longer exists.`);
			const lists = change({ cases: gs.cases, synthetic: gs.synthetic ?? [] });
			await this.app.api.saveGoldenSet(workspaceId, gs.id, gs.name, lists.cases, undefined, lists.synthetic);
			await this.host.reloadGoldenSets();
		});
		this.chain = next.catch(() => undefined);
		return next;
	}

	/** Generate `count` cases into the current golden set's review queue; failed items are listed in `failures`. */
	async generate(): Promise<void> {
		const gs = this.host.goldenSet;
		const workspaceId = this.host.workspaceId;
		if (!gs || !workspaceId || this.progress) return;
		const count = Math.max(1, Math.min(50, Math.round(this.count)));
		const job = this.app.jobs.start({
			kind: 'synthetic',
			label: `Synthetic cases: ${count} for ${gs.name}`,
			route: '/evals/',
			workspaceId,
			total: count,
			cancel: () => this.abort?.abort()
		});
		this.abort = new AbortController();
		this.progress = { done: 0, total: count };
		this.failures = [];
		await this.run(async () => {
			const kind = this.app.profiles.engineOf('answer');
			const model = chatModelFor(kind, $state.snapshot(this.app.profiles.endpointFor('answer')), this.app.llm.loaded);
			if (kind === 'endpoint') this.app.profiles.save();
			const docs = await this.documents(workspaceId);
			const result = await generateSyntheticCases(
				model,
				docs,
				{ count, multiShare: this.multiShare, seed: Math.round(this.seed) },
				{
					existing: [...gs.cases, ...(gs.synthetic ?? [])],
					nowMs: this.now(),
					signal: this.abort!.signal,
					onProgress: (done, total) => {
						this.progress = { done, total };
						job.progress(done, total);
					}
				}
			);
			await this.update(workspaceId, gs.id, (lists) => enqueueSynthetic(lists, result.cases));
			this.failures = result.errors;
			const failed = result.errors.length > 0 ? `; ${result.errors.length} failed` : '';
			const short =
				result.multiUnavailable > 0
					? `; ${result.multiUnavailable} multi-document asked for had no related pair (single-document instead)`
					: '';
			this.host.notice = `Generated ${result.cases.length} synthetic case(s) for review${failed}${short}.`;
			job.finish(this.abort?.signal.aborted ? 'cancelled' : 'done', `${result.cases.length} cases to review`);
		}, job);
		this.progress = null;
		this.abort = null;
	}

	/** Stop a running generation before its next item (what was made is kept for review). */
	cancel(): void {
		this.abort?.abort();
	}

	/** Accept a pending case (with the reviewer's edits): it joins the golden set's cases. */
	async accept(caseId: string, edits?: SyntheticEdits): Promise<void> {
		const gs = this.host.goldenSet;
		const workspaceId = this.host.workspaceId;
		if (!gs || !workspaceId) return;
		await this.run(() => this.update(workspaceId, gs.id, (lists) => acceptSynthetic(lists, caseId, edits)));
	}

	/** Reject a pending case: it stays out of the golden set's cases (kept, so it is not generated again). */
	async reject(caseId: string): Promise<void> {
		const gs = this.host.goldenSet;
		const workspaceId = this.host.workspaceId;
		if (!gs || !workspaceId) return;
		await this.run(() => this.update(workspaceId, gs.id, (lists) => rejectSynthetic(lists, caseId)));
	}

	private async run(fn: () => Promise<void>, job?: { finish(status: 'failed', detail: string): void }): Promise<void> {
		this.host.error = null;
		try {
			await fn();
		} catch (error) {
			this.host.error = describe(error);
			job?.finish('failed', this.host.error);
		}
	}
}
