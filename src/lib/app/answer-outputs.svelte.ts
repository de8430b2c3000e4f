import type { GoldenCase } from '$lib/evals/golden/types.ts';
import pkg from '../../../package.json';
import { download, environmentInfo, importReportFiles } from './eval-files.ts';
import { describe } from './workbench.svelte.ts';
import type { AnswerLab } from './answer-lab.svelte.ts';

/**
 * What leaves an answer run: a case added to a golden set from an answer, the versioned report
 * (stored with the workspace's eval reports and downloaded), and baseline reports imported to
 * gate against.
 */
export class AnswerOutputs {
	constructor(private readonly lab: AnswerLab) {}

	/** Add a case to a golden set from an answer: its query, the chosen sources and a corrected reference answer. */
	async addToGoldenSet(goldenSetId: string, entry: GoldenCase): Promise<void> {
		const lab = this.lab;
		const gs = lab.goldenSets.find((g) => g.id === goldenSetId);
		if (!gs || !lab.workspaceId) return;
		const workspaceId = lab.workspaceId;
		await lab.guard(async () => {
			const replaced = gs.cases.some((c) => c.id === entry.id);
			const cases = [...($state.snapshot(gs.cases) as GoldenCase[]).filter((c) => c.id !== entry.id), entry];
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
			const report = await lab.api.saveAnswerReport({ runId: run.id, appVersion: pkg.version, environment: await environmentInfo(), pairwise: lab.pairwise.section() });
			lab.reports = await lab.api.listEvalReports(workspaceId);
			download(`assay-answers-${run.config.label.replace(/[^\w.-]+/g, '_')}-${report.id}.json`, JSON.stringify(report, null, 2), 'application/json');
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
