import { importReportJson } from '$lib/services/import-report.ts';
import type { ImportReport } from '$lib/services/library-api.ts';

/**
 * Download an import report as JSON (`assay-import-<jobId>.json`) through a Blob and a
 * temporary object URL, revoked right after the click: nothing leaves the machine.
 */
export function downloadImportReport(report: ImportReport): void {
	const url = URL.createObjectURL(new Blob([importReportJson(report)], { type: 'application/json' }));
	const a = document.createElement('a');
	a.href = url;
	a.download = `assay-import-${report.jobId}.json`;
	document.body.append(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 0);
}
