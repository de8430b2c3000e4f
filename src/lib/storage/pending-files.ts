/**
 * Staged files of imports (schema v2): what makes an import resumable after the tab closes.
 */
import type { ErrorCode } from '../shared/errors.ts';
import type { Connection } from './connection.ts';
import type { PendingFileRecord } from './schema.ts';

/**
 * Why a job stopped before its last file (the browser storage is full). Kept in the `settings`
 * store under `importStopped:<jobId>` until the job is retried or discarded, so a reload shows
 * the job as stopped instead of resuming it into a full disk.
 */
export interface JobStop {
	readonly code: ErrorCode;
	readonly message: string;
	/** When it stopped, epoch milliseconds. */
	readonly atMs: number;
}

const stopKey = (jobId: string) => `importStopped:${jobId}`;

/** An unfinished import job, as listed for resuming. */
export interface PendingJob {
	readonly jobId: string;
	readonly workspaceId: string;
	/** Files in the job. */
	readonly total: number;
	/** Files stored before the tab closed (less than `total` if it closed while staging). */
	readonly staged: number;
	/** Files already processed. */
	readonly done: number;
	readonly createdAtMs: number;
	/** Bytes of the files still staged (not yet processed): what discarding the job frees. */
	readonly stagedBytes: number;
	/** Set when the job stopped on a full disk: it is resumed only when the user asks. */
	readonly stopped?: JobStop;
}

/** Pending-file records. Obtain through `AssayStore.pendingFiles`. */
export class PendingFilesRepository {
	/** Wraps an open connection. */
	constructor(private readonly connection: Connection) {}

	/** Store one staged file (its own transaction, so a crash keeps every file stored before it). */
	put(record: PendingFileRecord): Promise<void> {
		return this.connection.write('pendingFiles.put', ['pendingFiles'], async (tx) => {
			await tx.objectStore('pendingFiles').put(record);
		});
	}

	/** One staged file with its bytes, or `undefined`. */
	get(jobId: string, ordinal: number): Promise<PendingFileRecord | undefined> {
		return this.connection.read('pendingFiles.get', ['pendingFiles'], (tx) => tx.objectStore('pendingFiles').get([jobId, ordinal]));
	}

	/** Mark a file processed: keep its `result`, drop its bytes. */
	complete(jobId: string, ordinal: number, result: unknown): Promise<void> {
		return this.connection.write('pendingFiles.complete', ['pendingFiles'], async (tx) => {
			const store = tx.objectStore('pendingFiles');
			const record = await store.get([jobId, ordinal]);
			if (!record) return;
			const { bytes: _bytes, ...rest } = record;
			await store.put({ ...rest, result });
		});
	}

	/** The records of a job without their bytes, by ordinal. */
	async listJob(jobId: string): Promise<Omit<PendingFileRecord, 'bytes'>[]> {
		return this.connection.read('pendingFiles.listJob', ['pendingFiles'], async (tx) => {
			const out: Omit<PendingFileRecord, 'bytes'>[] = [];
			// A cursor keeps one record's bytes in memory at a time; they are dropped right away.
			let cursor = await tx.objectStore('pendingFiles').index('jobId').openCursor(jobId);
			while (cursor) {
				const { bytes: _bytes, ...rest } = cursor.value;
				out.push(rest);
				cursor = await cursor.continue();
			}
			return out.sort((a, b) => a.ordinal - b.ordinal);
		});
	}

	/** Unfinished jobs of a workspace, oldest first, with how they stopped (if they did). */
	async listJobs(workspaceId: string): Promise<PendingJob[]> {
		return this.connection.read('pendingFiles.listJobs', ['pendingFiles', 'settings'], async (tx) => {
			type Job = { -readonly [K in keyof PendingJob]: PendingJob[K] };
			const jobs = new Map<string, Job>();
			let cursor = await tx.objectStore('pendingFiles').index('workspaceId').openKeyCursor(workspaceId);
			const keys: [string, number][] = [];
			while (cursor) {
				keys.push(cursor.primaryKey);
				cursor = await cursor.continue();
			}
			for (const key of keys) {
				const r = await tx.objectStore('pendingFiles').get(key);
				if (!r) continue;
				const job = jobs.get(r.jobId) ?? {
					jobId: r.jobId,
					workspaceId: r.workspaceId,
					total: r.total,
					staged: 0,
					done: 0,
					createdAtMs: r.createdAtMs,
					stagedBytes: 0
				};
				job.staged++;
				if (r.result !== undefined) job.done++;
				job.stagedBytes += r.bytes?.byteLength ?? 0;
				jobs.set(r.jobId, job);
			}
			for (const job of jobs.values()) {
				const stop = (await tx.objectStore('settings').get(stopKey(job.jobId)))?.value as JobStop | undefined;
				if (stop) job.stopped = stop;
			}
			return [...jobs.values()].sort((a, b) => a.createdAtMs - b.createdAtMs);
		});
	}

	/** Record that a job stopped (see {@link JobStop}); a small write, tried even on a full disk. */
	markStopped(jobId: string, stop: JobStop): Promise<void> {
		return this.connection.write('pendingFiles.markStopped', ['settings'], async (tx) => {
			await tx.objectStore('settings').put({ key: stopKey(jobId), value: stop });
		});
	}

	/** Forget that a job stopped (the user retries it). */
	clearStopped(jobId: string): Promise<void> {
		return this.connection.write('pendingFiles.clearStopped', ['settings'], async (tx) => {
			await tx.objectStore('settings').delete(stopKey(jobId));
		});
	}

	/** Delete every record of a job, its staged bytes and its stop record. */
	deleteJob(jobId: string): Promise<void> {
		return this.connection.write('pendingFiles.deleteJob', ['pendingFiles', 'settings'], async (tx, batch) => {
			const keys = await tx.objectStore('pendingFiles').index('jobId').getAllKeys(jobId);
			for (const key of keys) batch.add(tx.objectStore('pendingFiles').delete(key));
			batch.add(tx.objectStore('settings').delete(stopKey(jobId)));
		});
	}

	/** Delete every pending file of a workspace (the workspace is being deleted). */
	deleteWorkspace(workspaceId: string): Promise<void> {
		return this.connection.write('pendingFiles.deleteWorkspace', ['pendingFiles', 'settings'], async (tx, batch) => {
			const keys = await tx.objectStore('pendingFiles').index('workspaceId').getAllKeys(workspaceId);
			for (const key of keys) batch.add(tx.objectStore('pendingFiles').delete(key));
			for (const jobId of new Set(keys.map(([id]) => id))) batch.add(tx.objectStore('settings').delete(stopKey(jobId)));
		});
	}
}
