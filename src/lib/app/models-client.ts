import { callback, transferred, wrapWorker, type Remote } from '$lib/rpc/index.ts';
import type { ModelsApi } from '$lib/services/models-api.ts';

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
