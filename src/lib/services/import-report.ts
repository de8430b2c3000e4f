import { DOCUMENT_STATUSES, type DocumentStatus } from '../ingest/types.ts';
import type { ImportItemResult, ImportReport } from './library-api.ts';

/** Stored documents per status among `items` (items without a status are not counted). */
export function statusCountsOf(items: readonly ImportItemResult[]): Record<DocumentStatus, number> {
	const counts = Object.fromEntries(DOCUMENT_STATUSES.map((s) => [s, 0])) as Record<DocumentStatus, number>;
	for (const item of items) if (item.status) counts[item.status]++;
	return counts;
}

/** Format version of {@link importReportJson}'s output. */
export const IMPORT_REPORT_FORMAT = 'assay.import-report/1';

/**
 * The import report as pretty JSON for download: `{ format, jobId, workspaceId, startedAt (ISO
 * 8601), durationMs, cancelled, stopped ({ code, message }, when storage filled up), counts (per outcome), statusCounts (per document status), files:
 * [{ relativePath, outcome, status, chunkCount, overlapShortfalls, error: { code, message }, warnings: [{ kind, count,
 * message, pages?, excerpts? }] }] }` (`overlapShortfalls`: chunks with less than half the requested overlap, when any).
 */
export function importReportJson(report: ImportReport): string {
	return JSON.stringify(
		{
			format: IMPORT_REPORT_FORMAT,
			jobId: report.jobId,
			workspaceId: report.workspaceId,
			startedAt: new Date(report.startedAtMs).toISOString(),
			durationMs: Math.round(report.durationMs),
			cancelled: report.cancelled,
			...(report.stopped ? { stopped: { code: report.stopped.code, message: report.stopped.message } } : {}),
			counts: report.counts,
			statusCounts: report.statusCounts,
			files: report.items.map((i) => ({
				relativePath: i.relativePath,
				outcome: i.outcome,
				...(i.status ? { status: i.status } : {}),
				...(i.chunkCount !== undefined ? { chunkCount: i.chunkCount } : {}),
				...(i.overlapShortfalls ? { overlapShortfalls: i.overlapShortfalls } : {}),
				...(i.duplicateOf ? { duplicateOf: i.duplicateOf } : {}),
				...(i.error ? { error: { code: i.error.code, message: i.error.message } } : {}),
				...(i.warnings
					? {
							warnings: i.warnings.map((w) => ({
								kind: w.kind,
								count: w.count,
								message: w.message,
								...(w.pages ? { pages: w.pages } : {}),
								...(w.excerpts ? { excerpts: w.excerpts } : {})
							}))
						}
					: {}),
				durationMs: Math.round(i.durationMs)
			}))
		},
		null,
		2
	);
}
