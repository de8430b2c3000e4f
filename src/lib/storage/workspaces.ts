/**
 * Workspaces, and the cascade that deletes everything a workspace owns.
 */
import type { WorkspaceRecord } from '../ingest/types.ts';
import { AssayError } from '../shared/errors.ts';
import type { Connection } from './connection.ts';
import { WORKSPACE_STORES } from './schema.ts';
import { runAnswerRanges } from './answers.ts';

/** Counts of what a workspace delete removed. */
export interface WorkspaceDeletion {
	readonly documents: number;
	readonly chunks: number;
	readonly indexStates: number;
	readonly goldenSets: number;
	readonly evalRuns: number;
}

/** Workspace records. Obtain through `AssayStore.workspaces`. */
export class WorkspacesRepository {
	/** Wraps an open connection. */
	constructor(private readonly connection: Connection) {}

	/** All workspaces, oldest first (`createdAtMs`, then id). */
	list(): Promise<WorkspaceRecord[]> {
		return this.connection.read('workspaces.list', ['workspaces'], async (tx) => {
			const all = await tx.objectStore('workspaces').getAll();
			return all.sort((a, b) => a.createdAtMs - b.createdAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
		});
	}

	/** The workspace with this id, or `undefined`. */
	get(id: string): Promise<WorkspaceRecord | undefined> {
		return this.connection.read('workspaces.get', ['workspaces'], (tx) => tx.objectStore('workspaces').get(id));
	}

	/** Insert or replace a workspace (keyed by `id`). `config` must be structured-clone data. */
	put(workspace: WorkspaceRecord): Promise<void> {
		return this.connection.write('workspaces.put', ['workspaces'], async (tx) => {
			await tx.objectStore('workspaces').put(workspace);
		});
	}

	/**
	 * Delete a workspace and, in the same transaction, all its documents, document texts,
	 * chunks, index state, golden sets, eval runs, embeddings, answer runs, answers and cached answers (spans and settings are not workspace-owned).
	 * Resolves with what was removed. Throws `NOT_FOUND` (nothing changed) for an unknown id.
	 */
	delete(id: string): Promise<WorkspaceDeletion> {
		return this.connection.write('workspaces.delete', WORKSPACE_STORES, async (tx, batch) => {
			if ((await tx.objectStore('workspaces').getKey(id)) === undefined) {
				throw new AssayError('NOT_FOUND', `No workspace with id "${id}" exists.`, { details: { workspaceId: id } });
			}
			const [documentIds, chunkIds, indexKeys, goldenSetIds, evalRunIds, answerRunIds] = await Promise.all([
				batch.add(tx.objectStore('documents').index('workspaceId').getAllKeys(id)),
				batch.add(tx.objectStore('chunks').index('workspaceId').getAllKeys(id)),
				batch.add(tx.objectStore('indexState').index('workspaceId').getAllKeys(id)),
				batch.add(tx.objectStore('goldenSets').index('workspaceId').getAllKeys(id)),
				batch.add(tx.objectStore('evalRuns').index('workspaceId').getAllKeys(id)),
				batch.add(tx.objectStore('answerRuns').index('workspaceId').getAllKeys(id))
			]);
			batch.add(tx.objectStore('workspaces').delete(id));
			for (const documentId of documentIds) {
				batch.add(tx.objectStore('documents').delete(documentId));
				batch.add(tx.objectStore('documentTexts').delete(documentId));
			}
			for (const chunkId of chunkIds) batch.add(tx.objectStore('chunks').delete(chunkId));
			for (const key of indexKeys) batch.add(tx.objectStore('indexState').delete(key));
			for (const goldenSetId of goldenSetIds) batch.add(tx.objectStore('goldenSets').delete(goldenSetId));
			for (const evalRunId of evalRunIds) batch.add(tx.objectStore('evalRuns').delete(evalRunId));
			// Embeddings go too (schema v3); counted apart from the v1 totals.
			batch.add(tx.objectStore('embeddings').delete(IDBKeyRange.bound([id], [id, []])));
			// Answer runs and their answers (schema v4).
			for (const runId of answerRunIds) {
				batch.add(tx.objectStore('answerRuns').delete(runId));
				for (const range of runAnswerRanges(runId)) batch.add(tx.objectStore('answers').delete(range));
			}
			// Cached answers (schema v6).
			for (const key of await batch.add(tx.objectStore('answerCache').index('workspaceId').getAllKeys(id)))
				batch.add(tx.objectStore('answerCache').delete(key));
			return {
				documents: documentIds.length,
				chunks: chunkIds.length,
				indexStates: indexKeys.length,
				goldenSets: goldenSetIds.length,
				evalRuns: evalRunIds.length
			};
		});
	}
}
