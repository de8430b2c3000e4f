/// <reference lib="webworker" />
/**
 * The library worker: hosts the LibraryService (ingest → chunking → BM25 → IndexedDB) and,
 * beside it on the same store and indexes, the EvalService (golden sets, eval runs, reports)
 * and the AnswerService (answer runs and their answers),
 * off the main thread over the error-preserving Comlink RPC. Parsing runs in a parser
 * sub-worker (see parser-pool.ts) that can be terminated when a file exceeds its time budget.
 * `exposeApi` runs synchronously at start (see TECH-NOTES: a late expose can lose the first call).
 */
import { exposeApi } from '../src/lib/rpc/index.ts';
import { createLibraryServiceWithInternals } from '../src/lib/services/library.ts';
import { combineApis, createEvalService } from '../src/lib/services/eval-service.ts';
import { createAnswerService } from '../src/lib/services/answer-service.ts';
import { WorkerParseService } from './parser-pool.ts';
import { broadcastBus, webLocks } from './tab-sync.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;

const bus = broadcastBus();
const { api, internals } = createLibraryServiceWithInternals({
	parser: new WorkerParseService(),
	// Every tab has its own library worker: index snapshots are written under a Web Lock, and
	// document changes are announced to the other tabs' workers, which sync their indexes.
	locks: webLocks(),
	...(bus ? { bus } : {}),
	onDocumentsChanged: (workspaceId) => scope.postMessage({ type: 'assay:documents-changed', workspaceId }),
	onVersionChange: () => scope.postMessage({ type: 'assay:storage-version-change' }),
	onBlocked: () => scope.postMessage({ type: 'assay:storage-blocked' }),
	// voy-search's wasm is loaded lazily, on the first dense index (TECH-NOTES: never before expose).
	voyLoader: async () => (await import('voy-search')).Voy,
	// The hits' texts of a search come from memory once the opened workspace's chunks are read.
	warmChunkCache: true
});

exposeApi(combineApis(api, createEvalService(api, internals), createAnswerService(api, internals)), scope);
