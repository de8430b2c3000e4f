import type { WorkspaceRecord } from '$lib/ingest/types.ts';

/** localStorage key of the workspace the user last opened, shared by every page. */
const KEY = 'assay.workspaceId';

/** The workspace last opened on any page, else the first one; `undefined` when there is none. */
export function lastWorkspace(workspaces: readonly WorkspaceRecord[]): WorkspaceRecord | undefined {
	const last = localStorage.getItem(KEY);
	return workspaces.find((w) => w.id === last) ?? workspaces[0];
}

/** Remember `id` as the workspace to open next time, on any page. */
export function rememberWorkspace(id: string): void {
	localStorage.setItem(KEY, id);
}
