import type { Remote } from '$lib/rpc/index.ts';
import { newId } from '$lib/shared/ids.ts';
import type { EmbedProgress, LibraryApi, SemanticStatus } from '$lib/services/library-api.ts';
import type { CachedModelInfo } from '$lib/services/models-api.ts';
import type { ModelLoadProgress, ModelSource, SentenceTransformersRecipe } from '$lib/embedding/index.ts';
import type { RetrievalMode } from '$lib/search/retrieval/index.ts';
import type { AccessList, MetadataFilter, Principal } from '$lib/search/filters/index.ts';
import { ModelLink, ModelsClient } from './models-client.ts';
import { describePickedModels, type PickedModel } from './model-folders.ts';
import { persistAfterModelDownload } from './offline/persistence.svelte.ts';

/** A running embedding job, as the page shows it. */
export interface EmbedJob {
	readonly jobId: string;
	done: number;
	total: number;
	itemsPerSecond: number;
	etaMs: number | null;
}

/**
 * Page state of semantic search: the dense index status (which modes are ready), the embedding
 * job (progress, ETA, cancel), model files (local folders, cached downloads), the retrieval
 * mode and the identity queries run as. One per app (in the app context), over its model link.
 */
export class SemanticState {
	status = $state<SemanticStatus | null>(null);
	job = $state<EmbedJob | null>(null);
	error = $state<string | null>(null);
	download = $state<ModelLoadProgress | null>(null);
	cachedModels = $state<CachedModelInfo[]>([]);
	localModels = $state<string[]>([]);
	mode = $state<RetrievalMode>('lexical');
	runAs = $state<Principal | null>(null);
	/** Metadata filters (tags, file types, import dates) applied to every retriever. */
	filter = $state<MetadataFilter>({});
	access = $state<Record<string, AccessList>>({});

	/** Dense modes need every chunk embedded for the current model (lexical is always ready). */
	readonly denseReady = $derived(this.status?.state === 'ready' && this.status.vectorCount > 0);

	/** Model workers whose download progress is already shown (a restarted worker needs its listener again). */
	private readonly listening = new WeakSet<ModelsClient>();
	private statusTimer: ReturnType<typeof setTimeout> | null = null;

	/** `link`: the app's one model worker link (shared by every page). */
	constructor(
		private readonly library: () => Remote<LibraryApi>,
		private readonly link: ModelLink
	) {}

	/** Start the model worker and connect it to the library worker. */
	async start(): Promise<void> {
		await this.models();
		await this.refreshCache();
	}

	/**
	 * Read the status; while the vector index loads in the background, poll until it is settled
	 * (every 150 ms), and while its HNSW graph is being linked, every second (linking takes minutes
	 * at 100k vectors; the panel shows its progress and then its measured recall).
	 */
	async refresh(workspaceId: string): Promise<void> {
		if (this.statusTimer) clearTimeout(this.statusTimer);
		this.status = await this.library().semanticStatus(workspaceId);
		this.access = await this.library().documentAccess(workspaceId);
		if (this.status.state === 'loading') this.statusTimer = setTimeout(() => void this.refresh(workspaceId), 150);
		else if (this.status.graph?.linking) this.statusTimer = setTimeout(() => void this.refresh(workspaceId), 1000);
		else if (this.denseReady && this.mode === 'lexical' && this.status.pendingChunks === 0) this.mode = 'hybrid';
	}

	/** Like {@link refresh}, but resolves only once the background load has finished. */
	async refreshSettled(workspaceId: string): Promise<void> {
		await this.refresh(workspaceId);
		while (this.status?.state === 'loading') {
			await new Promise((r) => setTimeout(r, 100));
			await this.refresh(workspaceId);
		}
	}

	/** Embed the chunks that have no vector yet, with progress; cancel keeps finished batches. */
	async embed(workspaceId: string): Promise<void> {
		if (this.job) return;
		this.error = null;
		const job: EmbedJob = { jobId: newId('embed'), done: 0, total: 0, itemsPerSecond: 0, etaMs: null };
		this.job = job;
		const onProgress = ModelsClient.listener((p: EmbedProgress) => {
			if (this.job?.jobId !== p.jobId) return;
			Object.assign(this.job, { done: p.done, total: p.total, itemsPerSecond: p.itemsPerSecond, etaMs: p.etaMs });
		});
		try {
			await this.models(); // a crashed model worker is restarted here
			await this.library().embedWorkspace(workspaceId, job.jobId, onProgress);
			this.mode = 'hybrid';
			persistAfterModelDownload(); // the embedding model is stored: ask once to keep it (issue 13, item 5)
		} catch (error) {
			this.error = error instanceof Error ? error.message : String(error);
		} finally {
			this.job = null;
			this.download = null;
			await this.refresh(workspaceId);
			await this.refreshCache();
		}
	}

	async cancel(): Promise<void> {
		if (this.job) await this.library().cancelEmbedding(this.job.jobId);
	}

	/**
	 * Copy a picked model folder into the local model cache; resolves each model found with the
	 * dtypes its `onnx/` folder has and what its sentence-transformers files say.
	 */
	async addLocalFolder(files: FileList): Promise<PickedModel[]> {
		const models = await this.models();
		const picked = Array.from(files, (file) => ({ relativePath: file.webkitRelativePath || file.name, file: file as Blob }));
		const found = await models.api.addLocalModels(picked);
		if (found.length === 0)
			this.error = 'No model found in that folder (expected a folder with config.json, tokenizer.json and onnx/model.onnx).';
		await this.refreshCache();
		return describePickedModels(
			found,
			picked.map((p) => ({ relativePath: p.relativePath, text: () => p.file.text() }))
		);
	}

	/** Read the prefixes and pooling a model's own files state (hub/mirror: two small downloads, on the user's request). */
	async readRecipe(modelId: string, source: ModelSource): Promise<SentenceTransformersRecipe> {
		return (await this.models()).api.readRecipe(
			modelId,
			source.kind === 'mirror' ? { kind: 'mirror', baseUrl: source.baseUrl } : source.kind === 'local' ? { kind: 'local' } : { kind: 'hub' }
		);
	}

	async refreshCache(): Promise<void> {
		this.cachedModels = await (await this.models()).api.listCachedModels();
		this.localModels = this.cachedModels.filter((m) => m.origin === 'local').map((m) => m.modelId);
	}

	async deleteModel(modelId: string): Promise<void> {
		await (await this.models()).api.deleteCachedModel(modelId);
		await this.refreshCache();
	}

	/** The linked model worker, started (or restarted after a crash) on demand, with download progress shown. */
	private async models(): Promise<ModelsClient> {
		const client = await this.link.ensure();
		if (!this.listening.has(client)) {
			this.listening.add(client);
			await client.api.onProgress(ModelsClient.listener((p: ModelLoadProgress) => (this.download = p)));
		}
		return client;
	}

	async setAccess(workspaceId: string, documentId: string, access: AccessList | null): Promise<void> {
		await this.library().setDocumentAccess(
			workspaceId,
			documentId,
			access ? { users: [...access.users], groups: [...access.groups] } : null
		);
		this.access = await this.library().documentAccess(workspaceId);
	}
}
