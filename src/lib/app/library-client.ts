import { callback, wrapWorker, type Remote } from '$lib/rpc/index.ts';
import type { LibraryApi } from '$lib/services/library-api.ts';
import type { EvalApi } from '$lib/services/eval-api.ts';
import type { AnswerApi } from '$lib/services/answer-api.ts';

/**
 * The one main-thread owner of the library worker (ingest, chunking, BM25, storage). It
 * creates the module worker, wraps it with the error-preserving RPC, and terminates it.
 */
export class LibraryClient {
	private readonly worker: Worker;
	readonly api: Remote<LibraryApi & EvalApi & AnswerApi>;

	constructor(onWorkerEvent: (event: WorkerEvent) => void) {
		this.worker = new Worker(new URL('../../../workers/library.worker.ts', import.meta.url), { type: 'module', name: 'assay-library' });
		// Out-of-band events (another tab upgraded the database, …) come as plain messages.
		this.worker.addEventListener('message', (e: MessageEvent) => {
			if (isWorkerEvent(e.data)) onWorkerEvent(e.data);
		});
		this.worker.addEventListener('error', (e) =>
			onWorkerEvent({ type: 'assay:worker-error', message: e.message || 'The library worker failed to start.' })
		);
		this.api = wrapWorker<LibraryApi & EvalApi & AnswerApi>(this.worker);
	}

	/** Wrap a progress listener so the worker can call it back. */
	static listener<T>(fn: (value: T) => void): (value: T) => void {
		return callback(fn);
	}

	terminate(): void {
		this.worker.terminate();
	}
}

/** Messages the worker posts outside RPC. */
export type WorkerEvent =
	| { type: 'assay:storage-version-change' }
	| { type: 'assay:storage-blocked' }
	/** Another tab stored or removed documents of this workspace. */
	| { type: 'assay:documents-changed'; workspaceId: string }
	| { type: 'assay:worker-error'; message: string };

function isWorkerEvent(data: unknown): data is WorkerEvent {
	return (
		typeof data === 'object' &&
		data !== null &&
		typeof (data as { type?: unknown }).type === 'string' &&
		(data as { type: string }).type.startsWith('assay:')
	);
}
