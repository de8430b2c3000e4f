/**
 * Per-workspace choices kept in localStorage across reloads (report picks of the compare and gate
 * panels, the experiment matrix): key `assay.<name>.<workspaceId>`, JSON value. Storage that is
 * unavailable or full is ignored — a lost preference never fails the page.
 */

const key = (name: string, workspaceId: string) => `assay.${name}.${workspaceId}`;

/** The stored JSON under `name` for the workspace: `absent`, `invalid` (unparsable), or its value. */
export function readPref(
	storage: Storage,
	name: string,
	workspaceId: string
): { kind: 'absent' } | { kind: 'invalid'; raw: string } | { kind: 'value'; value: unknown } {
	let raw: string | null;
	try {
		raw = storage.getItem(key(name, workspaceId));
	} catch {
		return { kind: 'absent' };
	}
	if (raw === null) return { kind: 'absent' };
	try {
		return { kind: 'value', value: JSON.parse(raw) as unknown };
	} catch {
		return { kind: 'invalid', raw };
	}
}

/** Store `value` as JSON under `name` for the workspace (silently skipped when storage refuses). */
export function writePref(storage: Storage, name: string, workspaceId: string, value: unknown): void {
	try {
		storage.setItem(key(name, workspaceId), JSON.stringify(value));
	} catch {
		// Quota or privacy mode: the choice lasts until reload only.
	}
}

/** Forget `name` for the workspace. */
export function clearPref(storage: Storage, name: string, workspaceId: string): void {
	try {
		storage.removeItem(key(name, workspaceId));
	} catch {
		// Nothing to do.
	}
}

/** Baseline and candidate report ids picked in a compare or gate panel; `''` = none (the panel's default). */
export interface ReportPick {
	readonly baseline: string;
	readonly candidate: string;
}

/**
 * The pick stored for `panel` (`compare`, `gate`, `answers-gate`) in the workspace, each id kept
 * only while a report with it still exists (`reportIds`); anything else reads as `''`.
 */
export function loadReportPick(storage: Storage, panel: string, workspaceId: string | null, reportIds: readonly string[]): ReportPick {
	const none = { baseline: '', candidate: '' };
	if (!workspaceId) return none;
	const stored = readPref(storage, `reportPick.${panel}`, workspaceId);
	if (stored.kind !== 'value' || typeof stored.value !== 'object' || stored.value === null) return none;
	const v = stored.value as Record<string, unknown>;
	const keep = (id: unknown) => (typeof id === 'string' && reportIds.includes(id) ? id : '');
	return { baseline: keep(v.baseline), candidate: keep(v.candidate) };
}

/** Remember the pick of `panel` for the workspace (no-op without a workspace). */
export function saveReportPick(storage: Storage, panel: string, workspaceId: string | null, pick: ReportPick): void {
	if (workspaceId) writePref(storage, `reportPick.${panel}`, workspaceId, { baseline: pick.baseline, candidate: pick.candidate });
}
