import { wrapWorker, type Remote } from '../src/lib/rpc/index.ts';
import { parseTimeout } from '../src/lib/ingest/parsers/registry.ts';
import type { ParsedDocument, ParseInput, ParseService } from '../src/lib/ingest/parsers/types.ts';
import { AssayError } from '../src/lib/shared/errors.ts';
import type { ParserWorkerApi } from './parser.worker.ts';

/** How long a fresh parser worker may take to load its code, milliseconds. */
const WORKER_START_TIMEOUT_MS = 30_000;

/**
 * {@link ParseService} backed by the parser worker, with a hard time budget per file: when a
 * parse runs past `timeoutMs`, the worker is terminated (stopping even a synchronous loop in a
 * hostile file) and the call fails with `FILE_PARSE_TIMEOUT`; the next file gets a fresh
 * worker. The budget starts once the worker answers a ping, so loading a fresh worker's code
 * is not charged to the file. One parse at a time (the import loop awaits each file).
 */
export class WorkerParseService implements ParseService {
	private worker: Worker | null = null;
	private remote: Remote<ParserWorkerApi> | null = null;

	async parse(input: ParseInput, timeoutMs: number): Promise<ParsedDocument> {
		const remote = await this.started();
		let timer: ReturnType<typeof setTimeout> | undefined;
		const timeout = new Promise<never>((_, reject) => {
			timer = setTimeout(() => {
				this.dispose();
				reject(parseTimeout(input.name, timeoutMs));
			}, timeoutMs);
		});
		try {
			// The worker's own timer is a backstop; ours terminates it.
			return await Promise.race([remote.parse(input, timeoutMs + 1000), timeout]);
		} finally {
			clearTimeout(timer);
		}
	}

	/** Terminate the worker (a new one starts on the next parse). */
	dispose(): void {
		this.worker?.terminate();
		this.worker = null;
		this.remote = null;
	}

	/** The running worker, started (and pinged) if needed. */
	private async started(): Promise<Remote<ParserWorkerApi>> {
		if (this.remote) return this.remote;
		this.worker = new Worker(new URL('./parser.worker.ts', import.meta.url), { type: 'module', name: 'assay-parser' });
		const remote = wrapWorker<ParserWorkerApi>(this.worker);
		let timer: ReturnType<typeof setTimeout> | undefined;
		const timeout = new Promise<never>((_, reject) => {
			timer = setTimeout(
				() => reject(new AssayError('WORKER_FAILED', `The parser worker did not start within ${WORKER_START_TIMEOUT_MS} ms.`)),
				WORKER_START_TIMEOUT_MS
			);
		});
		try {
			await Promise.race([remote.ping(), timeout]);
		} catch (error) {
			this.dispose();
			throw error;
		} finally {
			clearTimeout(timer);
		}
		this.remote = remote;
		return remote;
	}
}
