import pkg from '../../../package.json';
import {
	buildServingReport,
	chatModelStreamingClient,
	createOpenAiStreamingClient,
	parseGoodput,
	parseServingReport,
	realClock,
	runPrefixCacheProbe,
	runServingPoint,
	syntheticRequests,
	type BenchClock,
	type PointResult,
	type ServingBenchReport,
	type StreamingClient
} from '$lib/bench/serving/index.ts';
import { AssayError } from '$lib/shared/errors.ts';
import type { AppCore } from './app-core.svelte.ts';
import { parseNumberList, pointLabel, sweepGrid, type BenchPoint } from './bench-view.ts';
import { describe } from './describe.ts';

/** The form of the Benchmarks page (text fields as typed; parsed on Run). */
export interface BenchForm {
	target: 'endpoint' | 'webllm';
	/** Endpoint profile id (of `app.profiles`). */
	profileId: string;
	concurrency: string;
	/** Requests per second list, or `inf`. */
	requestRate: string;
	promptTokens: string;
	outputTokens: string;
	requests: number;
	warmup: number;
	ignoreEos: boolean;
	/** Goodput SLOs in ms; empty = none. */
	sloTtftMs: string;
	sloTpotMs: string;
	sloE2eMs: string;
	prefixProbe: boolean;
	prefixTokens: number;
	seed: number;
}

/** Progress of one point of the running sweep. */
export interface PointProgress {
	readonly label: string;
	done: number;
	readonly total: number;
	status: 'waiting' | 'running' | 'done';
}

/** A report the page holds: the page's own runs and opened files. */
export interface HeldReport {
	readonly id: string;
	readonly name: string;
	readonly report: ServingBenchReport;
}

/** The time now as an ISO 8601 string (the report's `createdAt`). */
function isoNow(): string {
	return new Date(Date.now()).toISOString();
}

/** A clock whose sleeps end early once `signal` aborts (so Stop does not wait for arrivals). */
function abortableClock(clock: BenchClock, signal: AbortSignal): BenchClock {
	return {
		nowMs: () => clock.nowMs(),
		sleepMs: (ms) =>
			signal.aborted
				? Promise.resolve()
				: Promise.race([clock.sleepMs(ms), new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }))])
	};
}

/** Counts finished streams (for progress) and refuses new ones once stopped. */
function countingClient(inner: StreamingClient, signal: AbortSignal, onFinished: () => void): StreamingClient {
	return {
		async *stream(request) {
			if (signal.aborted) throw new AssayError('LLM_REQUEST_FAILED', 'The benchmark was stopped.');
			try {
				yield* inner.stream(request);
			} finally {
				onFinished();
			}
		}
	};
}

/**
 * The Benchmarks page's state (Svelte 5 runes): the form, the run (a sweep of
 * {@link runServingPoint} points, one after the other, with the domain's report), Stop, and the
 * reports held for viewing and comparing (the page's runs and opened `assay.serving-bench/v1` files).
 */
export class BenchDesk {
	form = $state<BenchForm>({
		target: 'endpoint',
		profileId: '',
		concurrency: '1,2,4',
		requestRate: 'inf',
		promptTokens: '256',
		outputTokens: '64',
		requests: 20,
		warmup: 1,
		ignoreEos: false,
		sloTtftMs: '',
		sloTpotMs: '',
		sloE2eMs: '',
		prefixProbe: false,
		prefixTokens: 1024,
		seed: 0
	});
	running = $state(false);
	progress = $state<PointProgress[]>([]);
	error = $state<string | null>(null);
	notice = $state<string | null>(null);
	reports = $state.raw<HeldReport[]>([]);
	/** Ids of the report shown (A) and of the one compared with it (B, or ''). */
	shownId = $state('');
	compareId = $state('');
	private controller: AbortController | null = null;
	private next = 1;

	constructor(
		private readonly app: AppCore,
		private readonly clock: BenchClock = realClock
	) {
		this.form.profileId = app.profiles.profileFor('answer').id;
	}

	readonly shown = $derived(this.reports.find((r) => r.id === this.shownId) ?? null);
	readonly compared = $derived(this.reports.find((r) => r.id === this.compareId && r.id !== this.shownId) ?? null);

	/** Pick the target; the in-browser model needs WebLLM probed. */
	setTarget(target: BenchForm['target']): void {
		this.form.target = target;
		if (target === 'webllm') this.app.startLlm();
	}

	/** The endpoint profile the form names (else the first). */
	profile() {
		const all = this.app.profiles.profiles;
		return all.find((p) => p.id === this.form.profileId) ?? all[0]!;
	}

	/** Hold a report (a run or an opened file) and show it; the previously shown one becomes B when none is. */
	hold(name: string, report: ServingBenchReport): HeldReport {
		const held = { id: `r${this.next++}`, name, report };
		this.reports = [...this.reports, held];
		if (this.shownId && !this.compareId) this.compareId = held.id;
		else if (!this.shownId) this.shownId = held.id;
		return held;
	}

	/** Open a report file (the page's download or `assay bench-serving --out`). */
	async open(file: File): Promise<void> {
		this.error = null;
		try {
			let value: unknown;
			try {
				value = JSON.parse(await file.text());
			} catch (error) {
				throw new AssayError('DATASET_INVALID', `${file.name} is not JSON: ${(error as Error).message}`);
			}
			this.hold(file.name, parseServingReport(value));
		} catch (error) {
			this.error = describe(error);
		}
	}

	stop(): void {
		this.controller?.abort();
	}

	/** Run the sweep of the form; the report is held and shown when at least one point finished. */
	async run(): Promise<void> {
		if (this.running) return;
		this.error = null;
		this.notice = null;
		const f = $state.snapshot(this.form) as BenchForm;
		const controller = new AbortController();
		this.controller = controller;
		let job: ReturnType<AppCore['jobs']['start']> | null = null;
		try {
			const webllm = f.target === 'webllm';
			const concurrencies = webllm ? [1] : parseNumberList(f.concurrency, 'Concurrency', { integer: true });
			const rates = parseNumberList(f.requestRate, 'Request rate', { integer: false, allowInf: true });
			const promptLengths = parseNumberList(f.promptTokens, 'Prompt length', { integer: true });
			const outputLengths = parseNumberList(f.outputTokens, 'Output length', { integer: true });
			const numPrompts = Math.floor(f.requests);
			if (!(numPrompts >= 1)) throw new AssayError('CONFIG_INVALID', 'Requests per point must be at least 1.');
			const warmup = Math.max(0, Math.floor(f.warmup || 0));
			const slos = parseGoodput(
				[
					['ttft', f.sloTtftMs],
					['tpot', f.sloTpotMs],
					['e2el', f.sloE2eMs]
				]
					.filter(([, v]) => String(v).trim() !== '')
					.map(([k, v]) => `${k}:${String(v).trim()}`)
			);
			let inner: StreamingClient;
			let target: ServingBenchReport['target'];
			if (webllm) {
				const model = this.app.llm.loaded;
				if (!model) throw new AssayError('CONFIG_INVALID', 'Load an in-browser model first (below, or under Models and endpoints).');
				inner = chatModelStreamingClient(model, { signal: controller.signal });
				target = { baseUrl: 'in-browser (WebLLM)', endpoint: '/v1/chat/completions', model: model.modelId };
			} else {
				const endpoint = this.profile().endpoint;
				if (endpoint.model.trim() === '') throw new AssayError('CONFIG_INVALID', 'Enter the model name the server serves.');
				const signal = controller.signal;
				inner = createOpenAiStreamingClient({
					baseUrl: endpoint.baseUrl.trim(),
					model: endpoint.model.trim(),
					...(endpoint.apiKey ? { apiKey: endpoint.apiKey } : {}),
					ignoreEos: f.ignoreEos,
					timeoutMs: endpoint.idleTimeoutMs,
					fetch: (input, init) => fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal })
				});
				target = { baseUrl: endpoint.baseUrl.trim(), endpoint: '/v1/chat/completions', model: endpoint.model.trim() };
			}
			const grid = sweepGrid(promptLengths, outputLengths, rates, concurrencies);
			const withLengths = promptLengths.length > 1 || outputLengths.length > 1;
			this.progress = grid.map((g) => ({
				label: pointLabel(
					{
						promptTokens: g.promptTokens,
						outputTokens: g.outputTokens,
						requestRate: g.requestRate === Infinity ? 'inf' : g.requestRate,
						concurrency: g.maxConcurrency
					} as BenchPoint,
					withLengths
				),
				done: 0,
				total: numPrompts + warmup,
				status: 'waiting'
			}));
			this.running = true;
			job = this.app.jobs.start({
				kind: 'bench',
				label: `Serving benchmark of ${target.model}`,
				route: '/bench/',
				total: grid.length,
				cancel: () => this.stop()
			});
			const clock = abortableClock(this.clock, controller.signal);
			const results: PointResult[] = [];
			for (const [i, g] of grid.entries()) {
				if (controller.signal.aborted) break;
				const row = this.progress[i]!;
				row.status = 'running';
				const client = countingClient(inner, controller.signal, () => row.done++);
				const [warmupRequest, ...requests] = syntheticRequests({
					numPrompts: numPrompts + 1,
					promptTokens: g.promptTokens,
					outputTokens: g.outputTokens,
					seed: f.seed,
					salt: i
				});
				const running = runServingPoint({
					client,
					clock,
					requests,
					warmupRequest: warmupRequest!,
					requestRate: g.requestRate,
					burstiness: 1,
					maxConcurrency: g.maxConcurrency,
					warmup,
					seed: f.seed,
					slos
				});
				// A point stopped at once may have taken no time on the clock (the runner refuses it): stopped, not failed.
				const result = await running.catch((error: unknown) => {
					if (controller.signal.aborted) return null;
					throw error;
				});
				if (!result || controller.signal.aborted) break;
				row.status = 'done';
				results.push(result);
				job.progress(results.length, grid.length, `${row.label}: ${result.metrics.completed} completed, ${result.metrics.failed} failed`);
			}
			const prefixCache =
				f.prefixProbe && !controller.signal.aborted && results.length > 0
					? await runPrefixCacheProbe({
							client: countingClient(inner, controller.signal, () => {}),
							clock,
							prefixTokens: Math.max(1, Math.floor(f.prefixTokens)),
							outputTokens: Math.min(outputLengths[0]!, 16),
							seed: f.seed
						})
					: null;
			if (results.length === 0) {
				job.finish('cancelled', 'Stopped before a point finished.');
				this.notice = 'Stopped before a point finished: no report.';
				return;
			}
			const report = buildServingReport({
				createdAt: isoNow(),
				appVersion: pkg.version,
				target,
				settings: {
					numPrompts,
					promptTokens: promptLengths,
					outputTokens: outputLengths,
					ignoreEos: f.ignoreEos,
					warmup,
					seed: f.seed,
					goodput: slos
				},
				points: results,
				prefixCache: controller.signal.aborted ? null : prefixCache
			});
			const stopped = controller.signal.aborted;
			const held = this.hold(`${stopped ? 'Stopped run' : 'Run'} ${this.next} · ${target.model}`, report);
			this.shownId = held.id;
			if (this.compareId === held.id) this.compareId = '';
			const failed = report.points.reduce((s, p) => s + p.failed, 0);
			this.notice = `${stopped ? 'Stopped' : 'Done'}: ${report.points.length} of ${grid.length} points, ${failed} failed requests.`;
			job.finish(stopped ? 'cancelled' : 'done', this.notice);
		} catch (error) {
			this.error = describe(error);
			job?.finish('failed', this.error);
		} finally {
			this.running = false;
			this.controller = null;
		}
	}
}
