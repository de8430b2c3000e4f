import { newId } from '$lib/shared/ids.ts';
import type { AppConfig, AnalyzerName } from '$lib/config/schema.ts';
import type { WorkspaceRecord } from '$lib/ingest/types.ts';
import type { GoldenCase, GoldenSetRecord, RowError } from '$lib/evals/golden/types.ts';
import { evaluableCases } from '$lib/evals/golden/synthetic.ts';
import { compareReports, reportToTrecRun, type EvalReport, type ReportComparison } from '$lib/evals/report/index.ts';
import type { RetrievalConfigInput } from '$lib/evals/runner/config.ts';
import type { BeirImportProgress, EvalRunProgress, ExplainResult } from '$lib/services/eval-api.ts';
import pkg from '../../../package.json';
import { loadRunAs } from './run-as.ts';
import { LibraryClient } from './library-client.ts';
import { beirFolderInput, download, environmentInfo, goldenSetSource, importReportFiles } from './eval-files.ts';
import { describe } from './describe.ts';
import type { AppCore } from './app-core.svelte.ts';
import { SyntheticDesk } from './eval-synthetic.svelte.ts';
import { draftFromConfig, loadDrafts, saveDrafts, toRetrievalConfig, type ConfigDraft } from './eval-drafts.ts';
import { rewritesForEval } from './eval-rewrite.ts';
import { contextsForEval } from './eval-contextual.ts';

/**
 * State and actions of the evals page (Svelte 5 runes): workspaces, golden sets and their
 * editor, BEIR import, the experiment matrix, runs with progress and cancel, reports side by
 * side, paired comparisons, exports. A view over the app context (its worker, workspace and
 * semantic state), kept for the visit so a running experiment survives a page change.
 */
export class EvalBench {
	config = $state<AppConfig | null>(null);
	goldenSets = $state<GoldenSetRecord[]>([]);
	goldenSetId = $state<string | null>(null);
	importErrors = $state<RowError[]>([]);
	beirProgress = $state<BeirImportProgress | null>(null);
	drafts = $state<ConfigDraft[]>([]);
	runProgress = $state<(EvalRunProgress & { label: string; index: number; count: number }) | null>(null);
	reports = $state<EvalReport[]>([]);
	comparison = $state<ReportComparison | null>(null);
	/** The explain view: why a document ranked where it did in a report. */
	explanation = $state<(ExplainResult & { label: string; query: string }) | null>(null);
	error = $state<string | null>(null);
	notice = $state<string | null>(null);
	ready = $state(false);
	/** Minimum grade counted relevant (trec_eval -l) for the next runs. */
	relevanceLevel = $state(1);
	/** nDCG gain for the next runs: linear (trec_eval) or exponential (2^grade − 1). */
	ndcgGain = $state<'linear' | 'exponential'>('linear');
	/** Write a stage ablation into the next dense/hybrid/hybrid-rerank reports (each stage scored as its own run). */
	ablation = $state(false);

	readonly goldenSet = $derived(this.goldenSets.find((g) => g.id === this.goldenSetId) ?? null);
	/** The workspace whose data is loaded here. */
	private loadedWorkspaceId: string | null = null;
	/** The workspace `drafts` belong to (set with them; the matrix is stored under it). */
	private draftsWorkspaceId: string | null = null;
	private jobId: string | null = null;
	/** Stops the page-side query rewriting or context writing of the running configuration (see `cancelRun`). */
	private rewriteAbort: AbortController | null = null;

	/** "Generate synthetic cases" and their review queue, over the current golden set. */
	readonly synthetic: SyntheticDesk;

	constructor(private readonly app: AppCore) {
		this.synthetic = new SyntheticDesk(app, this);
	}

	private get api() {
		return this.app.api;
	}
	get workspaces(): WorkspaceRecord[] {
		return this.app.workspaces;
	}
	get workspaceId(): string | null {
		return this.app.workspaceId;
	}
	/** Embedding model, vectors and reranker of the workspace (the app's one semantic state; dense modes evaluate on these). */
	get semantic() {
		return this.app.semantic;
	}

	/**
	 * The page is shown: start the app if needed and open the app's workspace — again when another
	 * page switched it; else reload its golden sets (the library and answer pages add to them).
	 */
	async show(): Promise<void> {
		await this.guard(async () => {
			await this.app.start();
			const pick = this.app.initialWorkspace();
			if (pick && pick.id !== this.loadedWorkspaceId) await this.selectWorkspace(pick.id);
			else if (pick && !this.runProgress) await this.refreshGoldenSets(pick.id);
		});
		this.ready = true;
	}

	/** Reload the workspace's golden sets (after the synthetic desk saved one). */
	async reloadGoldenSets(): Promise<void> {
		if (this.workspaceId) await this.refreshGoldenSets(this.workspaceId);
	}

	private async refreshGoldenSets(id: string): Promise<void> {
		this.goldenSets = await this.api.listGoldenSets(id);
		if (!this.goldenSets.some((g) => g.id === this.goldenSetId)) this.goldenSetId = this.goldenSets[0]?.id ?? null;
	}

	/** Make `id` current: load its configuration, golden sets and reports; the matrix stored for it (else one draft with its settings). */
	async selectWorkspace(id: string): Promise<void> {
		this.app.setWorkspace(id);
		this.loadedWorkspaceId = id;
		this.draftsWorkspaceId = null;
		this.comparison = null;
		await this.guard(async () => {
			this.config = await this.api.workspaceConfig(id);
			this.goldenSets = await this.api.listGoldenSets(id);
			this.goldenSetId = this.goldenSets[0]?.id ?? null;
			this.reports = await this.api.listEvalReports(id);
			const stored = loadDrafts(localStorage, id);
			this.drafts = stored.drafts ?? [this.draftFromWorkspace('BM25 (workspace settings)')];
			this.draftsWorkspaceId = id;
			if (stored.notice) this.notice = stored.notice;
			await this.semantic.refreshSettled(id);
		});
	}

	/**
	 * Store the matrix for its workspace. Reads every field of every draft, so a page `$effect`
	 * calling it re-runs (and saves) on each edit.
	 */
	persistDrafts(): void {
		const json = JSON.stringify(this.drafts);
		if (this.draftsWorkspaceId) saveDrafts(localStorage, this.draftsWorkspaceId, JSON.parse(json) as ConfigDraft[]);
	}

	/** Store new model settings for the workspace (then embed with "Embed chunks"). */
	async saveConfig(config: AppConfig): Promise<void> {
		const id = this.workspaceId;
		if (!id) return;
		await this.guard(async () => {
			await this.api.updateWorkspaceConfig(id, config);
			this.config = await this.api.workspaceConfig(id);
			await this.semantic.refreshSettled(id);
		});
	}

	/** What the matrix's dense modes will use, or why they cannot run yet. */
	get denseNote(): string {
		const s = this.semantic.status;
		const c = this.config;
		if (!s || !c) return '';
		const rerank = c.rerank.enabled ? `reranker ${c.rerank.modelId}` : 'reranker off';
		if (s.vectorCount === 0 || s.pendingChunks > 0)
			return `Dense, hybrid and rerank need every chunk embedded with ${c.embedding.modelId} (${s.vectorCount} of ${s.vectorCount + s.pendingChunks}): embed below first (a configuration with contexts embeds its own context + chunk vectors).`;
		return `Dense modes use ${c.embedding.modelId} (${c.embedding.dtype}): ${s.vectorCount} vectors, ${s.indexKind ?? 'no'} index, computed on ${s.backends.join(', ') || '?'}; ${rerank}.`;
	}

	/** A draft with the workspace's chunking and BM25 settings. */
	draftFromWorkspace(label: string): ConfigDraft {
		return draftFromConfig(label, this.config);
	}

	/** Add a configuration to the matrix, copied from the last one. */
	addDraft(): void {
		const last = this.drafts[this.drafts.length - 1] ?? this.draftFromWorkspace('BM25');
		this.drafts = [...this.drafts, { ...last, key: newId('cfg'), label: `${last.label} (copy)` }];
	}

	removeDraft(key: string): void {
		this.drafts = this.drafts.filter((d) => d.key !== key);
	}

	/** Make a workspace and golden set from a picked BEIR folder. */
	async importBeir(files: readonly File[], analyzer: AnalyzerName): Promise<void> {
		await this.guard(async () => {
			const input = beirFolderInput(files, analyzer);
			this.beirProgress = { phase: 'reading', done: 0, total: 1 };
			const job = this.app.jobs.start({ kind: 'beir', label: 'BEIR import', route: '/evals/', total: 1 });
			const result = await this.api
				.importBeirFolder(
					input,
					LibraryClient.listener((p: BeirImportProgress) => {
						this.beirProgress = p;
						job.progress(p.done, p.total, p.phase);
					})
				)
				.catch((error: unknown) => {
					job.finish('failed', describe(error));
					throw error;
				});
			job.finish('done', `${result.documents} documents, ${result.goldenSet.cases.length} golden cases`);
			this.importErrors = [...result.errors];
			await this.app.refreshWorkspaces();
			await this.selectWorkspace(result.workspace.id);
			this.goldenSetId = result.goldenSet.id;
			this.notice = `Imported ${result.documents} documents and ${result.goldenSet.cases.length} golden cases in ${(result.durationMs / 1000).toFixed(1)} s.`;
		});
		this.beirProgress = null;
	}

	/** Import a golden set file (JSONL, CSV, or qrels + queries) into the current workspace. */
	async importGoldenSet(files: readonly File[]): Promise<void> {
		if (!this.workspaceId) return;
		const workspaceId = this.workspaceId;
		await this.guard(async () => {
			const { name, source } = await goldenSetSource(files);
			const result = await this.api.importGoldenSet(workspaceId, name, source);
			this.importErrors = [...result.errors];
			this.goldenSets = await this.api.listGoldenSets(workspaceId);
			this.goldenSetId = result.goldenSet.id;
			this.notice = `Imported ${result.goldenSet.cases.length} cases${result.errors.length ? `; ${result.errors.length} rows rejected` : ''}.`;
		});
	}

	/** Create an empty golden set to fill in the editor. */
	async newGoldenSet(name: string): Promise<void> {
		if (!this.workspaceId) return;
		const workspaceId = this.workspaceId;
		await this.guard(async () => {
			const record = await this.api.saveGoldenSet(workspaceId, null, name, []);
			this.goldenSets = await this.api.listGoldenSets(workspaceId);
			this.goldenSetId = record.id;
		});
	}

	/** Replace the current golden set's cases (add, edit, delete in the editor). */
	async saveCases(cases: readonly GoldenCase[]): Promise<void> {
		const gs = this.goldenSet;
		if (!gs || !this.workspaceId) return;
		const workspaceId = this.workspaceId;
		await this.guard(async () => {
			await this.api.saveGoldenSet(workspaceId, gs.id, gs.name, cases);
			this.goldenSets = await this.api.listGoldenSets(workspaceId);
		});
	}

	/** Delete a golden set (its reports stay). */
	async deleteGoldenSet(id: string): Promise<void> {
		if (!this.workspaceId) return;
		const workspaceId = this.workspaceId;
		await this.guard(async () => {
			await this.api.deleteGoldenSet(id);
			this.goldenSets = await this.api.listGoldenSets(workspaceId);
			this.goldenSetId = this.goldenSets[0]?.id ?? null;
		});
	}

	/** Run every configuration of the matrix over the current golden set, one after another. */
	async runExperiment(): Promise<void> {
		const gs = this.goldenSet;
		if (!gs || !this.workspaceId) return;
		const workspaceId = this.workspaceId;
		const drafts = $state.snapshot(this.drafts) as ConfigDraft[];
		// What the worker evaluates: real cases and accepted synthetic ones.
		const evaluated = evaluableCases(gs.cases).length;
		const job = this.app.jobs.start({
			kind: 'experiment',
			label: `Experiment: ${drafts.length} configuration(s) × ${evaluated} queries`,
			route: '/evals/',
			workspaceId,
			total: drafts.length * evaluated,
			cancel: () => void this.cancelRun()
		});
		let cancelled = false;
		await this.guard(async () => {
			const environment = await environmentInfo();
			// Evaluate as the principal the search page runs as (absent = owner); the report records it.
			const runAs = loadRunAs(localStorage, workspaceId);
			for (const [index, d] of drafts.entries()) {
				const jobId = newId('eval');
				this.jobId = jobId;
				this.runProgress = { jobId, phase: 'indexing', done: 0, total: evaluated, label: d.label, index, count: drafts.length };
				const config = toRetrievalConfig(d);
				const rewrite = config.rewrite
					? await rewritesForEval(
							this.app,
							config.rewrite,
							evaluableCases(gs.cases).map((c) => c.query),
							(done, total) => (this.runProgress = { jobId, phase: 'rewriting', done, total, label: d.label, index, count: drafts.length }),
							(this.rewriteAbort = new AbortController()).signal
						)
					: undefined;
				if (this.rewriteAbort?.signal.aborted) {
					cancelled = true;
					break;
				}
				const contextual = config.contextual
					? await contextsForEval(
							this.app,
							workspaceId,
							config.contextual,
							config.chunking,
							(done, total) =>
								(this.runProgress = { jobId, phase: 'contextualising', done, total, label: d.label, index, count: drafts.length }),
							(this.rewriteAbort = new AbortController()).signal
						)
					: undefined;
				if (this.rewriteAbort?.signal.aborted) {
					cancelled = true;
					break;
				}
				this.rewriteAbort = null;
				const report = await this.api.runEval(
					{
						workspaceId,
						goldenSetId: gs.id,
						config,
						...(rewrite ? { rewrite } : {}),
						...(contextual ? { contextual } : {}),
						jobId,
						appVersion: pkg.version,
						environment,
						relevanceLevel: this.relevanceLevel,
						ndcgGain: this.ndcgGain,
						...(this.ablation ? { ablation: true } : {}),
						...(runAs ? { runAs } : {})
					},
					LibraryClient.listener((p: EvalRunProgress) => {
						this.runProgress = { ...p, label: d.label, index, count: drafts.length };
						if (p.phase === 'querying') job.progress(index * evaluated + p.done, undefined, d.label);
					})
				);
				this.reports = [...this.reports, report];
				if (report.status === 'cancelled') {
					cancelled = true;
					break;
				}
			}
		});
		job.finish(this.error ? 'failed' : cancelled ? 'cancelled' : 'done', this.error);
		this.runProgress = null;
		this.jobId = null;
	}

	/** Cancel the running evaluation (between queries; the finished ones are reported). */
	async cancelRun(): Promise<void> {
		// Rewriting the queries happens here, before the worker runs: stop it between queries.
		this.rewriteAbort?.abort();
		if (this.jobId) await this.api.cancelEval(this.jobId);
	}

	/** Paired comparison of two reports on one metric (seeded; computed here, no worker call). */
	compare(baselineId: string, candidateId: string, metric: string): void {
		const a = this.reports.find((r) => r.id === baselineId);
		const b = this.reports.find((r) => r.id === candidateId);
		this.error = null;
		if (!a || !b) return;
		try {
			this.comparison = compareReports($state.snapshot(a) as EvalReport, $state.snapshot(b) as EvalReport, metric);
		} catch (error) {
			this.comparison = null;
			this.error = describe(error);
		}
	}

	/**
	 * Explain a ranked document of a report (BM25 term by term, best chunk), with the report's
	 * configuration; a report with contextual chunks is explained against the contexts its model
	 * stored (default context settings, the Evals matrix's), as the run indexed them.
	 */
	async explain(report: EvalReport, queryId: string, documentRef: string): Promise<void> {
		const query = report.perQuery.find((q) => q.id === queryId)?.query ?? '';
		const config: RetrievalConfigInput = {
			label: report.retrieval.label,
			topK: report.retrieval.topK,
			depth: report.retrieval.depth,
			chunking: {
				mode: report.chunking.mode === 'none' ? 'none' : 'recursive',
				chunkSizeChars: report.chunking.chunkSizeChars,
				chunkOverlapChars: report.chunking.chunkOverlapChars
			},
			bm25: { k1: report.index.bm25.k1, b: report.index.bm25.b, analyzer: report.analyzer.name as AnalyzerName },
			...(report.retrieval.contextual ? { contextual: {} } : {})
		};
		const contextModel = report.retrieval.contextual?.model;
		const workspaceId = this.workspaceId;
		if (!workspaceId) return;
		await this.guard(async () => {
			this.explanation = {
				...(await this.api.explainResult({
					workspaceId,
					config,
					query,
					documentRef,
					...(contextModel !== undefined ? { contextModel } : {}),
					...(report.retrieval.runAs ? { runAs: { user: report.retrieval.runAs.user, groups: [...report.retrieval.runAs.groups] } } : {})
				})),
				label: report.retrieval.label,
				query
			};
		});
	}

	/** Download a report as JSON (schema `assay.eval-report/v2`). */
	exportReport(report: EvalReport): void {
		download(`assay-report-${slug(report.retrieval.label)}-${report.id}.json`, `${JSON.stringify(report, null, 1)}\n`, 'application/json');
	}

	/** Download a report's ranked lists as a TREC run. */
	exportTrecRun(report: EvalReport): void {
		download(`assay-run-${slug(report.retrieval.label)}-${report.id}.trec`, reportToTrecRun(report), 'text/plain');
	}

	/** Re-import exported reports into the current workspace's list. */
	async importReport(files: readonly File[]): Promise<void> {
		if (!this.workspaceId) return;
		const workspaceId = this.workspaceId;
		await this.guard(async () => {
			const { imported, failed } = await importReportFiles(files, (json) => this.api.importEvalReport(workspaceId, json), describe);
			this.reports = await this.api.listEvalReports(workspaceId);
			this.notice = `Imported ${imported} report(s).`;
			if (failed.length > 0) this.error = `Not imported — ${failed.join(' · ')}`;
		});
	}

	/** Delete a stored report. */
	async deleteReport(id: string): Promise<void> {
		if (!this.workspaceId) return;
		const workspaceId = this.workspaceId;
		await this.guard(async () => {
			await this.api.deleteEvalReport(id);
			this.reports = await this.api.listEvalReports(workspaceId);
			if (this.comparison && (this.comparison.baseline.id === id || this.comparison.candidate.id === id)) this.comparison = null;
		});
	}

	private async guard(fn: () => Promise<void>): Promise<void> {
		this.error = null;
		this.notice = null;
		try {
			await fn();
		} catch (error) {
			this.error = describe(error);
		}
	}
}

function slug(text: string): string {
	return (
		text
			.toLowerCase()
			.replace(/[^a-z0-9]+/g, '-')
			.replace(/^-|-$/g, '') || 'run'
	);
}
