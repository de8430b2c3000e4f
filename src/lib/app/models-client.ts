import { callback, transferred, wrapWorker, type Remote } from '$lib/rpc/index.ts';
import type { ModelsApi } from '$lib/services/models-api.ts';
import type { LibraryApi } from '$lib/services/library-api.ts';

/**
 * The one main-thread owner of the model worker (transformers.js embedder + reranker). It
 * creates the worker and hands the library worker a direct MessagePort to it, so chunk and
 * query embeddings never pass through the page.
 */
export class ModelsClient {
	private readonly worker: Worker;
	readonly api: Remote<ModelsApi>;

	constructor(onError: (message: string) => void) {
		this.worker = new Worker(new URL('../../../workers/models.worker.ts', import.meta.url), { type: 'module', name: 'assay-models' });
		this.worker.addEventListener('error', (e) => onError(e.message || 'The model worker failed to start.'));
		this.api = wrapWorker<ModelsApi>(this.worker);
	}

	/** A new channel: one end served by the model worker, the other returned (transfer it to the library worker). */
	async channel(): Promise<MessagePort> {
		const { port1, port2 } = new MessageChannel();
		await this.api.connect(transferred(port1, [port1]));
		return port2;
	}

	/** Wrap a listener so the worker can call it back. */
	static listener<T>(fn: (value: T) => void): (value: T) => void {
		return callback(fn);
	}

	terminate(): void {
		this.worker.terminate();
	}
}

/**
 * The model worker as the library worker uses it: started on first need and linked by a direct
 * MessagePort. When the worker fails (an uncaught error, e.g. WASM out of memory), the library
 * worker is told at once so model calls in flight fail with `WORKER_FAILED` instead of waiting
 * forever, and the next {@link ensure} starts a fresh worker.
 */
export class ModelLink {
	private client: Promise<ModelsClient> | null = null;
	private live: ModelsClient | null = null;

	/** `library` gives the library worker's API; `onError` shows the failure on the page. */
	constructor(
		private readonly library: () => Remote<Pick<LibraryApi, 'connectModels' | 'disconnectModels'>>,
		private readonly onError: (message: string) => void
	) {}

	/** The running, linked model worker (started and linked on first call). */
	ensure(): Promise<ModelsClient> {
		this.client ??= this.start().catch((error: unknown) => {
			this.forget();
			throw error;
		});
		return this.client;
	}

	/** Stop the worker (leaving the page). */
	terminate(): void {
		this.live?.terminate();
		this.forget();
	}

	private async start(): Promise<ModelsClient> {
		const client = new ModelsClient((message) => this.lost(client, message));
		this.live = client;
		const port = await client.channel();
		await this.library().connectModels(transferred(port, [port]));
		return client;
	}

	private lost(client: ModelsClient, message: string): void {
		client.terminate();
		if (this.live !== client) return;
		this.forget();
		void this.library()
			.disconnectModels(message)
			.catch(() => {});
		this.onError(`The model worker failed: ${message}`);
	}

	private forget(): void {
		this.live = null;
		this.client = null;
	}
}
