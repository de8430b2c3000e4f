/**
 * Staged files of imports (schema v2): what makes an import resumable after the tab closes.
 */
import type { Connection } from './connection.ts';
import type { PendingFileRecord } from './schema.ts';

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

	/** Unfinished jobs of a workspace, oldest first. */
	async listJobs(workspaceId: string): Promise<PendingJob[]> {
		return this.connection.read('pendingFiles.listJobs', ['pendingFiles'], async (tx) => {
			const jobs = new Map<string, { jobId: string; workspaceId: string; total: number; staged: number; done: number; createdAtMs: number }>();
			let cursor = await tx.objectStore('pendingFiles').index('workspaceId').openKeyCursor(workspaceId);
			const keys: [string, number][] = [];
			while (cursor) {
				keys.push(cursor.primaryKey);
				cursor = await cursor.continue();
			}
			for (const key of keys) {
				const r = await tx.objectStore('pendingFiles').get(key);
				if (!r) continue;
				const job = jobs.get(r.jobId) ?? { jobId: r.jobId, workspaceId: r.workspaceId, total: r.total, staged: 0, done: 0, createdAtMs: r.createdAtMs };
				job.staged++;
				if (r.result !== undefined) job.done++;
				jobs.set(r.jobId, job);
			}
			return [...jobs.values()].sort((a, b) => a.createdAtMs - b.createdAtMs);
		});
	}

	/** Delete every record of a job. */
	deleteJob(jobId: string): Promise<void> {
		return this.connection.write('pendingFiles.deleteJob', ['pendingFiles'], async (tx, batch) => {
			const keys = await tx.objectStore('pendingFiles').index('jobId').getAllKeys(jobId);
			for (const key of keys) batch.add(tx.objectStore('pendingFiles').delete(key));
		});
	}

	/** Delete every pending file of a workspace (the workspace is being deleted). */
	deleteWorkspace(workspaceId: string): Promise<void> {
		return this.connection.write('pendingFiles.deleteWorkspace', ['pendingFiles'], async (tx, batch) => {
			const keys = await tx.objectStore('pendingFiles').index('workspaceId').getAllKeys(workspaceId);
			for (const key of keys) batch.add(tx.objectStore('pendingFiles').delete(key));
		});
	}
}
