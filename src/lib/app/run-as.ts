import type { Principal } from '$lib/search/filters/index.ts';

/**
 * The identity a workspace's queries run as, set on the search page ("Run as") and used by
 * every surface that retrieves: search, ask, answer runs and evaluations. Kept per workspace in
 * localStorage so each page applies the same access lists; absent = the workspace owner.
 */
const key = (workspaceId: string) => `assay.runAs.${workspaceId}`;

/** The stored principal of `workspaceId` (a plain, cloneable object), or `null` = owner. A damaged entry reads as `null`. */
export function loadRunAs(storage: Pick<Storage, 'getItem'>, workspaceId: string): Principal | null {
	try {
		const value = JSON.parse(storage.getItem(key(workspaceId)) ?? 'null') as unknown;
		if (!value || typeof value !== 'object') return null;
		const { user, groups } = value as { user?: unknown; groups?: unknown };
		if (typeof user !== 'string' || user.trim() === '' || !Array.isArray(groups)) return null;
		return { user, groups: groups.filter((g): g is string => typeof g === 'string') };
	} catch {
		return null;
	}
}

/** Remember (or with `null` forget) the principal of `workspaceId`. */
export function saveRunAs(storage: Pick<Storage, 'setItem' | 'removeItem'>, workspaceId: string, principal: Principal | null): void {
	if (principal) storage.setItem(key(workspaceId), JSON.stringify({ user: principal.user, groups: [...principal.groups] }));
	else storage.removeItem(key(workspaceId));
}
