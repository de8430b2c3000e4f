import { AssayError } from '$lib/shared/errors.ts';
import type { WorkspaceRecord } from '$lib/ingest/types.ts';
import { LibraryClient, type WorkerEvent } from './library-client.ts';
import { ModelLink } from './models-client.ts';
import { SemanticState } from './semantic.svelte.ts';
import { LlmManager } from './llm-manager.svelte.ts';
import { StorageUsage } from './storage-usage.svelte.ts';
import { lastWorkspace, rememberWorkspace } from './last-workspace.ts';
import { Notices } from './shell/notices.svelte.ts';
import { Jobs } from './shell/jobs.svelte.ts';
import { CommandRegistry } from './shell/commands.svelte.ts';
import { describe } from './describe.ts';
import { ProfileStore } from './profiles/profiles.svelte.ts';
import { capturesContent } from './traces/prefs.ts';

/**
 * What every page shares for the whole visit (Svelte 5 runes): ONE library worker, ONE model
 * worker link (started on first need), ONE in-browser LLM manager, the workspaces and the selected
 * one, storage use, and the app-wide channels for notices, long jobs and palette commands.
 * Page state classes are views over it: they own no worker, so moving between pages starts
 * nothing twice and forgets nothing (a model loaded on Ask is still loaded on Answer evals).
 */
export class AppCore {
	readonly notices: Notices;
	readonly jobs: Jobs;
	readonly commands = new CommandRegistry();
	readonly storage = new StorageUsage();
	/** The in-browser (WebLLM) model: probed and loaded once, used by every page. */
	readonly llm = new LlmManager();
	/** The model worker (embedder, reranker), linked to the library worker on first need. */
	readonly models: ModelLink;
	/** Dense index status, embedding jobs, embedding/reranker model files, retrieval mode. */
	readonly semantic: SemanticState;
	/** Named endpoint profiles and which one each role (answering, judge) uses in this workspace. */
	readonly profiles: ProfileStore;

	workspaces = $state<WorkspaceRecord[]>([]);
	/** The workspace every page works on (remembered for the next visit). */
	workspaceId = $state<string | null>(null);
	/** A blocking problem (storage upgraded in another tab, worker failure), shown by the shell. */
	banner = $state<string | null>(null);
	readonly workspace = $derived(this.workspaces.find((w) => w.id === this.workspaceId) ?? null);

	private client: LibraryClient | null = null;
	private started: Promise<void> | null = null;
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- subscribers, never rendered
	private readonly workerListeners = new Set<(event: WorkerEvent) => void>();
	private llmStarted = false;

	/** `now`: the clock of notices and jobs; `storage`: where profiles are kept (both injectable for tests). */
	constructor(now: () => number = Date.now, storage: Storage = localStorage) {
		this.profiles = new ProfileStore(storage);
		this.notices = new Notices(now);
		this.jobs = new Jobs(now);
		this.models = new ModelLink(
			() => this.api,
			(message) => this.notices.push('error', message, 'models')
		);
		this.semantic = new SemanticState(() => this.api, this.models);
	}

	/**
	 * The library worker's API.
	 * @throws AssayError `WORKER_FAILED` before {@link start} or after the worker failed to start.
	 */
	get api() {
		if (!this.client) throw new AssayError('WORKER_FAILED', 'The library worker is not running.');
		return this.client.api;
	}

	/** Start the library worker and read the workspaces (once per visit; later calls wait for the first). */
	start(): Promise<void> {
		this.started ??= this.boot();
		return this.started;
	}

	/** Be told of the library worker's out-of-band events (documents changed in another tab, …); returns the unsubscribe. */
	onWorkerEvent(listener: (event: WorkerEvent) => void): () => void {
		this.workerListeners.add(listener);
		return () => this.workerListeners.delete(listener);
	}

	/** Read the workspace list again (after one was created, deleted or imported). */
	async refreshWorkspaces(): Promise<WorkspaceRecord[]> {
		this.workspaces = await this.api.listWorkspaces();
		return this.workspaces;
	}

	/** Make `id` the workspace of every page and remember it for the next visit. */
	setWorkspace(id: string | null): void {
		this.workspaceId = id;
		this.profiles.useWorkspace(id);
		if (id) {
			rememberWorkspace(id);
			this.syncContentCapture(id);
		}
	}

	/**
	 * Tell the library worker the content-capture choice of `workspaceId` (kept in localStorage,
	 * `traces/prefs.ts`), so the spans it records itself (search, import) follow it. Calls on one
	 * worker arrive in order, so a search sent after this is recorded under the choice. Never
	 * rejects; does nothing before {@link start}.
	 */
	syncContentCapture(workspaceId: string): void {
		void this.client?.api.setContentCapture(workspaceId, capturesContent(workspaceId)).catch(() => {});
	}

	/** The workspace to open when a page starts: the current one, else the last used, else the first. */
	initialWorkspace(): WorkspaceRecord | undefined {
		return this.workspaces.find((w) => w.id === this.workspaceId) ?? lastWorkspace(this.workspaces);
	}

	/** Probe the GPU and WebLLM's cache, once per visit (web-llm itself loads lazily). */
	startLlm(): void {
		if (this.llmStarted) return;
		this.llmStarted = true;
		void this.llm.init().catch((error: unknown) => (this.llm.error = { code: 'WEBGPU_UNAVAILABLE', message: describe(error) }));
	}

	private async boot(): Promise<void> {
		this.client = new LibraryClient((event) => this.dispatch(event));
		if (this.workspaceId) this.syncContentCapture(this.workspaceId);
		try {
			await this.refreshWorkspaces();
		} catch (error) {
			this.notices.push('error', describe(error), 'app');
		}
		await this.storage.refresh().catch(() => {});
	}

	private dispatch(event: WorkerEvent): void {
		if (event.type === 'assay:storage-version-change')
			this.banner = 'Assay was updated in another tab. Reload this tab to keep working; nothing stored is lost.';
		else if (event.type === 'assay:storage-blocked')
			this.banner = 'Another Assay tab is still open with an older version. Close it (or reload it) so this tab can upgrade its storage.';
		else if (event.type === 'assay:worker-error') this.banner = `The library worker failed: ${event.message}`;
		for (const listener of this.workerListeners) listener(event);
	}
}
