/**
 * Metadata filters and document-level access control, compiled into the one `allow(chunkId)`
 * predicate every retriever applies (a document that fails it is never retrieved, fused, shown,
 * or sent to a model). Chunk ids are `${documentId}#${ordinal}` (`src/lib/shared/identity.ts`).
 */
import { documentIdOf } from '../../shared/identity.ts';

/** Metadata filters; every given field must hold (AND); within a list, any value (OR). */
export interface MetadataFilter {
	readonly documentIds?: readonly string[];
	/** Documents having at least one of these tags. */
	readonly tags?: readonly string[];
	/** IANA media types, e.g. `text/markdown`. */
	readonly mediaTypes?: readonly string[];
	/** Imported at or after, epoch ms. */
	readonly importedFromMs?: number;
	/** Imported before, epoch ms. */
	readonly importedToMs?: number;
}

/** Who may see a document. A document without an access list is visible to everyone. */
export interface AccessList {
	readonly users: readonly string[];
	readonly groups: readonly string[];
}

/** The identity a query runs as. `null`/absent = the workspace owner (sees everything). */
export interface Principal {
	readonly user: string;
	readonly groups: readonly string[];
}

/** What the filter needs to know of a document. */
export interface FilterableDocument {
	readonly id: string;
	readonly tags: readonly string[];
	readonly mediaType: string;
	readonly importedAtMs: number;
}

/** True when `principal` may see a document with access list `acl` (`undefined` = public). */
export function canSee(acl: AccessList | undefined, principal: Principal | null | undefined): boolean {
	if (!principal || !acl) return true;
	return acl.users.includes(principal.user) || principal.groups.some((g) => acl.groups.includes(g));
}

/** True when a document passes the metadata filter. */
export function matchesFilter(doc: FilterableDocument, filter: MetadataFilter | undefined): boolean {
	if (!filter) return true;
	if (filter.documentIds && filter.documentIds.length > 0 && !filter.documentIds.includes(doc.id)) return false;
	if (filter.tags && filter.tags.length > 0 && !filter.tags.some((t) => doc.tags.includes(t))) return false;
	if (filter.mediaTypes && filter.mediaTypes.length > 0 && !filter.mediaTypes.includes(doc.mediaType)) return false;
	if (filter.importedFromMs !== undefined && doc.importedAtMs < filter.importedFromMs) return false;
	if (filter.importedToMs !== undefined && doc.importedAtMs >= filter.importedToMs) return false;
	return true;
}

/** True when `filter` restricts nothing (absent, or every field empty or unset). */
export function isEmptyFilter(filter: MetadataFilter | undefined): boolean {
	if (!filter) return true;
	return (
		!filter.documentIds?.length &&
		!filter.tags?.length &&
		!filter.mediaTypes?.length &&
		filter.importedFromMs === undefined &&
		filter.importedToMs === undefined
	);
}

/**
 * Compile filter + access into `allow(chunkId)`. Documents not in `documents` are refused
 * (a removed document is never shown). Decisions are computed once per document; with no
 * filter and no principal (every document visible) nothing is precomputed: the predicate is a
 * map lookup, so a plain search costs nothing per document of the workspace.
 */
export function compileAllow(
	documents: ReadonlyMap<string, FilterableDocument>,
	filter: MetadataFilter | undefined,
	principal: Principal | null | undefined,
	acls: Readonly<Record<string, AccessList>>
): (chunkId: string) => boolean {
	if (!principal && isEmptyFilter(filter)) return (chunkId) => documents.has(documentIdOf(chunkId));
	const allowed = new Set<string>();
	for (const doc of documents.values()) if (matchesFilter(doc, filter) && canSee(acls[doc.id], principal)) allowed.add(doc.id);
	return (chunkId) => allowed.has(documentIdOf(chunkId));
}
