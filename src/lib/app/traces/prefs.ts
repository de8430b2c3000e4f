/**
 * Trace preferences kept in localStorage: per workspace, whether content (prompts, retrieved
 * chunks, outputs, tool payloads, query text) is captured in stored spans (default on); for the
 * site, the traces' storage budget in MB (default {@link DEFAULT_TRACE_BUDGET_MB}). Also
 * {@link recordTrace}, the one way pages store the spans they recorded.
 */
import type { LibraryApi } from '$lib/services/library-api.ts';
import type { SpanRecord } from '$lib/tracing/types.ts';
import { applyContentCapture } from '$lib/tracing/traces.ts';

type Store = Pick<Storage, 'getItem' | 'setItem'>;

/** Default storage budget of traces, MB. */
export const DEFAULT_TRACE_BUDGET_MB = 50;

const captureKey = (workspaceId: string) => `assay.traces.captureContent.${workspaceId}`;
const budgetKey = 'assay.traces.budgetMb';

/** Whether `workspaceId` captures content in its traces (default `true`; a damaged entry reads as `true`). */
export function loadCaptureContent(storage: Pick<Storage, 'getItem'>, workspaceId: string | null): boolean {
	if (!workspaceId) return true;
	return storage.getItem(captureKey(workspaceId)) !== 'false';
}

/** {@link loadCaptureContent} from the page's localStorage; `true` where there is none (tests, workers). */
export function capturesContent(workspaceId: string | null): boolean {
	const storage = globalThis.localStorage as Storage | undefined;
	return storage ? loadCaptureContent(storage, workspaceId) : true;
}

/** Remember the content-capture choice of `workspaceId`. */
export function saveCaptureContent(storage: Store, workspaceId: string, capture: boolean): void {
	storage.setItem(captureKey(workspaceId), capture ? 'true' : 'false');
}

/** The traces' storage budget in MB: a positive number, else the default. */
export function loadTraceBudgetMb(storage: Pick<Storage, 'getItem'>): number {
	const v = Number(storage.getItem(budgetKey));
	return Number.isFinite(v) && v > 0 ? v : DEFAULT_TRACE_BUDGET_MB;
}

/** Remember the budget (MB, > 0; other values are refused with `false`). */
export function saveTraceBudgetMb(storage: Store, mb: number): boolean {
	if (!Number.isFinite(mb) || mb <= 0) return false;
	storage.setItem(budgetKey, String(mb));
	return true;
}

/**
 * Store spans a page recorded, off the hot path: content stripped unless `workspaceId`
 * captures it, then the storage budget enforced (oldest whole traces pruned). Never rejects.
 */
export async function recordTrace(
	api: Pick<LibraryApi, 'recordSpans' | 'enforceTraceBudget'>,
	spans: readonly SpanRecord[],
	workspaceId: string | null
): Promise<void> {
	try {
		const storage = globalThis.localStorage as Storage | undefined;
		await api.recordSpans(applyContentCapture(spans, capturesContent(workspaceId)));
		await api.enforceTraceBudget((storage ? loadTraceBudgetMb(storage) : DEFAULT_TRACE_BUDGET_MB) * 1024 * 1024);
	} catch {
		// A trace that cannot be stored must not hide the answer it describes.
	}
}
