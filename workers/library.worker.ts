/// <reference lib="webworker" />
/**
 * The library worker: hosts the LibraryService (ingest → chunking → BM25 → IndexedDB) off the
 * main thread and serves it over the error-preserving Comlink RPC. `exposeApi` runs
 * synchronously at start (see TECH-NOTES: a late expose can lose the first call).
 */
import { exposeApi } from '../src/lib/rpc/index.ts';
import { createLibraryService } from '../src/lib/services/library.ts';
import { WorkerParseService } from './parser-pool.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;

const service = createLibraryService({
	parser: new WorkerParseService(),
	onVersionChange: () => scope.postMessage({ type: 'assay:storage-version-change' }),
	onBlocked: () => scope.postMessage({ type: 'assay:storage-blocked' })
});

exposeApi(service, scope);
