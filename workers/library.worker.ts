/// <reference lib="webworker" />
/**
 * The library worker: hosts the LibraryService (ingest → chunking → BM25 → IndexedDB) off the
 * main thread and serves it over the error-preserving Comlink RPC. `exposeApi` runs
 * synchronously at start (see TECH-NOTES: a late expose can lose the first call).
 */
import { exposeApi } from '../src/lib/rpc/index.ts';
import { createLibraryService } from '../src/lib/services/library.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;

const service = createLibraryService({
	onVersionChange: () => scope.postMessage({ type: 'assay:storage-version-change' }),
	onBlocked: () => scope.postMessage({ type: 'assay:storage-blocked' }),
	// voy-search's wasm is loaded lazily, on the first dense index (TECH-NOTES: never before expose).
	voyLoader: async () => (await import('voy-search')).Voy
});

exposeApi(service, scope);
