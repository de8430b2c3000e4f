import type { AppConfig } from '$lib/config/schema.ts';
import { REWRITE_DEFAULTS, rewriteQuery, type RewriteTechnique } from '$lib/search/rewrite/index.ts';
import type { SearchRequest } from '$lib/services/library-api.ts';
import { chatModelFor } from './answer-engine.ts';
import { responseRewriteCache } from './eval-rewrite.ts';
import { newId } from '$lib/shared/ids.ts';
import type { DocumentRecord, WorkspaceRecord } from '$lib/ingest/types.ts';
import type {
	DocumentView,
	ImportFileInput,
	ImportProgress,
	ImportReport,
	IndexStatus,
	SearchHit,
	SearchResponse
} from '$lib/services/library-api.ts';
import type { SpanRecord } from '$lib/tracing/types.ts';
import type { PendingJob } from '$lib/storage/index.ts';
import type { GoldenSetRecord } from '$lib/evals/golden/types.ts';
import { LibraryClient, type WorkerEvent } from './library-client.ts';
import type { AppCore } from './app-core.svelte.ts';
import { describe } from './describe.ts';
import { loadDemoFiles } from './demo.ts';
import { coalesced } from './coalesce.ts';
import { batched, ImportTally, type ImportTallySnapshot, type Schedule } from './import-tally.ts';
import { loadRunAs, saveRunAs } from './run-as.ts';
import { documentReference } from '$lib/shared/identity.ts';

/** How often the page applies an import's progress events, milliseconds. */
const PROGRESS_UPDATE_MS = 100;
/** From this many documents, the document list is not refreshed during an import (only at its end). */
export const LIVE_LIST_LIMIT = 1000;
/** Files per message when a pick is handed to the worker (≈ 50 ms of this thread each in Chromium). */
const HAND_OVER_SLICE = 200;

/** A running or finished import, as the page shows it (replaced whole at each update: no deep reactivity over items). */
export interface ImportState {
	readonly jobId: string;
	total: number;
	done: number;
	/** Counts and the first problem files, replaced at each flush (never a list of every item). */
	tally: ImportTallySnapshot;
	report: ImportReport | null;
	/** True when this import was interrupted by a closed tab and resumed from stored files. */
	resumed: boolean;
	/** Files of a resumed import that the tab closed before storing (they must be picked again). */
	notStaged: number;
}

/**
 * The library page's state and actions (Svelte 5 runes): a view over the app context (its worker,
 * workspace, model link). Kept by the context for the whole visit, so an import keeps running and
 * keeps its progress while the user is on another page.
 */
export class Workbench {
	/** Replaced whole on each refresh (never mutated in place): no deep proxy over thousands of records. */
	documents = $state.raw<DocumentRecord[]>([]);
	indexStatus = $state<IndexStatus | null>(null);
	config = $state<AppConfig | null>(null);
	importState = $state.raw<ImportState | null>(null);
	/** Imports of this workspace that stopped on a full disk: they wait for "Retry import" or "Discard staged files". */
	stoppedImports = $state<PendingJob[]>([]);
	searchResponse = $state<SearchResponse | null>(null);
	searchError = $state<string | null>(null);
	/** The last action's error, shown near the control that caused it. */
	actionError = $state<string | null>(null);
	openDocument = $state<{ view: DocumentView; focus: SearchHit | null } | null>(null);
	spans = $state<SpanRecord[]>([]);
	ready = $state(false);

	/** The workspace whose documents, config and index are loaded here. */
	private loadedWorkspaceId: string | null = null;
	private started = false;

	/**
	 * `schedule` (a timer; injected so tests control time) paces the page's import progress: the
	 * events of 100 ms are applied in one update.
	 */
	constructor(
		private readonly app: AppCore,
		private readonly schedule: Schedule = (run, delayMs) => void setTimeout(run, delayMs)
	) {}

	get workspaces(): WorkspaceRecord[] {
		return this.app.workspaces;
	}
	get workspaceId(): string | null {
		return this.app.workspaceId;
	}
	get workspace(): WorkspaceRecord | null {
		return this.app.workspace;
	}
	/** A blocking problem (storage upgraded elsewhere, worker failure), from the app context. */
	get banner(): string | null {
		return this.app.banner;
	}
	get storage() {
		return this.app.storage;
	}
	/** Dense index, embedding jobs, models, retrieval mode, run-as identity (one per app). */
	get semantic() {
		return this.app.semantic;
	}
	readonly readyDocuments = $derived(this.documents.filter((d) => d.status === 'ready' || d.status === 'ready-with-warnings'));
	readonly importing = $derived(this.importState !== null && this.importState.report === null);

	private get api() {
		return this.app.api;
	}

	/**
	 * The page is shown. The first time: start the app (its one worker), seed the demo workspace on a
	 * first visit unless `?demo=0`, open the workspace. Later: reopen the app's workspace if another
	 * page switched it, else refresh what other pages may have changed. `onDemoSeeded` is called
	 * once the demo is seeded (e.g. to offer the first-run guide).
	 */
	async show(options: { seedDemo: boolean; onDemoSeeded?: () => void }): Promise<void> {
		if (this.started) {
			const id = this.app.workspaceId;
			if (id && id !== this.loadedWorkspaceId) await this.selectWorkspace(id);
			else if (id && !this.importing) await this.guard(() => this.refreshDocuments());
			return;
		}
		this.started = true;
		await this.app.start();
		this.app.onWorkerEvent((e) => this.onWorkerEvent(e));
		// Lexical search works even if the model worker cannot start.
		await this.semantic.start().catch((error) => (this.semantic.error = describe(error)));
		await this.guard(async () => {
			if (this.app.workspaces.length === 0) {
				const ws = options.seedDemo ? await this.seedDemo() : await this.api.createWorkspace('My library');
				await this.app.refreshWorkspaces();
				await this.selectWorkspace(ws.id);
				if (options.seedDemo) options.onDemoSeeded?.();
			} else {
				await this.selectWorkspace(this.app.initialWorkspace()!.id);
			}
		});
		// Not awaited: Chromium's storage estimate takes seconds with a large database, and the
		// library is usable without it (the storage line fills in when it arrives).
		void this.storage.refresh().catch(() => undefined);
		this.ready = true;
	}

	/** Make `id` the current workspace (of every page) and load its index (lexical search is ready after). */
	async selectWorkspace(id: string): Promise<void> {
		this.app.setWorkspace(id);
		this.loadedWorkspaceId = id;
		this.semantic.runAs = loadRunAs(localStorage, id);
		this.searchResponse = null;
		this.importState = null;
		this.stoppedImports = [];
		this.indexStatus = null;
		await this.guard(async () => {
			this.config = await this.api.workspaceConfig(id);
			this.rewrite = this.config.retrieval.rewrite?.technique ?? 'off';
			this.rewriteCount = this.config.retrieval.rewrite?.count ?? REWRITE_DEFAULTS.count;
			this.indexStatus = await this.api.openWorkspace(id);
			await this.refreshDocuments();
			// The vector index loads in the background; lexical search is ready now.
			void this.semantic.refresh(id).catch((error) => (this.semantic.error = describe(error)));
		});
		// Not awaited: the workspace is usable (search, documents) while the resumed import runs.
		void this.resumePendingImports(id);
	}

	/**
	 * Carry on with imports a closed or crashed tab left unfinished (their files are stored).
	 * A job that stopped on a full disk is not retried unasked: it is listed in `stoppedImports`.
	 */
	private async resumePendingImports(workspaceId: string): Promise<void> {
		let jobs: PendingJob[] = [];
		await this.guard(async () => {
			jobs = await this.api.pendingImports(workspaceId);
		});
		if (this.workspaceId !== workspaceId) return;
		this.stoppedImports = jobs.filter((j) => j.stopped);
		for (const job of jobs) {
			if (this.workspaceId !== workspaceId) return;
			if (job.stopped) continue;
			await this.trackImport(workspaceId, job.jobId, job.staged, job.total - job.staged, (onProgress) =>
				this.api.resumeImport(workspaceId, job.jobId, onProgress)
			);
		}
	}

	/** Retry an import that stopped on a full disk (after the user freed space). */
	async retryImport(jobId: string): Promise<void> {
		const workspaceId = this.workspaceId;
		const job = this.stoppedImports.find((j) => j.jobId === jobId);
		if (!workspaceId || !job || this.importing) return;
		this.stoppedImports = this.stoppedImports.filter((j) => j.jobId !== jobId);
		await this.trackImport(workspaceId, jobId, job.staged, job.total - job.staged, (onProgress) =>
			this.api.resumeImport(workspaceId, jobId, onProgress)
		);
	}

	/** Drop the staged files of a stopped import (frees their space; imported documents stay). */
	async discardImport(jobId: string): Promise<void> {
		const workspaceId = this.workspaceId;
		if (!workspaceId) return;
		await this.guard(async () => {
			await this.api.discardImport(workspaceId, jobId);
			await this.refreshStoppedImports(workspaceId);
		});
		await this.storage.refresh();
	}

	private async refreshStoppedImports(workspaceId: string): Promise<void> {
		const jobs = await this.api.pendingImports(workspaceId);
		if (this.workspaceId === workspaceId) this.stoppedImports = jobs.filter((j) => j.stopped);
	}

	/** Decode a document again with the encoding the user picked (after an uncertain detection). */
	async redecode(documentId: string, encoding: string): Promise<void> {
		await this.guard(async () => {
			const item = await this.api.redecodeDocument(documentId, encoding);
			if (item.error) this.actionError = item.error.message;
			await this.refreshDocuments();
			if (this.workspaceId) this.indexStatus = await this.api.openWorkspace(this.workspaceId);
		});
	}

	/** Import an unsupported document that looks like text again, as plain text ("Read as text"). */
	async readAsText(documentId: string): Promise<void> {
		await this.guard(async () => {
			const item = await this.api.readAsText(documentId);
			if (item.error) this.actionError = item.error.message;
			await this.refreshDocuments();
			if (this.workspaceId) this.indexStatus = await this.api.openWorkspace(this.workspaceId);
		});
	}

	/** Validate and store the workspace configuration (the worker rebuilds what it must). */
	async saveConfig(config: AppConfig): Promise<void> {
		const id = this.workspaceId;
		if (!id) return;
		const before = this.semantic.status;
		await this.guard(async () => {
			this.indexStatus = await this.api.updateWorkspaceConfig(id, config);
			this.config = await this.api.workspaceConfig(id);
			await this.refreshDocuments();
			await this.semantic.refreshSettled(id);
		});
		// A new embedding model for a workspace that had vectors: embed again (never mix two models).
		const after = this.semantic.status;
		if (before && after && before.vectorCount > 0 && after.modelKey !== before.modelKey && after.pendingChunks > 0)
			await this.semantic.embed(id);
	}

	async createWorkspace(name: string): Promise<void> {
		await this.guard(async () => {
			const ws = await this.api.createWorkspace(name.trim() || 'Untitled');
			await this.app.refreshWorkspaces();
			await this.selectWorkspace(ws.id);
		});
	}

	async deleteWorkspace(id: string): Promise<void> {
		await this.guard(async () => {
			await this.api.deleteWorkspace(id);
			if ((await this.app.refreshWorkspaces()).length === 0) {
				await this.api.createWorkspace('My library');
				await this.app.refreshWorkspaces();
			}
			await this.selectWorkspace(this.app.workspaces[0]!.id);
		});
	}

	/** Import files into the current workspace, with per-file progress. */
	async importFiles(files: ImportFileInput[]): Promise<void> {
		const workspaceId = this.workspaceId;
		if (!workspaceId || files.length === 0 || this.importing) return;
		const jobId = newId('import');
		await this.trackImport(workspaceId, jobId, files.length, null, async (onProgress) => {
			// A big pick goes to the worker in slices (a File costs ~0.26 ms of this thread to post), yielding between.
			let sent = 0;
			for (; files.length - sent > HAND_OVER_SLICE; sent += HAND_OVER_SLICE) {
				await this.api.handOverImportFiles(jobId, files.slice(sent, sent + HAND_OVER_SLICE));
				await new Promise<void>((resolve) => this.schedule(resolve, 0));
			}
			return this.api.importFiles(workspaceId, files.slice(sent), jobId, onProgress);
		});
	}

	/**
	 * Run an import with its progress shown, then refresh what it changed. `notStaged`: for a
	 * resumed import, how many picked files were not stored before the tab closed (`null` for a new one).
	 */
	private async trackImport(
		workspaceId: string,
		jobId: string,
		total: number,
		notStaged: number | null,
		run: (onProgress: (p: ImportProgress) => void) => Promise<ImportReport>
	): Promise<void> {
		const tally = new ImportTally();
		const state: ImportState = {
			jobId,
			total,
			done: 0,
			tally: tally.snapshot(),
			report: null,
			resumed: notStaged !== null,
			notStaged: notStaged ?? 0
		};
		this.importState = state;
		const job = this.app.jobs.start({
			kind: 'import',
			label: `${notStaged === null ? 'Import' : 'Resumed import'} of ${total} file${total === 1 ? '' : 's'}`,
			route: '/',
			workspaceId,
			total,
			cancel: () => void this.api.cancelImport(jobId)
		});
		const listing = this.documentListing(workspaceId);
		// O(1) per file: the tally counts as events arrive; the page is updated once per scheduled tick.
		const progress = batched<ImportProgress>(
			(events) => {
				if (this.importState?.jobId !== jobId) return;
				const last = events[events.length - 1]!;
				this.importState = { ...this.importState, done: last.done, total: last.total, tally: tally.snapshot() };
				job.progress(last.done, last.total, last.item.relativePath);
				listing.request();
			},
			this.schedule,
			PROGRESS_UPDATE_MS
		);
		const onProgress = LibraryClient.listener((p: ImportProgress) => {
			if (p.jobId !== jobId) return;
			tally.add(p.item);
			progress.push(p);
		});
		await this.guard(async () => {
			const report = await run(onProgress);
			progress.flushNow();
			if (this.importState?.jobId === jobId) this.importState = { ...this.importState, report };
			job.finish(report.cancelled ? 'cancelled' : report.stopped ? 'failed' : 'done', importSummary(report));
			if (report.stopped) await this.refreshStoppedImports(workspaceId);
		});
		// When the import threw, the guard holds the error and the job is still running: end it failed (a no-op after finish above).
		job.finish('failed', this.actionError);
		// No refresh from the job may land after (and overwrite) the final one.
		await listing.settled();
		await this.refreshDocuments();
		this.indexStatus = await this.api.openWorkspace(workspaceId);
		await this.semantic.refreshSettled(workspaceId);
		// New chunks in a workspace that already has vectors are embedded too, so dense search stays complete.
		const s = this.semantic.status;
		if (s && s.vectorCount > 0 && s.pendingChunks > 0) await this.semantic.embed(workspaceId);
		await this.storage.refresh();
	}

	/**
	 * Refreshes of the document list during an import: each stored file shows before the import
	 * ends while the list is short; a refresh waits 4× its own last duration (at least 250 ms)
	 * after the previous one. A refresh costs O(documents) on this thread (the list is copied from
	 * the worker and sorted), so from {@link LIVE_LIST_LIMIT} documents on the list is refreshed
	 * when the import ends, and the progress panel's counts are the live view.
	 */
	private documentListing(workspaceId: string) {
		let lastMs = 0;
		return coalesced(
			async () => {
				if (this.documents.length >= LIVE_LIST_LIMIT) return;
				const t0 = performance.now();
				const docs = await this.api.listDocuments(workspaceId);
				if (this.workspaceId === workspaceId) this.documents = docs;
				lastMs = performance.now() - t0;
			},
			() => new Promise<void>((resolve) => this.schedule(resolve, Math.max(250, 4 * lastMs)))
		);
	}

	async cancelImport(): Promise<void> {
		if (this.importState) await this.api.cancelImport(this.importState.jobId);
	}

	async removeDocument(id: string): Promise<void> {
		await this.guard(async () => {
			await this.api.removeDocument(id);
			await this.refreshDocuments();
			if (this.workspaceId) this.indexStatus = await this.api.openWorkspace(this.workspaceId);
		});
	}

	/** Query rewriting before retrieval with the answering model: off (default), multi-query, hyde or expand. */
	rewrite = $state<'off' | RewriteTechnique>('off');
	/** Rewrites (multi-query) or most keywords (expand), 1–10. */
	rewriteCount = $state<number>(REWRITE_DEFAULTS.count);

	/**
	 * Search in the chosen mode; an empty query clears the results. With rewriting on, the query
	 * is first rewritten here with the answering role's engine (cached in `responseCache`); a
	 * failed or malformed rewrite falls back to the query as typed (the response says so).
	 */
	async search(query: string, topK: number, documentIds: string[]): Promise<void> {
		this.searchError = null;
		if (!this.workspaceId || query.trim() === '') {
			this.searchResponse = null;
			return;
		}
		try {
			// Plain copies: Svelte state proxies cannot be structured-cloned to the worker.
			const runAs = this.semantic.runAs ? { user: this.semantic.runAs.user, groups: [...this.semantic.runAs.groups] } : undefined;
			// Ask, answer runs and evaluations of this workspace retrieve as the same principal.
			saveRunAs(localStorage, this.workspaceId, runAs ?? null);
			const rewrite = this.rewrite === 'off' ? undefined : await this.rewriteFor(query, this.rewrite);
			this.searchResponse = await this.api.search({
				workspaceId: this.workspaceId,
				query,
				topK,
				documentIds: [...documentIds],
				mode: this.semantic.mode,
				filter: this.semantic.filter,
				...(runAs ? { runAs } : {}),
				...(rewrite ? { rewrite } : {})
			});
			this.lastQuery = query;
		} catch (error) {
			this.searchError = describe(error);
		}
	}

	private async rewriteFor(query: string, technique: RewriteTechnique): Promise<NonNullable<SearchRequest['rewrite']>> {
		const model = chatModelFor(this.app.profiles.engineOf('answer'), this.app.profiles.endpointFor('answer'), this.app.llm.loaded);
		const count = Math.min(10, Math.max(1, Math.round(this.rewriteCount)));
		const config = { technique, count, maxTokens: REWRITE_DEFAULTS.maxTokens };
		const plan = await rewriteQuery(query, config, { model, cache: responseRewriteCache(this.app) });
		return { plan, model: { modelId: model.modelId, provider: model.provider } };
	}

	/** Open a document's text, scrolled to a hit's chunk when given. */
	async open(documentId: string, focus: SearchHit | null = null): Promise<void> {
		await this.guard(async () => {
			this.openDocument = { view: await this.api.documentView(documentId), focus };
		});
	}

	async loadSpans(): Promise<void> {
		await this.guard(async () => {
			this.spans = await this.api.recentSpans(200);
		});
	}

	private async seedDemo(): Promise<WorkspaceRecord> {
		const demo = await loadDemoFiles();
		const ws = await this.api.createWorkspace(demo.name);
		await this.api.importFiles(ws.id, demo.files, newId('import'));
		// The demo's golden set references documents by relative path, so it resolves after the import.
		if (demo.goldenSet)
			await this.api.importGoldenSet(ws.id, demo.goldenSet.name, { format: demo.goldenSet.format, text: demo.goldenSet.text });
		return ws;
	}

	private remoteRefresh: { running: boolean; again: boolean } = { running: false, again: false };

	/** Refresh after other tabs' changes; announcements arriving meanwhile (one per file) coalesce into one more refresh. */
	private async refreshAfterRemoteChange(workspaceId: string): Promise<void> {
		if (this.remoteRefresh.running) {
			this.remoteRefresh.again = true;
			return;
		}
		this.remoteRefresh.running = true;
		try {
			do {
				this.remoteRefresh.again = false;
				await this.guard(async () => {
					await this.refreshDocuments();
					if (this.workspaceId === workspaceId) this.indexStatus = await this.api.openWorkspace(workspaceId);
				});
			} while (this.remoteRefresh.again && this.workspaceId === workspaceId);
		} finally {
			this.remoteRefresh.running = false;
		}
	}

	private async refreshDocuments(): Promise<void> {
		if (this.workspaceId) this.documents = await this.api.listDocuments(this.workspaceId);
	}

	/** Another tab imported or removed documents here: show them (its worker has synced the index). Banners are the app context's. */
	private onWorkerEvent(event: WorkerEvent): void {
		if (event.type === 'assay:documents-changed' && event.workspaceId === this.workspaceId && !this.importing)
			void this.refreshAfterRemoteChange(event.workspaceId);
	}

	/** Golden sets of the current workspace, for "add to golden set" from a search. */
	goldenSets = $state<GoldenSetRecord[]>([]);
	/** The query of the shown search response. */
	lastQuery = $state('');

	async loadGoldenSets(): Promise<void> {
		const id = this.workspaceId;
		if (id) await this.guard(async () => void (this.goldenSets = await this.api.listGoldenSets(id)));
	}

	/**
	 * Add the last search's query as a golden case judging the chosen documents relevant (grade 1),
	 * to an existing golden set or to a new one named `newName` when `goldenSetId` is null.
	 * Documents are referenced portably (corpus id, else relative path).
	 */
	async addSearchToGoldenSet(goldenSetId: string | null, newName: string, documentIds: readonly string[]): Promise<void> {
		const workspaceId = this.workspaceId;
		if (!workspaceId || documentIds.length === 0 || this.lastQuery.trim() === '') return;
		await this.guard(async () => {
			const set = goldenSetId ? this.goldenSets.find((g) => g.id === goldenSetId) : undefined;
			const cases = set ? [...set.cases] : [];
			let n = cases.length + 1;
			while (cases.some((c) => c.id === `search-${n}`)) n++;
			const refs = documentIds.map((id) => this.documents.find((d) => d.id === id)).flatMap((d) => (d ? [documentReference(d)] : []));
			cases.push({
				id: `search-${n}`,
				query: this.lastQuery.trim(),
				relevant: refs.map((doc) => ({ doc, grade: 1 })),
				tags: ['from-search']
			});
			await this.api.saveGoldenSet(workspaceId, set?.id ?? null, set?.name ?? (newName.trim() || 'From search'), cases);
			this.goldenSets = await this.api.listGoldenSets(workspaceId);
		});
	}

	private async guard(fn: () => Promise<void>): Promise<void> {
		this.actionError = null;
		try {
			await fn();
		} catch (error) {
			this.actionError = describe(error);
		}
	}
}

/** One line for the jobs tray: how an import ended. */
export function importSummary(report: ImportReport): string {
	const parts = Object.entries(report.counts)
		.filter(([, n]) => n > 0)
		.map(([outcome, n]) => `${n} ${outcome}`);
	return (parts.join(', ') || 'nothing imported') + (report.stopped ? ' — stopped: the disk is full' : '');
}
