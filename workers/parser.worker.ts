/// <reference lib="webworker" />
/**
 * The parser worker: runs the format parsers (pdf.js, mammoth, htmlparser2, Papa Parse, …) for
 * the library worker, one file at a time. It is a separate worker so that a file that takes
 * longer than its time budget can be stopped by terminating this worker (see parser-pool.ts);
 * synchronous parsing cannot be interrupted any other way. pdf.js runs its own worker code
 * in-thread here ("fake worker", the worker module bundled with the site: no CDN, no second
 * worker to start).
 */
import { exposeApi } from '../src/lib/rpc/index.ts';
import { createParserRegistry } from '../src/lib/adapters/parsers.ts';
import type { PdfjsModule } from '../src/lib/adapters/pdf.ts';
import type { ParsedDocument, ParseInput } from '../src/lib/ingest/parsers/types.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;

async function loadPdfjs(): Promise<PdfjsModule> {
	const [pdfjs, pdfWorker] = await Promise.all([import('pdfjs-dist/build/pdf.mjs'), import('pdfjs-dist/build/pdf.worker.mjs')]);
	// pdf.js looks for this global before trying to start a worker of its own.
	(globalThis as unknown as { pdfjsWorker: unknown }).pdfjsWorker = pdfWorker;
	return pdfjs as unknown as PdfjsModule;
}

const registry = createParserRegistry(loadPdfjs);

/** What the pool calls: `ping` answers once the worker's code is loaded (the budget starts after). */
const api = {
	ping: async (): Promise<true> => true,
	parse: (input: ParseInput, timeoutMs: number): Promise<ParsedDocument> => registry.parse(input, timeoutMs)
};
export type ParserWorkerApi = typeof api;

exposeApi(api, scope);
