import { wrapWorker, type Remote } from '../src/lib/rpc/index.ts';
import { parseTimeout } from '../src/lib/ingest/parsers/registry.ts';
import type { ParsedDocument, ParseInput, ParseService } from '../src/lib/ingest/parsers/types.ts';

/**
 * {@link ParseService} backed by the parser worker, with a hard time budget per file: when a
 * parse runs past `timeoutMs`, the worker is terminated (stopping even a synchronous loop in a
 * hostile file) and the call fails with `FILE_PARSE_TIMEOUT`; the next file gets a fresh
 * worker. One parse at a time (the import loop awaits each file).
 */
export class WorkerParseService implements ParseService {
	private worker: Worker | null = null;
	private remote: Remote<ParseService> | null = null;

	async parse(input: ParseInput, timeoutMs: number): Promise<ParsedDocument> {
		const remote = this.ensure();
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

	private ensure(): Remote<ParseService> {
		if (!this.remote) {
			this.worker = new Worker(new URL('./parser.worker.ts', import.meta.url), { type: 'module', name: 'assay-parser' });
			this.remote = wrapWorker<ParseService>(this.worker);
		}
		return this.remote;
	}
}
