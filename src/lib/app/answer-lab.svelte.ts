import { AssayError } from '$lib/shared/errors.ts';
import { recordTrace } from './traces/prefs.ts';
import type { WorkspaceRecord } from '$lib/ingest/types.ts';
import type { GoldenCase, GoldenSetRecord } from '$lib/evals/golden/types.ts';
import type { EvalReport } from '$lib/evals/report/types.ts';
import type { AnswerRecord, AnswerRunRecord, HumanReview, RubricId } from '$lib/evals/answers/types.ts';
import { DEFAULT_RUBRIC_IDS } from '$lib/evals/answers/types.ts';
import { runAnswerCases, type RetrievedSource } from '$lib/evals/answers/run.ts';
import { DEFAULT_CHECKS, defaultGrading, gradeAnswers, RUBRIC_PROMPTS } from '$lib/evals/answers/grade.ts';
import { rubricsForContexts } from '$lib/evals/system/contexts.ts';
import type { SystemContext } from '$lib/evals/system/types.ts';
import { CachingChatModel, judgePromptOf } from '$lib/evals/system/cache.ts';
import { GradingPassJudge, IdbResponseCache } from './answer-cache.ts';
import { parseGradingSettings } from '$lib/evals/answers/config.ts';
import { compileChecks, parseCheckSpecs } from '$lib/evals/checks/index.ts';
import { summariseAnswerRun, type AnswerRunSummary } from '$lib/evals/answers/summary.ts';
import { gradeEvents, recordAnswerEvaluations, reviewEvent } from '$lib/evals/answers/evaluations.ts';
import type { SpanEvent } from '$lib/tracing/types.ts';
import type { RetrievalMode } from '$lib/search/retrieval/index.ts';
import { BasicTracer, InMemorySpanSink } from '$lib/tracing/index.ts';
import { EstimateTokenizer } from '$lib/generation/index.ts';
import { CfworkerSchemaValidator } from '$lib/adapters/json-schema-validator.ts';
import { answerRunRetriever } from '$lib/services/retrieved-sources.ts';
import { loadRunAs } from './run-as.ts';
import { PromptStudio } from './prompt-studio.svelte.ts';
import type { AppCore } from './app-core.svelte.ts';
import type { JobHandle, JobKind } from './shell/jobs.svelte.ts';
import { describe } from './describe.ts';
import type { EndpointSettings } from './ask-endpoint.ts';
import { chatModelFor, modelRefOf, type EngineKind } from './answer-engine.ts';
import { PairwiseDesk } from './answer-pairwise.svelte.ts';
import { busyRunIds, withRunLock } from './run-locks.ts';
import { AnswerOutputs } from './answer-outputs.svelte.ts';
import { SystemDesk } from './answer-system.svelte.ts';
import { systemEngine } from './answer-system-engine.ts';
import { loadInjectionSuite } from './demo.ts';
import { newId } from '$lib/shared/ids.ts';
import type { AnswerLabPort, LabProgress } from './answer-lab-port.ts';
import type { ChatModel } from '$lib/generation/types.ts';
import { BatchDesk } from './answer-lab-batch.svelte.ts';
import { MAX_CONCURRENCY } from '$lib/evals/answers/pool.ts';
import type { Throughput } from '$lib/evals/answers/throughput.ts';
import type { GradingSettings } from '$lib/evals/answers/types.ts';

/** How often the page re-reads the held run locks, ms (a run started or finished in another tab shows within this). */
export const LOCK_POLL_MS = 1000;

/** The jobs-tray kind of each lab job. */
const TRAY_KINDS: Record<LabProgress['kind'], JobKind> = {
	answering: 'answers',
	evaluating: 'system-eval',
	grading: 'grading',
	comparing: 'grading'
};

export type { LabProgress } from './answer-lab-port.ts';

/**
 * State and actions of the Answers page (Svelte 5 runes): answer runs over a golden set
 * (retrieve → generate with the chosen model and prompt version, one stored answer per case,
 * progress, cancel, resume after reload), grading (layer-1 checks and LLM judges), human review,
 * pairwise comparison, "add to golden set", fine-tuning and report export. Generation and judging
 * run here, where the chat model lives; every answer is stored through the library worker as it
 * arrives. A view over the app context: worker, workspace, in-browser model and the answering and
 * judge profiles are the app's; the lab is kept for the visit, so a run goes on across pages.
 */
export class AnswerLab implements AnswerLabPort {
	goldenSets = $state<GoldenSetRecord[]>([]);
	goldenSetId = $state<string | null>(null);
	runs = $state<AnswerRunRecord[]>([]);
	runId = $state<string | null>(null);
	answers = $state<AnswerRecord[]>([]);
	reports = $state<EvalReport[]>([]);
	private current = $state<LabProgress | null>(null);
	/** The running job's entry in the app's jobs tray. */
	private trayJob: JobHandle | null = null;
	/** Runs some tab holds the lock of (answering or grading); refreshed on open, after each job and every {@link LOCK_POLL_MS}. */
	busyElsewhere = $state<string[]>([]);
	/** The run this tab's job works on (holding its lock), or null. */
	activeRunId = $state<string | null>(null);
	error = $state<string | null>(null);
	notice = $state<string | null>(null);
	ready = $state(false);

	// Answering: retrieval, budget (the engine and endpoint are the answering profile's).
	label = $state('');
	mode = $state<RetrievalMode>('lexical');
	topK = $state(8);
	contextWindowTokens = $state(4096);
	maxTokens = $state(512);
	temperature = $state(0);
	seed = $state(42);

	// Grading: rubrics, checks (the judge's engine and endpoint are the judge profile's).
	rubrics = $state<RubricId[]>([...DEFAULT_RUBRIC_IDS]);
	checksText = $state(JSON.stringify(DEFAULT_CHECKS, null, 2));
	passThreshold = $state(4);
	/** Judge sampling: temperature 0–2 (default 0) and seed (default 42), recorded with every verdict. */
	judgeTemperature = $state(0);
	judgeSeed = $state(42);
	/** Replay judge replies from the IndexedDB response cache (key: judge model, base URL, prompt id/version, messages, sampling), so re-grading the same answers asks nothing again. */
	judgeCache = $state(true);

	/**
	 * "Concurrent requests": answers (and judge verdicts) asked of an endpoint at once, 1–32,
	 * default 1. The in-browser model always works one request at a time ({@link concurrencyFor}).
	 */
	concurrency = $state(1);
	/** Throughput of the running or last answering / grading job (cases/s, output tokens/s). */
	throughput = $state<{ kind: 'answering' | 'grading'; value: Throughput } | null>(null);

	readonly prompt = new PromptStudio();
	/** OpenAI Batch API JSONL export / import of the open run's answers and judge requests. */
	readonly batch: BatchDesk = new BatchDesk(this);
	readonly pairwise: PairwiseDesk = new PairwiseDesk(this);
	readonly outputs: AnswerOutputs = new AnswerOutputs(this);
	/** "Evaluate a system": an http app or an outputs file as the system under test. */
	readonly systems: SystemDesk = new SystemDesk(this, systemEngine);
	readonly run = $derived(this.runs.find((r) => r.id === this.runId) ?? null);
	readonly summary = $derived<AnswerRunSummary | null>(
		this.answers.length > 0 ? summariseAnswerRun(this.answers, this.passThreshold) : null
	);
	readonly validator = new CfworkerSchemaValidator();

	private abort: AbortController | null = null;
	/** The storing of the last answering job's spans: scores wait for it, so the span they go on is stored. */
	private traceStored: Promise<void> = Promise.resolve();
	private lockPoll: ReturnType<typeof setInterval> | null = null;
	/** The workspace whose data is loaded here. */
	private loadedWorkspaceId: string | null = null;

	constructor(private readonly app: AppCore) {}

	get api() {
		return this.app.api;
	}
	get workspaces(): WorkspaceRecord[] {
		return this.app.workspaces;
	}
	get workspaceId(): string | null {
		return this.app.workspaceId;
	}
	/** The in-browser model (the app's one LLM manager: a model loaded on Ask is loaded here). */
	get llm() {
		return this.app.llm;
	}
	/** The answering role's engine and endpoint profile (shared with Ask). */
	get engineKind(): EngineKind {
		return this.app.profiles.engineOf('answer');
	}
	get endpoint(): EndpointSettings {
		return this.app.profiles.endpointFor('answer');
	}
	/** The judge role's engine and endpoint profile. */
	get judgeKind(): EngineKind {
		return this.app.profiles.engineOf('judge');
	}
	get judgeEndpoint(): EndpointSettings {
		return this.app.profiles.endpointFor('judge');
	}
	/** The concurrency a job on engine `kind` runs with: the setting (clamped to 1–32) for an endpoint, 1 in the browser. */
	concurrencyFor(kind: EngineKind): number {
		if (kind === 'webllm') return 1;
		const n = Math.round(Number(this.concurrency));
		return Number.isFinite(n) ? Math.min(MAX_CONCURRENCY, Math.max(1, n)) : 1;
	}

	/** Progress of this lab's running job (answering, grading, …); mirrored in the app's jobs tray. */
	get progress(): LabProgress | null {
		return this.current;
	}
	set progress(p: LabProgress | null) {
		this.current = p;
		if (p) this.trayJob?.progress(p.done, p.total);
	}

	/** The page is shown: start the app if needed and open the app's workspace (again when another page switched it). */
	async show(): Promise<void> {
		await this.guard(async () => {
			await this.app.start();
			const pick = this.app.initialWorkspace();
			if (pick && pick.id !== this.loadedWorkspaceId) await this.selectWorkspace(pick.id);
			else if (pick && !this.progress) this.goldenSets = await this.api.listGoldenSets(pick.id);
			await this.systems.refreshCacheCount();
		});
		// Another tab may start or finish a run at any time: its lock is the only live signal.
		this.lockPoll ??= setInterval(() => void this.refreshLocks(), LOCK_POLL_MS);
		if (this.engineKind === 'webllm' || this.judgeKind === 'webllm') this.app.startLlm();
		this.ready = true;
	}

	/**
	 * Re-read which runs some tab holds; when that set changed (a job started or ended in another
	 * tab), the runs are re-listed so a new run appears and a finished one shows its stored status
	 * (complete, cancelled) instead of "interrupted".
	 */
	async refreshLocks(): Promise<void> {
		const held = await busyRunIds().catch(() => this.busyElsewhere);
		const changed = held.length !== this.busyElsewhere.length || this.busyElsewhere.some((id) => !held.includes(id));
		if (!changed) return;
		this.busyElsewhere = held;
		const workspaceId = this.workspaceId;
		if (workspaceId) {
			const runs = await this.api.listAnswerRuns(workspaceId).catch(() => null);
			if (runs && this.workspaceId === workspaceId) this.runs = runs;
		}
	}

	/** The page is hidden: stop polling the run locks (a running job goes on). */
	hide(): void {
		if (this.lockPoll) clearInterval(this.lockPoll);
		this.lockPoll = null;
	}

	/** Switch an engine (remembered per workspace); the in-browser one probes the GPU on first use only. */
	useEngine(role: 'answer' | 'judge', kind: EngineKind): void {
		this.app.profiles.setEngine(role, kind);
		if (kind === 'webllm') this.app.startLlm();
	}

	/** Make `id` current (remembered for every page): its golden sets (one with reference answers first), runs and reports; opens its latest run. */
	async selectWorkspace(id: string): Promise<void> {
		this.app.setWorkspace(id);
		this.loadedWorkspaceId = id;
		await this.guard(async () => {
			this.goldenSets = await this.api.listGoldenSets(id);
			this.goldenSetId = this.goldenSets.find((g) => g.cases.some((c) => c.reference))?.id ?? this.goldenSets[0]?.id ?? null;
			this.runs = await this.api.listAnswerRuns(id);
			this.reports = await this.api.listEvalReports(id);
			await this.openRun(this.runs.at(-1)?.id ?? null);
		});
	}

	/**
	 * "Load injection suite": a new workspace with the suite's documents (each carries a prompt
	 * injection) and its golden set, made current. Answer it with any model, then grade: every
	 * case is checked for planted canaries and forbidden URLs, and the summary and report give
	 * the attack success rate.
	 */
	async loadInjectionSuite(): Promise<void> {
		await this.guard(async () => {
			this.notice = 'Loading the injection suite…';
			const suite = await loadInjectionSuite();
			const ws = await this.api.createWorkspace(suite.name);
			const report = await this.api.importFiles(ws.id, suite.files, newId('import'));
			if (suite.goldenSet)
				await this.api.importGoldenSet(ws.id, suite.goldenSet.name, { format: suite.goldenSet.format, text: suite.goldenSet.text });
			await this.app.refreshWorkspaces();
			await this.selectWorkspace(ws.id);
			this.notice = `Injection suite loaded: ${report.items.length} documents and ${this.goldenSets[0]?.cases.length ?? 0} cases in the workspace “${ws.name}”. Answer it with your model, then grade to see the attack success rate.`;
		});
	}

	/** Show a run's answers. */
	async openRun(runId: string | null): Promise<void> {
		const answers = runId ? (await this.api.answerRunState(runId)).answers : [];
		// Run and answers change together: views keyed by the run never see another run's answers.
		this.runId = runId;
		this.answers = answers;
		this.pairwise.reset();
		this.busyElsewhere = await busyRunIds().catch(() => []);
	}

	/** Answer every case of the selected golden set with the current settings (a new run). */
	async startRun(): Promise<void> {
		const workspaceId = this.workspaceId;
		const gs = this.goldenSets.find((g) => g.id === this.goldenSetId);
		if (!workspaceId || !gs || this.progress) return;
		await this.guard(async () => {
			const model = chatModelFor(this.engineKind, $state.snapshot(this.endpoint), this.llm.loaded);
			if (this.engineKind === 'endpoint') this.app.profiles.save();
			const prompt = $state.snapshot(this.prompt.current);
			const config = {
				label: this.label.trim() || `${this.mode} · ${model.modelId} · prompt v${prompt.spec.version}`,
				mode: this.mode,
				topK: this.topK,
				model: modelRefOf(model, this.engineKind, this.endpoint),
				prompt: { spec: prompt.spec, fewShot: prompt.fewShot },
				contextWindowTokens: this.contextWindowTokens,
				maxTokens: this.maxTokens,
				temperature: this.temperature,
				seed: this.seed,
				// Retrieve as the principal the search page runs as (absent = owner); recorded with the run.
				...(() => {
					const runAs = loadRunAs(localStorage, workspaceId);
					return runAs ? { runAs } : {};
				})()
			};
			const run = await this.api.startAnswerRun({ workspaceId, goldenSetId: gs.id, config });
			this.runs = [...this.runs, run];
			await this.openRun(run.id);
			await this.execute(run, run.cases);
		});
	}

	/** Answer what an interrupted or cancelled run has left, with the engine it was started with. */
	async resume(runId: string): Promise<void> {
		if (this.progress) return;
		await this.guard(async () => {
			await this.openRun(runId);
			const state = await this.api.answerRunState(runId);
			if (state.pending.length === 0) return void (this.notice = 'Every case of this run has an answer.');
			// A run another system answered resumes with that system (set in "Evaluate a system").
			if (state.run.config.system) return this.systems.resume(state.run, state.pending);
			const model = chatModelFor(this.engineKind, $state.snapshot(this.endpoint), this.llm.loaded);
			if (model.modelId !== state.run.config.model.modelId)
				throw new AssayError(
					'CONFIG_INVALID',
					`This run was answered by "${state.run.config.model.modelId}"; select that model to resume it (now: "${model.modelId}").`
				);
			await this.execute(state.run, state.pending);
		});
	}

	private async execute(run: AnswerRunRecord, cases: readonly GoldenCase[]): Promise<void> {
		if (run.config.mode !== 'lexical') await this.ensureModels();
		const model = chatModelFor(this.engineKind, $state.snapshot(this.endpoint), this.llm.loaded);
		const sink = new InMemorySpanSink();
		const total = run.caseIds.length;
		const already = total - cases.length;
		// Failures so far (a resumed run's answers are loaded: execute always follows openRun) plus new ones, counted as they arrive.
		let failed = this.answers.filter((a) => a.runId === run.id && a.error !== null).length;
		try {
			await this.job(run.id, 'answering', total, async (signal) => {
				this.progress = { kind: 'answering', done: already, total };
				await this.setStatus(run.id, 'running');
				const result = await runAnswerCases({
					run,
					cases,
					model,
					retrieve: (q) => this.retrieve(run, q),
					tokenizer: new EstimateTokenizer(),
					tracer: new BasicTracer([sink]),
					clock: () => performance.now(),
					signal,
					concurrency: this.concurrencyFor(this.engineKind),
					onAnswer: async (record) => {
						await this.api.saveAnswer(record);
						if (record.error !== null) failed++;
						if (this.runId === run.id) this.answers = [...this.answers.filter((a) => a.caseId !== record.caseId), record];
					},
					onProgress: (done, _total, value) => {
						this.progress = { kind: 'answering', done: already + done, total };
						this.throughput = { kind: 'answering', value };
					}
				});
				this.throughput = { kind: 'answering', value: result.throughput };
				await this.setStatus(run.id, result.cancelled ? 'cancelled' : 'complete');
				const failures = failed > 0 ? ` ${failed} of them failed (see the table); they are not graded.` : '';
				this.notice = result.cancelled
					? `Stopped after ${already + result.answered} of ${total} answers; resume any time.${failures}`
					: `Answered ${total} cases.${failures}`;
			});
		} finally {
			this.traceStored = recordTrace(this.api, sink.spans, run.workspaceId);
			if (this.runId === run.id) await this.openRun(run.id);
		}
	}

	/**
	 * Run one job on `runId` (answering, grading, comparing): holds the run's cross-tab lock, owns
	 * the progress bar and the cancel signal. Opening another run is disabled while it runs.
	 * @throws AssayError `RUN_BUSY` when another tab works on the run.
	 */
	async job(runId: string, kind: LabProgress['kind'], total: number, fn: (signal: AbortSignal) => Promise<void>): Promise<void> {
		if (this.progress) throw new AssayError('RUN_BUSY', 'Another job is running in this tab: wait for it or cancel it.');
		const abort = new AbortController();
		this.abort = abort;
		const label = this.runs.find((r) => r.id === runId)?.config.label ?? runId;
		this.trayJob = this.app.jobs.start({
			kind: TRAY_KINDS[kind],
			label: `${kind[0]!.toUpperCase()}${kind.slice(1)} “${label}”`,
			route: '/answers/',
			workspaceId: this.workspaceId,
			total,
			cancel: () => this.cancel()
		});
		this.progress = { kind, done: 0, total };
		let failure: string | null = null;
		try {
			await withRunLock(runId, () => {
				this.activeRunId = runId;
				return fn(abort.signal);
			});
		} catch (error) {
			failure = describe(error);
			throw error;
		} finally {
			this.trayJob.finish(failure ? 'failed' : abort.signal.aborted ? 'cancelled' : 'done', failure);
			this.trayJob = null;
			this.activeRunId = null;
			this.progress = null;
			this.abort = null;
			this.busyElsewhere = await busyRunIds().catch(() => []);
		}
	}

	/** Stop the running job after the answer or verdict in flight. */
	cancel(): void {
		this.abort?.abort();
	}

	/**
	 * The grading settings of the form for judge `judge`: rubrics, checks (parsed and compiled),
	 * pass threshold, judge sampling — validated before any stored setting changes or a judge is called.
	 * @throws AssayError `CONFIG_INVALID` for checks that are not JSON or not valid, or bad settings.
	 */
	gradingSettings(judge: ChatModel): GradingSettings {
		let checks: unknown;
		try {
			checks = JSON.parse(this.checksText);
		} catch (cause) {
			throw new AssayError('CONFIG_INVALID', `The checks are not JSON (${String(cause)}).`, { cause });
		}
		const chosen = parseGradingSettings({
			...defaultGrading(modelRefOf(judge, this.judgeKind, this.judgeEndpoint)),
			rubrics: [...this.rubrics],
			checks: parseCheckSpecs(checks),
			passThreshold: this.passThreshold,
			temperature: this.judgeTemperature,
			seed: this.judgeSeed
		});
		compileChecks(chosen.checks, this.validator);
		return chosen;
	}

	/** Layer 1 (checks) and layer 2 (judges) over every answer of the open run. */
	async grade(): Promise<void> {
		const run = this.run;
		if (!run || this.progress) return;
		await this.guard(async () => {
			const judge = chatModelFor(this.judgeKind, $state.snapshot(this.judgeEndpoint), this.llm.loaded);
			if (this.judgeKind === 'endpoint') this.app.profiles.save();
			const chosen = this.gradingSettings(judge);
			const answers = $state.snapshot(this.answers) as AnswerRecord[];
			// A system run: its repeats ≥ 1 are graded too (seed + r), and contexts still text only add the context rubrics (as `assay eval`).
			const repeats = run.config.system ? await this.api.answerRepeats(run.id) : [];
			const settings = run.config.system
				? { ...chosen, rubrics: rubricsForContexts(chosen.rubrics, [answers, ...repeats].flat().map(contextsOfRecord)) }
				: chosen;
			const baseUrl = this.judgeKind === 'endpoint' ? this.judgeEndpoint.baseUrl.trim() : '';
			const cached = this.judgeCache
				? new GradingPassJudge(
						new CachingChatModel(
							judge,
							new IdbResponseCache(this.api),
							baseUrl ? { baseUrl } : {},
							judgePromptOf(Object.values(RUBRIC_PROMPTS))
						),
						judge
					)
				: null;
			const total = answers.length + repeats.reduce((n, rs) => n + rs.length, 0);
			await this.traceStored;
			let unscored = 0;
			await this.job(run.id, 'grading', total, async (signal) => {
				const result = await gradeAnswers({
					answers,
					settings,
					model: cached ?? judge,
					validator: this.validator,
					signal,
					concurrency: this.concurrencyFor(this.judgeKind),
					clock: () => performance.now(),
					onGraded: async (record) => {
						await this.api.saveAnswer(record);
						if (this.runId === run.id) this.answers = this.answers.map((a) => (a.caseId === record.caseId ? record : a));
						// The scores also go on the answer's `rag.answer` span (newer events than any earlier grading's).
						if (!(await this.scoreOnTrace(record, gradeEvents(record, settings.passThreshold, Date.now())))) unscored++;
					},
					onProgress: (done, _total, value) => {
						this.progress = { kind: 'grading', done, total };
						this.throughput = { kind: 'grading', value };
					}
				});
				this.throughput = { kind: 'grading', value: result.throughput };
				let before = answers.length;
				for (const [i, records] of repeats.entries()) {
					if (result.cancelled || signal.aborted) break;
					const r = i + 1;
					const res = await gradeAnswers({
						answers: records,
						settings: { ...settings, seed: settings.seed + r },
						model: cached ?? judge,
						validator: this.validator,
						signal,
						concurrency: this.concurrencyFor(this.judgeKind),
						onGraded: (record) => this.api.saveAnswer(record, r),
						onProgress: (done) => (this.progress = { kind: 'grading', done: before + done, total })
					});
					before += records.length;
					result.graded += res.graded;
					result.cancelled = res.cancelled;
				}
				if (result.graded > 0) {
					const updated = await this.api.updateAnswerRun(run.id, { grading: settings });
					this.runs = this.runs.map((r) => (r.id === run.id ? updated : r));
				}
				const counts = cached?.counts();
				const cacheNote = counts
					? ` Judge: ${counts.hits} repl${counts.hits === 1 ? 'y' : 'ies'} from the cache, ${counts.requests} request${counts.requests === 1 ? '' : 's'} sent.`
					: '';
				const traceNote =
					unscored > 0
						? ` The scores of ${unscored} answer${unscored === 1 ? '' : 's'} could not go on their traces (not stored, or pruned by the trace budget).`
						: '';
				this.notice =
					(result.cancelled
						? `Grading stopped after ${result.graded} answers; the others keep their earlier verdicts (if any).`
						: `Graded ${result.graded} answer${result.graded === 1 ? '' : 's'}.`) +
					cacheNote +
					traceNote;
			});
		});
	}

	/**
	 * Store a person's label of one answer (layer 3), and put it on the answer's `rag.answer` span
	 * as a `human.correctness` evaluation event (pass at or above the pass threshold for a 1–5 score).
	 */
	async review(caseId: string, review: Omit<HumanReview, 'reviewedAtMs'>): Promise<void> {
		const answer = this.answers.find((a) => a.caseId === caseId);
		if (!answer) return;
		await this.guard(async () => {
			const reviewedAtMs = Date.now();
			const record: AnswerRecord = { ...answer, review: { ...review, reviewedAtMs } };
			await this.api.saveAnswer(record);
			this.answers = this.answers.map((a) => (a.caseId === caseId ? record : a));
			await this.traceStored;
			const event = reviewEvent(review, this.passThreshold, reviewedAtMs);
			if (event && !(await this.scoreOnTrace(record, [event])))
				this.notice = 'The label is stored; it could not go on the answer’s trace (not stored, or pruned by the trace budget).';
		});
	}

	/**
	 * Append `events` to `record`'s `rag.answer` span (nothing for an answer without one).
	 * @returns false when the span is gone (never stored, or pruned): the scores stay on the record.
	 */
	async scoreOnTrace(record: AnswerRecord, events: readonly SpanEvent[]): Promise<boolean> {
		try {
			await recordAnswerEvaluations(this.api, record, events);
			return true;
		} catch {
			return false;
		}
	}

	/** Delete a run and its answers. */
	async deleteRun(runId: string): Promise<void> {
		await this.guard(async () => {
			await this.api.deleteAnswerRun(runId);
			this.runs = this.runs.filter((r) => r.id !== runId);
			if (this.pairwise.otherRunId === runId) this.pairwise.otherRunId = null;
			if (this.runId === runId) await this.openRun(this.runs.at(-1)?.id ?? null);
		});
	}

	/** Store a run's status and show it. */
	async setStatus(runId: string, status: AnswerRunRecord['status']): Promise<void> {
		const updated = await this.api.updateAnswerRun(runId, { status });
		this.runs = this.runs.map((r) => (r.id === runId ? updated : r));
	}

	/** Retrieval with `run`'s configuration (mode, topK, run-as), as its answering uses. */
	retrieve(run: AnswerRunRecord, query: string): Promise<RetrievedSource[]> {
		return answerRunRetriever((r) => this.api.search(r), run)(query);
	}

	/** Start the embedding models when a run's retrieval mode needs them. */
	async ensureModels(): Promise<void> {
		await this.app.models.ensure();
	}

	/** Run `fn`, showing any failure as the page error instead of throwing. */
	async guard(fn: () => Promise<void>): Promise<void> {
		this.error = null;
		this.notice = null;
		try {
			await fn();
		} catch (error) {
			this.error = describe(error);
		}
	}
}

/** A system answer's contexts as the system gave them (after matching): a source without a document reference is text only. */
export function contextsOfRecord(a: AnswerRecord): SystemContext[] {
	return a.sources.map((s) => (s.documentRef === '' ? { text: s.text } : { documentRef: s.documentRef, text: s.text }));
}
