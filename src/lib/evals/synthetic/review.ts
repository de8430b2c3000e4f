import { AssayError } from '../../shared/errors.ts';
import { syntheticSource } from '../golden/synthetic.ts';
import type { GoldenCase } from '../golden/types.ts';

/** A golden set's two lists: the evaluated `cases` and the synthetic review queue (pending and rejected). */
export interface SyntheticLists {
	readonly cases: readonly GoldenCase[];
	readonly synthetic: readonly GoldenCase[];
}

/** A reviewer's corrections of a case before accepting it (each optional; trimmed). */
export interface SyntheticEdits {
	readonly query?: string;
	readonly reference?: string;
}

/** The queue's cases waiting for review, in queue order. */
export function pendingSynthetic(queue: readonly GoldenCase[]): GoldenCase[] {
	return queue.filter((c) => syntheticSource(c)?.review === 'pending');
}

function queued(lists: SyntheticLists, caseId: string) {
	const c = lists.synthetic.find((x) => x.id === caseId);
	const source = c ? syntheticSource(c) : null;
	if (!c || !source || source.review !== 'pending') throw new AssayError('NOT_FOUND', `No pending synthetic case ${caseId}.`);
	return { c, source };
}

/** New generated cases join the end of the queue. */
export function enqueueSynthetic(lists: SyntheticLists, generated: readonly GoldenCase[]): SyntheticLists {
	return { cases: lists.cases, synthetic: [...lists.synthetic, ...generated] };
}

/**
 * Accept a pending case: it leaves the queue and joins the end of `cases` with review
 * `accepted`, corrected by `edits` (an edited case is also tagged `edited`).
 * @throws AssayError `NOT_FOUND` when `caseId` is not pending in the queue; `DATASET_INVALID` when the edited question is empty.
 */
export function acceptSynthetic(lists: SyntheticLists, caseId: string, edits: SyntheticEdits = {}): SyntheticLists {
	const { c, source } = queued(lists, caseId);
	const query = edits.query?.trim() ?? c.query;
	if (query === '') throw new AssayError('DATASET_INVALID', 'The case needs a question.');
	const reference = edits.reference?.trim() ?? c.reference ?? '';
	const edited = query !== c.query || reference !== (c.reference ?? '');
	const { reference: _old, ...rest } = c;
	const accepted: GoldenCase = {
		...rest,
		query,
		...(reference !== '' ? { reference } : {}),
		tags: edited && !c.tags.includes('edited') ? [...c.tags, 'edited'] : [...c.tags],
		source: { ...source, review: 'accepted' }
	};
	return { cases: [...lists.cases, accepted], synthetic: lists.synthetic.filter((x) => x.id !== caseId) };
}

/** Reject a pending case: it stays in the queue as `rejected` (never evaluated; its question is not generated again). @throws AssayError `NOT_FOUND` */
export function rejectSynthetic(lists: SyntheticLists, caseId: string): SyntheticLists {
	const { source } = queued(lists, caseId);
	return {
		cases: lists.cases,
		synthetic: lists.synthetic.map((x) => (x.id === caseId ? { ...x, source: { ...source, review: 'rejected' as const } } : x))
	};
}
