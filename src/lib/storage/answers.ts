/**
 * Answers of answer runs (schema v4): one record per `[runId, caseId]`, written as each golden
 * case is answered so a reload loses at most the answer in flight.
 */
import { AssayError } from '../shared/errors.ts';
import type { Connection } from './connection.ts';
import type { AnswerOwnedRecord, WorkspaceOwnedRecord } from './schema.ts';

/**
 * The key ranges of every answer of run `runId`: its own `[runId, *]` and those of its repeats
 * ≥ 1 (sibling run ids `${runId}~r<r>`, see `repeatRunId` in `evals/answers/types.ts`).
 */
export function runAnswerRanges(runId: string): IDBKeyRange[] {
	return [IDBKeyRange.bound([runId], [runId, []]), IDBKeyRange.bound([`${runId}~`], [`${runId}~\uffff`, []])];
}

/** Answer records. Obtain through `AssayStore.answers`. */
export class AnswersRepository {
	/** Wraps an open connection. */
	constructor(private readonly connection: Connection) {}

	/** Insert or replace one answer (keyed by `[runId, caseId]`, structured clone). */
	put<R extends AnswerOwnedRecord>(record: R): Promise<void> {
		return this.connection.write('answers.put', ['answers'], async (tx) => {
			await tx.objectStore('answers').put(record);
		});
	}

	/** All answers of a run, in key order (case id, UTF-16 code units); `[]` when none. */
	listByRun<R extends AnswerOwnedRecord = AnswerOwnedRecord>(runId: string): Promise<R[]> {
		return this.connection.read(
			'answers.listByRun',
			['answers'],
			async (tx) => (await tx.objectStore('answers').index('runId').getAll(runId)) as R[]
		);
	}

	/**
	 * Store a run record and (optionally) answers in one transaction: a run is never saved with
	 * half of its answers.
	 */
	putRun<R extends WorkspaceOwnedRecord, A extends AnswerOwnedRecord>(run: R, answers: readonly A[] = []): Promise<void> {
		return this.connection.write('answers.putRun', ['answerRuns', 'answers'], async (tx, batch) => {
			batch.add(tx.objectStore('answerRuns').put(run));
			for (const a of answers) batch.add(tx.objectStore('answers').put(a));
		});
	}

	/** Delete a run and all its answers in one transaction. Throws `NOT_FOUND` (nothing changed) for an unknown run. */
	deleteRun(runId: string): Promise<void> {
		return this.connection.write('answers.deleteRun', ['answerRuns', 'answers'], async (tx, batch) => {
			if ((await tx.objectStore('answerRuns').getKey(runId)) === undefined)
				throw new AssayError('NOT_FOUND', `No answer run with id "${runId}" exists.`, { details: { runId } });
			batch.add(tx.objectStore('answerRuns').delete(runId));
			for (const range of runAnswerRanges(runId)) batch.add(tx.objectStore('answers').delete(range));
		});
	}
}
