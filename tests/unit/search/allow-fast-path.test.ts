import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
	canSee,
	compileAllow,
	isEmptyFilter,
	matchesFilter,
	type AccessList,
	type FilterableDocument,
	type MetadataFilter
} from '../../../src/lib/search/filters/index.ts';

const doc = (id: string): FilterableDocument => ({ id, tags: [], mediaType: 'text/plain', importedAtMs: 0 });

/** compileAllow's definition, computed the slow way: a precomputed set of visible documents. */
function reference(docs: Map<string, FilterableDocument>, filter: MetadataFilter | undefined, acls: Record<string, AccessList>) {
	const allowed = new Set([...docs.values()].filter((d) => matchesFilter(d, filter) && canSee(acls[d.id], null)).map((d) => d.id));
	return (chunkId: string) => allowed.has(chunkId.slice(0, chunkId.lastIndexOf('#') === -1 ? undefined : chunkId.lastIndexOf('#')));
}

describe('compileAllow without a filter or principal', () => {
	it('allows exactly the chunks of documents in the index, as the precomputed set does, access lists or not', () => {
		fc.assert(
			fc.property(
				fc.uniqueArray(fc.stringMatching(/^d[0-9]{1,3}$/), { maxLength: 30 }),
				fc.array(fc.tuple(fc.stringMatching(/^d[0-9]{1,3}$/), fc.nat(5))),
				fc.constantFrom<MetadataFilter | undefined>(undefined, {}, { documentIds: [], tags: [] }),
				(ids, chunks, filter) => {
					const docs = new Map(ids.map((id) => [id, doc(id)]));
					const acls: Record<string, AccessList> = ids.length > 0 ? { [ids[0]!]: { users: ['ann'], groups: [] } } : {};
					const fast = compileAllow(docs, filter, null, acls);
					const slow = reference(docs, filter, acls);
					for (const [d, n] of chunks) expect(fast(`${d}#${n}`)).toBe(slow(`${d}#${n}`));
					for (const id of ids) expect(fast(`${id}#0`)).toBe(true);
				}
			),
			{ numRuns: 100 }
		);
	});

	it('calls a filter empty only when every field is unset or an empty list', () => {
		expect(isEmptyFilter(undefined)).toBe(true);
		expect(isEmptyFilter({ documentIds: [], tags: [], mediaTypes: [] })).toBe(true);
		expect(isEmptyFilter({ tags: ['a'] })).toBe(false);
		expect(isEmptyFilter({ importedFromMs: 0 })).toBe(false);
		expect(isEmptyFilter({ importedToMs: 5 })).toBe(false);
	});
});
