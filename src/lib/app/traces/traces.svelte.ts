/**
 * State and actions of the Traces page (Svelte 5 runes): the stored traces as a filtered list
 * (kind, model, status, error code, latency, tokens, cost, feedback, scores, time, text),
 * one trace's waterfall and span detail, two traces side by side, OTLP/JSON export (file or an
 * OpenTelemetry Collector), OTLP/JSON import (kind `imported`), the content-capture choice of
 * the workspace and the traces' storage budget.
 */
import type { AppCore } from '$lib/app/app-core.svelte.ts';
import { describe } from '$lib/app/describe.ts';
import { download } from '$lib/app/eval-files.ts';
import { cspRefusal, pagePolicy } from '$lib/app/csp.ts';
import { fromOtlpJson, postOtlpTraces, toOtlpJson, type OtlpImportError } from '$lib/tracing/otlp/index.ts';
import {
	errorCodesOf,
	filterTraces,
	modelsOf,
	spansOfTraces,
	summarizeTraces,
	textIndex,
	traceCount,
	waterfall,
	type TraceFilter,
	type TraceSummary,
	type WaterfallRow
} from '$lib/tracing/traces.ts';
import type { SpanRecord } from '$lib/tracing/types.ts';
import type { PriceTable } from '$lib/cost/index.ts';
import { priceTable } from '$lib/app/price-table.svelte.ts';
import { traceCosts } from './trace-cost.ts';
import { judgeTraces, scoreTrace, storeEvaluations, type TraceJudgeOutcome, type TraceScore } from './score.ts';
import { chatModelFor, type EngineKind } from '$lib/app/answer-engine.ts';
import type { EndpointSettings } from '$lib/app/ask-endpoint.ts';
import type { ChatModel } from '$lib/generation/types.ts';
import { CfworkerSchemaValidator } from '$lib/adapters/json-schema-validator.ts';
import { defaultGrading } from '$lib/evals/answers/grade.ts';
import { DEFAULT_RUBRIC_IDS, type RubricId } from '$lib/evals/answers/types.ts';
import { loadCaptureContent, loadTraceBudgetMb, saveCaptureContent, saveTraceBudgetMb } from './prefs.ts';

/** The collector form: address and one optional header, kept in memory only (never stored). */
export interface CollectorForm {
	url: string;
	headerName: string;
	headerValue: string;
}

/** One trace opened in the waterfall (or in a side of the comparison). */
export interface OpenTrace {
	readonly summary: TraceSummary;
	readonly spans: readonly SpanRecord[];
	readonly rows: readonly WaterfallRow[];
}

/** The Traces page. */
export class TracesView {
	spans = $state.raw<readonly SpanRecord[]>([]);
	loading = $state(false);
	error = $state<string | null>(null);
	notice = $state<string | null>(null);
	filter = $state<{ -readonly [K in keyof TraceFilter]: TraceFilter[K] } & { text: string }>({ text: '' });
	/** Traces ticked in the list (export, compare). */
	selected = $state<string[]>([]);
	open = $state.raw<OpenTrace | null>(null);
	openSpanId = $state<string | null>(null);
	/** Default checks run on the open trace's answer ("Score with checks"; stored as `check.*` events), or `null`. */
	score = $state.raw<TraceScore | null>(null);
	/** Where storing the checks failed, or `null`. */
	scoreError = $state<string | null>(null);
	/** Rubrics the Judge button runs (those a trace can take: no reference answer). */
	rubrics = $state<RubricId[]>(DEFAULT_RUBRIC_IDS.filter((r) => r !== 'correctness'));
	/** Judge scores at or above this are `pass` (1–5; the Answers page's default). */
	passThreshold = $state(defaultGrading({ provider: '', modelId: '' }).passThreshold);
	/** The judging in flight: trace `trace` of `traces`, rubric `rubric` (`done` of `total` asked), or `null`. */
	judging = $state.raw<{ trace: number; traces: number; name: string; rubric: RubricId; done: number; total: number } | null>(null);
	/** One outcome per judged trace of the last Judge run. */
	judged = $state.raw<readonly TraceJudgeOutcome[]>([]);
	private judgeAbort: AbortController | null = null;
	compare = $state.raw<[OpenTrace, OpenTrace] | null>(null);
	importErrors = $state.raw<readonly OtlpImportError[]>([]);
	collector = $state<CollectorForm>({ url: 'http://localhost:4318', headerName: '', headerValue: '' });
	sending = $state(false);
	budgetMb = $state(loadTraceBudgetMb(localStorage));
	captureContent = $state(true);

	readonly traces = $derived(summarizeTraces(this.spans));
	readonly storedBytes = $derived(this.traces.reduce((n, t) => n + t.bytes, 0));
	readonly models = $derived(modelsOf(this.traces));
	/** The error codes present in the stored traces (the error-code filter's choices). */
	readonly errorCodes = $derived(errorCodesOf(this.traces));
	private readonly textIndex = $derived(textIndex(this.spans));
	/** Cost per trace under the user's price table (Settings), by trace id. */
	readonly costs = $derived(traceCosts(this.spans, priceTable.current() as PriceTable));
	/** Minimum cost filter (USD), or `null`. */
	minCostUsd = $state<number | null>(null);
	readonly shown = $derived(
		filterTraces(this.traces, this.filter, (id) => this.textIndex.get(id) ?? '').filter(
			(t) => this.minCostUsd === null || (this.costs.get(t.traceId)?.usd ?? 0) >= this.minCostUsd
		)
	);

	constructor(private readonly app: AppCore) {}

	/** The workspace whose content-capture choice is shown. */
	get workspaceId(): string | null {
		return this.app.workspaceId;
	}

	/** Start the worker if needed and read every stored span. */
	async load(): Promise<void> {
		this.loading = true;
		try {
			await this.app.start();
			if (!this.app.workspaceId) {
				const ws = this.app.initialWorkspace();
				if (ws) this.app.setWorkspace(ws.id);
			}
			this.captureContent = loadCaptureContent(localStorage, this.app.workspaceId);
			this.spans = await this.app.api.allSpans();
			if (this.open) this.show(this.open.summary.traceId);
		} catch (error) {
			this.error = describe(error);
		} finally {
			this.loading = false;
		}
	}

	private openTrace(traceId: string): OpenTrace | null {
		const summary = this.traces.find((t) => t.traceId === traceId);
		if (!summary) return null;
		const spans = this.spans.filter((s) => s.traceId === traceId).sort((a, b) => a.startTimeMs - b.startTimeMs);
		return { summary, spans, rows: waterfall(spans) };
	}

	/** Open one trace's waterfall (its root span's detail shown). */
	show(traceId: string): void {
		this.open = this.openTrace(traceId);
		this.openSpanId = this.open?.rows[0]?.span.spanId ?? null;
		this.compare = null;
		this.score = null;
		this.scoreError = null;
	}

	/**
	 * Run the default checks on the open trace's answer (own or imported) and store each as a
	 * `check.<id>` event on its answer span.
	 */
	async scoreOpen(): Promise<void> {
		if (!this.open) return;
		this.scoreError = null;
		let scored: ReturnType<typeof scoreTrace>;
		try {
			scored = scoreTrace(this.open.spans);
		} catch (error) {
			this.score = { ok: false, reason: describe(error) };
			return;
		}
		this.score = scored.score;
		if (!scored.span || scored.events.length === 0) return;
		try {
			this.replaceSpan(await storeEvaluations(this.app.api, scored.span, scored.events));
		} catch (error) {
			this.scoreError = `The checks could not be stored: ${describe(error)}`;
		}
	}

	/** The judge role's engine (Settings / the Answers page choose it; remembered per workspace). */
	get judgeKind(): EngineKind {
		return this.app.profiles.engineOf('judge');
	}

	/** The judge role's endpoint profile settings. */
	get judgeEndpoint(): EndpointSettings {
		return this.app.profiles.endpointFor('judge');
	}

	/** Switch the judge engine (remembered per workspace); the in-browser one probes the GPU on first use. */
	useJudgeEngine(kind: EngineKind): void {
		this.app.profiles.setEngine('judge', kind);
		if (kind === 'webllm') this.app.startLlm();
	}

	/** The traces the Judge button judges: the ticked ones, else the open one. */
	get judgeTargets(): string[] {
		return this.selected.length > 0 ? [...this.selected] : this.open ? [this.open.summary.traceId] : [];
	}

	/**
	 * Judge the ticked traces (else the open one) with the chosen rubrics on the judge profile's
	 * engine, storing one `judge.<rubric>` event per rubric on each trace's answer span; each
	 * trace's outcome (verdicts, why it cannot be judged, its error) goes to {@link judged}.
	 */
	async judgeSelected(): Promise<void> {
		if (this.judging) return;
		this.error = null;
		const ids = this.judgeTargets;
		if (ids.length === 0) {
			this.error = 'Open a trace or tick the traces to judge.';
			return;
		}
		if (this.rubrics.length === 0) {
			this.error = 'Choose at least one rubric.';
			return;
		}
		const threshold = Number(this.passThreshold);
		if (!Number.isFinite(threshold) || threshold < 1 || threshold > 5) {
			this.error = 'The pass threshold must be within 1–5.';
			return;
		}
		let model: ChatModel;
		try {
			model = chatModelFor(this.judgeKind, $state.snapshot(this.judgeEndpoint), this.app.llm.loaded);
			if (this.judgeKind === 'endpoint') this.app.profiles.save();
		} catch (error) {
			this.error = describe(error);
			return;
		}
		const traces = ids.map((traceId) => ({
			traceId,
			name: this.traces.find((t) => t.traceId === traceId)?.name ?? traceId,
			spans: this.spans.filter((s) => s.traceId === traceId)
		}));
		const abort = new AbortController();
		this.judgeAbort = abort;
		this.judged = [];
		this.judging = {
			trace: 1,
			traces: traces.length,
			name: traces[0]!.name,
			rubric: this.rubrics[0]!,
			done: 0,
			total: this.rubrics.length
		};
		try {
			const outcomes = await judgeTraces({
				api: this.app.api,
				traces,
				rubrics: [...this.rubrics],
				model,
				validator: new CfworkerSchemaValidator(),
				passThreshold: threshold,
				now: () => Date.now(),
				signal: abort.signal,
				onProgress: (p) =>
					(this.judging = {
						trace: p.traceIndex + 1,
						traces: p.traces,
						name: traces[p.traceIndex]!.name,
						rubric: p.rubric,
						done: p.done,
						total: p.total
					}),
				onOutcome: (o) => {
					this.judged = [...this.judged, o];
					if (o.stored) this.replaceSpan(o.stored);
				}
			});
			const done = outcomes.filter((o) => o.status === 'judged').length;
			this.notice = `Judged ${done} of ${outcomes.length} trace${outcomes.length === 1 ? '' : 's'}; the scores are stored on each trace (see Failures).`;
		} catch (error) {
			this.error = describe(error);
		} finally {
			this.judging = null;
			this.judgeAbort = null;
		}
	}

	/** Stop judging after the request in flight. */
	stopJudging(): void {
		this.judgeAbort?.abort();
	}

	/** Put a span as stored back into the list (and the open trace). */
	private replaceSpan(stored: SpanRecord): void {
		this.spans = this.spans.map((s) => (s.traceId === stored.traceId && s.spanId === stored.spanId ? stored : s));
		if (this.open?.summary.traceId === stored.traceId) {
			const selected = this.openSpanId;
			this.open = this.openTrace(stored.traceId);
			this.openSpanId = selected;
		}
	}

	/** Tick or untick a trace in the list. */
	toggle(traceId: string): void {
		this.selected = this.selected.includes(traceId) ? this.selected.filter((id) => id !== traceId) : [...this.selected, traceId];
	}

	/** Show the two ticked traces side by side. */
	compareSelected(): void {
		if (this.selected.length !== 2) {
			this.error = 'Tick exactly two traces to compare them.';
			return;
		}
		const [a, b] = this.selected.map((id) => this.openTrace(id));
		if (!a || !b) return;
		this.error = null;
		this.compare = [a, b];
		this.open = null;
	}

	/** Spans of the traces to export: the ticked ones, else the open trace, else every shown trace. */
	private exportSpans(): SpanRecord[] {
		const ids = this.selected.length > 0 ? this.selected : this.open ? [this.open.summary.traceId] : this.shown.map((t) => t.traceId);
		return spansOfTraces(this.spans, ids);
	}

	private otlpRequest() {
		return toOtlpJson(this.exportSpans(), { serviceName: 'assay' }, { name: 'assay', version: '0.1.0' });
	}

	/** Download the export selection as OTLP/JSON. */
	exportFile(): void {
		const spans = this.exportSpans();
		if (spans.length === 0) {
			this.error = 'No traces to export.';
			return;
		}
		const traces = traceCount(spans);
		download(`assay-traces-${traces}.otlp.json`, JSON.stringify(this.otlpRequest(), null, 2), 'application/json');
		this.notice = `Exported ${traces} trace${traces === 1 ? '' : 's'} (${spans.length} spans) as OTLP/JSON.`;
	}

	/** POST the export selection to the collector in {@link collector} (refused origins explained first). */
	async sendToCollector(): Promise<void> {
		this.error = null;
		const url = this.collector.url.trim();
		const refused = cspRefusal(pagePolicy(document), url, location.origin, {
			setting: 'ASSAY_OTLP_HOSTS',
			alternative: 'export the traces to a file and send that with curl'
		});
		if (refused) {
			this.error = refused;
			return;
		}
		this.sending = true;
		try {
			const header = this.collector.headerName.trim() ? { name: this.collector.headerName, value: this.collector.headerValue } : null;
			const result = await postOtlpTraces(url, this.otlpRequest(), { header });
			this.notice =
				result.rejectedSpans > 0
					? `The collector rejected ${result.rejectedSpans} span(s)${result.message ? `: ${result.message}` : ''}.`
					: `Sent to ${url} (HTTP ${result.status}).`;
		} catch (error) {
			this.error = describe(error);
		} finally {
			this.sending = false;
		}
	}

	/** Import an OTLP/JSON file: what can be read is stored as `imported` traces; each problem is listed. */
	async importFile(file: File): Promise<void> {
		this.error = null;
		this.notice = null;
		let json: unknown;
		try {
			json = JSON.parse(await file.text());
		} catch (error) {
			this.importErrors = [{ path: file.name, message: `Not JSON: ${describe(error)}` }];
			return;
		}
		const result = fromOtlpJson(json);
		this.importErrors = result.errors;
		if (result.spans.length === 0) {
			this.error = `No spans could be read from ${file.name}.`;
			return;
		}
		try {
			const stored = await this.app.api.importSpans(result.spans);
			this.notice = `Imported ${stored.traces} trace${stored.traces === 1 ? '' : 's'} (${stored.spans} spans) from ${file.name}${result.errors.length ? `; ${result.errors.length} problem(s) listed below` : ''}.`;
			await this.load();
		} catch (error) {
			this.error = describe(error);
		}
	}

	/** Delete the ticked traces. */
	async deleteSelected(): Promise<void> {
		if (this.selected.length === 0) return;
		try {
			await this.app.api.deleteTraces(this.selected);
			this.notice = `Deleted ${this.selected.length} trace(s).`;
			this.selected = [];
			this.open = null;
			this.compare = null;
			await this.load();
		} catch (error) {
			this.error = describe(error);
		}
	}

	/** Set the storage budget (MB) and prune the oldest whole traces to fit it. */
	async setBudget(mb: number): Promise<void> {
		if (!saveTraceBudgetMb(localStorage, mb)) {
			this.error = 'The trace budget must be a positive number of MB.';
			return;
		}
		this.budgetMb = mb;
		try {
			const report = await this.app.api.enforceTraceBudget(mb * 1024 * 1024);
			this.notice =
				report.deletedTraces > 0 ? `Pruned the ${report.deletedTraces} oldest trace(s) to fit ${mb} MB.` : `Traces fit in ${mb} MB.`;
			await this.load();
		} catch (error) {
			this.error = describe(error);
		}
	}

	/** Capture content (prompts, chunks, outputs) in this workspace's future traces, or not. */
	setCaptureContent(capture: boolean): void {
		const id = this.app.workspaceId;
		if (!id) return;
		saveCaptureContent(localStorage, id, capture);
		this.captureContent = capture;
		// The worker's own spans (search, import) follow the choice too.
		this.app.syncContentCapture(id);
	}
}
