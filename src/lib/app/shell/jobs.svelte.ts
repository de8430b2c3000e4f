import { SvelteMap } from 'svelte/reactivity';

/**
 * Long jobs of the whole app (imports, embedding, experiment runs, answer runs, grading, BEIR
 * imports, model downloads, system evaluations), kept in the app context so their progress stays
 * visible while the user moves between pages. Pages start a job and update it through its handle;
 * the shell lists every job (running ones first) with progress and a cancel button.
 */

/** What a job does; the shell names it and links back to the page that started it. */
export type JobKind =
	| 'import'
	| 'embed'
	| 'experiment'
	| 'answers'
	| 'grading'
	| 'beir'
	| 'model-download'
	| 'system-eval'
	| 'agent-eval'
	| 'bench'
	| 'synthetic';

/** Where a job is. `done`, `failed` and `cancelled` are final. */
export type JobStatus = 'running' | 'done' | 'failed' | 'cancelled';

/** One job as the shell shows it. */
export interface Job {
	/** Unique within the tab. */
	readonly id: string;
	readonly kind: JobKind;
	/** Short human label, e.g. `Import of 12 files`. */
	readonly label: string;
	/** Route of the page that started it (`/`, `/evals/`, …), for "open". */
	readonly route: string;
	/** Workspace the job works on, when it has one. */
	readonly workspaceId: string | null;
	status: JobStatus;
	/** Items finished, 0 ≤ done ≤ total. */
	done: number;
	/** Items in all; `null` while unknown (a download before its size is known). */
	total: number | null;
	/** The latest line of detail (file name, error message, …). */
	detail: string | null;
	/** When it started, ms since the epoch (from the injected clock). */
	readonly startedAtMs: number;
	/** When it reached a final status. */
	endedAtMs: number | null;
}

/** What a page keeps to drive its job. */
export interface JobHandle {
	readonly id: string;
	/** Report progress (`total` unchanged when omitted). */
	progress(done: number, total?: number | null, detail?: string | null): void;
	/** End the job; a job that already ended is left as it is. */
	finish(status: Exclude<JobStatus, 'running'>, detail?: string | null): void;
}

/** How many ended jobs the list keeps (the oldest ended ones go first). */
export const KEPT_ENDED_JOBS = 8;

/** The app's job list (Svelte 5 runes). `now` is injectable so tests need no clock. */
export class Jobs {
	items = $state<Job[]>([]);
	/** Reactive: the shell shows a Cancel button while a job has an entry here. */
	private readonly cancels = new SvelteMap<string, () => void>();
	private next = 0;

	constructor(private readonly now: () => number = Date.now) {}

	/** Running jobs, oldest first. */
	readonly running = $derived(this.items.filter((j) => j.status === 'running'));

	/**
	 * Start a job. `cancel`, when given, is what the shell's Cancel button calls (the page then
	 * finishes the job as `cancelled` when its work has stopped).
	 */
	start(init: {
		kind: JobKind;
		label: string;
		route: string;
		workspaceId?: string | null;
		total?: number | null;
		cancel?: () => void;
	}): JobHandle {
		const id = `job-${++this.next}`;
		const job: Job = {
			id,
			kind: init.kind,
			label: init.label,
			route: init.route,
			workspaceId: init.workspaceId ?? null,
			status: 'running',
			done: 0,
			total: init.total ?? null,
			detail: null,
			startedAtMs: this.now(),
			endedAtMs: null
		};
		if (init.cancel) this.cancels.set(id, init.cancel);
		this.items = [...this.items, job];
		return {
			id,
			progress: (done, total, detail) =>
				this.update(id, (j) => {
					j.done = done;
					if (total !== undefined) j.total = total;
					if (detail !== undefined) j.detail = detail;
				}),
			finish: (status, detail) =>
				this.update(id, (j) => {
					j.status = status;
					j.endedAtMs = this.now();
					if (detail !== undefined) j.detail = detail;
					this.cancels.delete(id);
				})
		};
	}

	/** Whether the job can be cancelled from the shell. */
	cancellable(id: string): boolean {
		return this.cancels.has(id);
	}

	/** Ask the job's owner to stop it. */
	cancel(id: string): void {
		this.cancels.get(id)?.();
	}

	/** Forget ended jobs. */
	clearEnded(): void {
		this.items = this.items.filter((j) => j.status === 'running');
	}

	private update(id: string, change: (job: Job) => void): void {
		const job = this.items.find((j) => j.id === id);
		if (!job || job.status !== 'running') return;
		change(job);
		// Only an ending job can push the list past its limit: progress events skip the trim.
		if (job.status === 'running') return;
		const ended = this.items.filter((j) => j.status !== 'running');
		if (ended.length > KEPT_ENDED_JOBS) {
			// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local lookup, not state
			const drop = new Set(ended.slice(0, ended.length - KEPT_ENDED_JOBS).map((j) => j.id));
			this.items = this.items.filter((j) => !drop.has(j.id));
		}
	}
}
