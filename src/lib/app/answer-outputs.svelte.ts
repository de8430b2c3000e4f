import { priceTable } from './price-table.svelte.ts';
import type { PriceTable } from '$lib/cost/index.ts';
import type { GoldenCase } from '$lib/evals/golden/types.ts';
import pkg from '../../../package.json';
import { download, environmentInfo, importReportFiles, MAX_REPORT_BYTES } from './eval-files.ts';
import { describe } from './describe.ts';
import type { AnswerLabPort } from './answer-lab-port.ts';
import { AssayError } from '$lib/shared/errors.ts';
import { saveReportPick } from './workspace-prefs.ts';

/**
 * What leaves an answer run: a case added to a golden set from an answer, the versioned report
 * (stored with the workspace's eval reports and downloaded), and baseline reports imported to
 * gate against.
 */
export class AnswerOutputs {
	/** The report shown under "Open a CLI report" (an id of `lab.reports`), or null. */
	shownReportId = $state<string | null>(null);

	constructor(private readonly lab: AnswerLabPort) {}

	/**
	 * "Open a CLI report": read a `report.json` written by `assay eval` (or exported here),
	 * validate it with the report schema (a bad file is refused with the fields that are wrong,
	 * nothing else changes), store it with this workspace's reports — so it is listed with the
	 * others and can be compared and gated; the gate panel is set to gate it against the latest
	 * other report of the same golden set — and show it.
	 */
	async openReport(file: File | null): Promise<void> {
		const lab = this.lab;
		if (!file || !lab.workspaceId) return;
		const workspaceId = lab.workspaceId;
		await lab.guard(async () => {
			if (file.size > MAX_REPORT_BYTES)
				throw new AssayError(
					'DATASET_INVALID',
					`${file.name}: ${(file.size / 1048576).toFixed(1)} MiB is larger than the ${MAX_REPORT_BYTES / 1048576} MiB a report may be.`
				);
			let report;
			try {
				report = await lab.api.importEvalReport(workspaceId, await file.text());
			} catch (error) {
				throw new AssayError('DATASET_INVALID', `${file.name} was not opened: ${describe(error)}`, { cause: error });
			}
			lab.reports = await lab.api.listEvalReports(workspaceId);
			this.shownReportId = report.id;
			// The gate below gets it as the candidate, against the latest other report of the same golden set (else the latest other one).
			const others = lab.reports.filter((r) => r.id !== report.id);
			const baseline = others.filter((r) => r.dataset.contentHash === report.dataset.contentHash).at(-1) ?? others.at(-1) ?? report;
			saveReportPick(localStorage, 'answers-gate', workspaceId, { baseline: baseline.id, candidate: report.id });
			lab.notice = `Opened ${file.name} (report ${report.id}); it is listed with this workspace's reports for comparison and the gate.`;
		});
	}

	/** Add a case to a golden set from an answer: its query, the chosen sources and a corrected reference answer. */
	async addToGoldenSet(goldenSetId: string, entry: GoldenCase): Promise<void> {
		const lab = this.lab;
		const gs = lab.goldenSets.find((g) => g.id === goldenSetId);
		if (!gs || !lab.workspaceId) return;
		const workspaceId = lab.workspaceId;
		await lab.guard(async () => {
			const replaced = gs.cases.some((c) => c.id === entry.id);
			const cases = [...gs.cases.filter((c) => c.id !== entry.id), entry];
			await lab.api.saveGoldenSet(workspaceId, gs.id, gs.name, cases);
			lab.goldenSets = await lab.api.listGoldenSets(workspaceId);
			lab.notice = `Case "${entry.id}" ${replaced ? 'replaced in' : 'saved to'} "${gs.name}" (${cases.length} cases). Runs already made keep the version they answered.`;
		});
	}

	/** Build, store and download the versioned report (v2) of the open run. */
	async exportReport(): Promise<void> {
		const lab = this.lab;
		const run = lab.run;
		if (!run || !lab.workspaceId) return;
		const workspaceId = lab.workspaceId;
		await lab.guard(async () => {
			const report = await lab.api.saveAnswerReport({
				runId: run.id,
				appVersion: pkg.version,
				environment: await environmentInfo(),
				pairwise: lab.pairwise.section(),
				priceTable: $state.snapshot(priceTable.current()) as PriceTable
			});
			lab.reports = await lab.api.listEvalReports(workspaceId);
			// Shown at once in the report view (repeats, flaky cases, context matching).
			this.shownReportId = report.id;
			download(
				`assay-answers-${run.config.label.replace(/[^\w.-]+/g, '_')}-${report.id}.json`,
				JSON.stringify(report, null, 2),
				'application/json'
			);
			lab.notice = `Report ${report.id} saved with the evaluations and downloaded.`;
		});
	}

	/** Re-import exported reports (e.g. a baseline to gate against). */
	async importReports(files: readonly File[]): Promise<void> {
		const lab = this.lab;
		if (!lab.workspaceId) return;
		const workspaceId = lab.workspaceId;
		await lab.guard(async () => {
			const { imported, failed } = await importReportFiles(files, (json) => lab.api.importEvalReport(workspaceId, json), describe);
			lab.reports = await lab.api.listEvalReports(workspaceId);
			lab.notice = `Imported ${imported} report(s).`;
			if (failed.length > 0) lab.error = `Not imported — ${failed.join(' · ')}`;
		});
	}
}
