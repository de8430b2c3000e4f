import type { Qrels } from '../metrics/trec-format.ts';
import type { GoldenCase } from './types.ts';

/** What a golden set's document references are matched against: one workspace document. */
export interface DocumentKey {
	/** Workspace document id. */
	readonly id: string;
	/** Id from the source collection (BEIR `_id`), when imported from one. */
	readonly externalId?: string;
	readonly name: string;
	readonly relativePath: string;
}

/** A golden set turned into judgments over workspace document ids. */
export interface ResolvedGoldenSet {
	/** Case id → (workspace document id → grade). Unmatched references stay in, keyed `?<ref>`. */
	readonly qrels: Qrels;
	/** Case id → references that matched no document (they still count as relevant: recall cannot reach 1). */
	readonly unmatched: ReadonlyMap<string, readonly string[]>;
}

/**
 * Match each relevance reference to a workspace document: by id (workspace id or
 * `externalId`), else by relative path, else by file name (a name shared by several documents
 * matches none, since it would be a guess). An unmatched reference is kept as judged under the
 * key `?<ref>`, so recall and MAP still divide by every relevant document, as trec_eval does
 * for a relevant document the run never retrieves.
 */
export function resolveGoldenSet(cases: readonly GoldenCase[], documents: readonly DocumentKey[]): ResolvedGoldenSet {
	const byId = new Map<string, string>();
	const byPath = new Map<string, string>();
	const byName = new Map<string, string | null>();
	for (const d of documents) {
		byId.set(d.id, d.id);
		if (d.externalId !== undefined) byId.set(d.externalId, d.id);
		byPath.set(d.relativePath, d.id);
		byName.set(d.name, byName.has(d.name) ? null : d.id);
	}
	const qrels = new Map<string, Map<string, number>>();
	const unmatched = new Map<string, string[]>();
	for (const c of cases) {
		const judged = new Map<string, number>();
		for (const r of c.relevant) {
			const id = byId.get(r.doc) ?? byPath.get(r.doc) ?? byName.get(r.doc) ?? undefined;
			if (id === undefined) {
				judged.set(`?${r.doc}`, r.grade);
				if (r.grade > 0) unmatched.set(c.id, [...(unmatched.get(c.id) ?? []), r.doc]);
			} else judged.set(id, Math.max(r.grade, judged.get(id) ?? -Infinity));
		}
		qrels.set(c.id, judged);
	}
	return { qrels, unmatched };
}
