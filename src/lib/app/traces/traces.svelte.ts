/**
 * State and actions of the Traces page (Svelte 5 runes): the stored traces as a filtered list,
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
import { scoreTrace, type TraceScore } from './score.ts';
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
	/** Default checks run on the open trace's answer ("Score with checks"), or `null`. */
	score = $state.raw<TraceScore | null>(null);
	compare = $state.raw<[OpenTrace, OpenTrace] | null>(null);
	importErrors = $state.raw<readonly OtlpImportError[]>([]);
	collector = $state<CollectorForm>({ url: 'http://localhost:4318', headerName: '', headerValue: '' });
	sending = $state(false);
	budgetMb = $state(loadTraceBudgetMb(localStorage));
	captureContent = $state(true);

	readonly traces = $derived(summarizeTraces(this.spans));
	readonly storedBytes = $derived(this.traces.reduce((n, t) => n + t.bytes, 0));
	readonly models = $derived(modelsOf(this.traces));
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
	}

	/** Run the default checks on the open trace's answer text (own or imported); shown, not stored. */
	scoreOpen(): void {
		if (!this.open) return;
		try {
			this.score = scoreTrace(this.open.spans);
		} catch (error) {
			this.score = { ok: false, reason: describe(error) };
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
