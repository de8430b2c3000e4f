import type { AppConfig } from '../config/schema.ts';
import type { ImportSource } from '../ingest/prepare.ts';
import { AssayError, toErrorData } from '../shared/errors.ts';
import type { AssayStore, JobStop } from '../storage/index.ts';
import { importOne, isFatalImportError, type ImportContext } from './importer.ts';
import type { ImportFileInput, ImportItemResult } from './library-api.ts';

/**
 * Resumable imports. Before any file is processed, every picked file's bytes are stored in
 * `pendingFiles` (one transaction per file, so a crash while staging keeps what was stored).
 * Each file is then imported from its stored bytes; its result is recorded (bytes dropped)
 * right after the document is saved. A tab closed mid-import leaves the job in storage: on
 * reopening, {@link runStagedJob} carries on with the files without a result. A file whose
 * document was saved but whose result was not yet recorded comes back as `unchanged` (same path,
 * same content hash), so no document or chunk is ever stored twice.
 *
 * A full disk (`STORAGE_QUOTA`) ends the job: the file it hit and every later one are `skipped`
 * with that reason (their staged bytes kept), and the job is marked stopped so a reload does not
 * retry it without the user asking (see `JobStop`).
 */

/**
 * Store the picked files of job `jobId` before processing. Files over `maxFileSizeBytes` are
 * recorded without bytes (they fail on the size check without being read).
 * @throws AssayError `STORAGE_*` (quota…): the job's staged files are deleted again.
 */
export async function stageFiles(
	store: AssayStore,
	workspaceId: string,
	jobId: string,
	files: readonly ImportFileInput[],
	config: AppConfig
): Promise<void> {
	const createdAtMs = Date.now();
	try {
		for (const [ordinal, f] of files.entries()) {
			const base = {
				jobId,
				ordinal,
				total: files.length,
				workspaceId,
				name: f.name,
				relativePath: f.relativePath,
				sizeBytes: f.file.size,
				createdAtMs
			};
			if (f.file.size > config.ingest.maxFileSizeBytes) {
				await store.pendingFiles.put(base);
				continue;
			}
			let bytes: Uint8Array;
			try {
				bytes = new Uint8Array(await f.file.arrayBuffer());
			} catch (cause) {
				// Unreadable now (moved, permission revoked): recorded as processed with the reason.
				await store.pendingFiles.put({ ...base, result: readFailure(f, cause) });
				continue;
			}
			await store.pendingFiles.put({ ...base, bytes });
		}
	} catch (error) {
		await store.pendingFiles.deleteJob(jobId).catch(() => undefined);
		throw error;
	}
}

/** What running a staged job needs. */
export interface StagedJobContext extends Omit<ImportContext, 'forcedEncoding'> {
	/** Whether the user cancelled the job (checked before each file). */
	readonly isCancelled: () => boolean;
	/** After each file, with the file's result, how many are done and the total. */
	readonly onItem: (item: ImportItemResult, done: number, total: number) => Promise<void> | void;
}

/** What {@link runStagedJob} returns: every file's result, and why the job stopped early (if it did). */
export interface StagedJobResult {
	readonly items: ImportItemResult[];
	readonly stopped?: JobStop;
}

/**
 * Import the staged files of `jobId` that have no result yet, in order, and return every file's
 * result (those finished before a restart included). The job's records are deleted at the end,
 * also when cancelled. On `STORAGE_QUOTA` the rest of the job is `skipped` (see above), the job
 * is marked stopped and its records are kept; another fatal storage error is thrown and leaves
 * them for a later resume.
 */
export async function runStagedJob(ctx: StagedJobContext, jobId: string): Promise<StagedJobResult> {
	const records = await ctx.store.pendingFiles.listJob(jobId);
	const items: ImportItemResult[] = [];
	let stop: JobStop | undefined;
	let done = 0;
	for (const record of records) {
		let item = record.result as ImportItemResult | undefined;
		if (item === undefined) {
			if (stop) {
				item = skipped(record, stop);
			} else if (ctx.isCancelled()) {
				item = { relativePath: record.relativePath, name: record.name, outcome: 'cancelled', durationMs: 0 };
			} else {
				try {
					const source = await stagedSource(ctx.store, jobId, record.ordinal, record);
					item = await importGuarded(ctx, source);
					await ctx.store.pendingFiles.complete(jobId, record.ordinal, item);
				} catch (error) {
					stop = stopOf(error);
					// A document saved before the result could be recorded comes back `unchanged` on retry.
					item ??= skipped(record, stop);
				}
			}
		}
		items.push(item);
		done++;
		try {
			await ctx.onItem(item, done, records.length);
		} catch (error) {
			stop ??= stopOf(error);
		}
	}
	if (stop) {
		// Best effort: if even this small write fails, a reload retries once and stops again.
		await ctx.store.pendingFiles.markStopped(jobId, stop).catch(() => undefined);
		return { items, stopped: stop };
	}
	await ctx.store.pendingFiles.deleteJob(jobId);
	return { items };
}

/** The stop for a full disk; any other error is rethrown. */
function stopOf(error: unknown): JobStop {
	if (!(error instanceof AssayError) || error.code !== 'STORAGE_QUOTA') throw error;
	return {
		code: 'STORAGE_QUOTA',
		message:
			'The import stopped: browser storage is full. The files not yet imported are kept; free space (remove documents, eval runs or traces, or discard the staged files) and retry.',
		atMs: Date.now()
	};
}

/** The result of a file the job did not reach because it stopped. */
export function skipped(file: { relativePath: string; name: string }, stop: JobStop): ImportItemResult {
	return {
		relativePath: file.relativePath,
		name: file.name,
		outcome: 'skipped',
		durationMs: 0,
		error: { name: 'AssayError', code: stop.code, message: `“${file.name}” was not imported: storage is full. It is kept for a retry.` }
	};
}

/**
 * {@link importOne}, with an unexpected exception (a bug) turned into a failed result for this
 * file: one bad file never stops the job, nor blocks it on every resume. Storage errors still
 * stop it (they concern every file after this one).
 */
async function importGuarded(ctx: StagedJobContext, source: ImportSource): Promise<ImportItemResult> {
	try {
		return await importOne(ctx, source);
	} catch (error) {
		if (isFatalImportError(error)) throw error;
		return { relativePath: source.relativePath, name: source.name, outcome: 'failed', durationMs: 0, error: toErrorData(error) };
	}
}

async function stagedSource(
	store: AssayStore,
	jobId: string,
	ordinal: number,
	meta: { name: string; relativePath: string; sizeBytes: number }
): Promise<ImportSource> {
	return {
		name: meta.name,
		relativePath: meta.relativePath,
		sizeBytes: meta.sizeBytes,
		readBytes: async () => {
			const record = await store.pendingFiles.get(jobId, ordinal);
			if (!record?.bytes) throw new AssayError('FILE_READ', `The stored copy of “${meta.name}” is missing; pick the file again.`);
			return record.bytes;
		}
	};
}

function readFailure(f: ImportFileInput, cause: unknown): ImportItemResult {
	return {
		relativePath: f.relativePath,
		name: f.name,
		outcome: 'failed',
		status: 'failed',
		durationMs: 0,
		error: { name: 'AssayError', code: 'FILE_READ', message: `“${f.name}” could not be read: ${String(cause)}` }
	};
}
