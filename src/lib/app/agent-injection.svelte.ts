import { AssayError } from '$lib/shared/errors.ts';
import type { ChatModel } from '$lib/generation/index.ts';
import type { SchemaValidator } from '$lib/generation/structured.ts';
import { denyAllPolicy } from '$lib/agents/approval.ts';
import {
	AGENT_INJECTION_CASES,
	approveAllHarness,
	runInjectionSuite,
	type InjectionCase,
	type InjectionCaseResult,
	type InjectionReport,
	type RequestPort
} from '$lib/agents/injection/index.ts';
import { OpenAiChatModel } from '$lib/adapters/openai-chat.ts';
import { CfworkerSchemaValidator } from '$lib/adapters/json-schema-validator.ts';
import type { AppCore } from './app-core.svelte.ts';
import { describe } from './describe.ts';
import { openAiEndpointOf, validateEndpoint } from './ask-endpoint.ts';

/**
 * The agent injection suite on the Agent page (issue 14 item 9): the 8 cases of
 * `AGENT_INJECTION_CASES` through the real agent loop with the page's current model and the
 * suite's **harness tools** (never the workspace's tools or MCP tools), under a policy — deny
 * every side-effecting call (the default, what a headless run does), or approve every call of
 * the harness's fake tools to measure how far the model itself goes. `fetch_url` never reaches
 * the network here: its {@link RequestPort} only records the URL ({@link recordingRequests}).
 */

/** How side-effecting harness calls are decided: `deny` (default) or `approve-all-harness`. */
export type InjectionPolicy = 'deny' | 'approve-all-harness';

/** The model the suite runs with, resolved when a run starts. */
export interface InjectionModelSource {
	/**
	 * The model for each case (the page's engine is one model for all; a scripted model is made
	 * per case), and the hosts the user configured for it (an endpoint's host;
	 * none for the in-browser model). @throws AssayError when the engine is not usable (endpoint
	 * settings invalid, no in-browser model loaded).
	 */
	resolve(): { model: (c: InjectionCase) => ChatModel; configuredHosts: string[] };
}

/**
 * The page's current model, chosen as the Agent page chooses it: the answering role's engine —
 * its endpoint profile (validated first) or the loaded in-browser model.
 */
export function appInjectionModel(app: AppCore): InjectionModelSource {
	return {
		resolve() {
			if (app.profiles.engineOf('answer') === 'webllm') {
				const loaded = app.llm.loaded;
				if (!loaded) throw new AssayError('MODEL_UNKNOWN', 'Load an in-browser model first (Download and load).');
				return { model: () => loaded, configuredHosts: [] };
			}
			const endpoint = $state.snapshot(app.profiles.endpointFor('answer'));
			validateEndpoint(endpoint);
			const config = openAiEndpointOf(endpoint);
			const engine = new OpenAiChatModel(config);
			return { model: () => engine, configuredHosts: [hostOf(config.baseUrl)] };
		}
	};
}

/** The host of a URL already validated by `validateEndpoint`. */
function hostOf(url: string): string {
	return new URL(url).hostname;
}

/**
 * A request port that never touches the network: it records each URL `fetch_url` was asked for
 * and answers with a fixed text, so even an approved exfiltration call leaves nothing.
 */
export function recordingRequests(): RequestPort & { readonly urls: readonly string[] } {
	const urls: string[] = [];
	return {
		urls,
		get: async (url) => {
			urls.push(url);
			return 'Not fetched: the injection suite records requests and never sends them.';
		}
	};
}

/** The report as pretty JSON (`assay.agent-injection/v1`), as `assay agent-injection --out` writes it. */
export function injectionReportJson(report: InjectionReport): string {
	return `${JSON.stringify(report, null, 2)}\n`;
}

/** A file name for the exported report: `agent-injection-<model>-<policy>.json`, unsafe characters replaced. */
export function injectionReportFileName(report: InjectionReport): string {
	const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60) || 'model';
	return `agent-injection-${safe(report.model)}-${safe(report.policy)}.json`;
}

/**
 * State of the injection suite panel (Svelte 5 runes): the policy, a run with progress (the case
 * now running, cases done of total), cancel, the per-case results as they come, the finished
 * report and its export.
 */
export class InjectionSuite {
	policy = $state<InjectionPolicy>('deny');
	running = $state(false);
	/** Results so far, in case order (a cancelled run keeps the cases it finished). */
	results = $state.raw<InjectionCaseResult[]>([]);
	/** Id of the case now running. */
	currentCase = $state<string | null>(null);
	/** The finished (or cancelled) run's report. */
	report = $state.raw<InjectionReport | null>(null);
	/** A problem before the run could start, or an unexpected failure. */
	error = $state<{ code: string; message: string } | null>(null);
	/** URLs the harness `fetch_url` was asked for in the last run (recorded, never requested). */
	recordedUrls = $state.raw<string[]>([]);
	cancelled = $state(false);

	readonly cases: readonly InjectionCase[];
	private abort: AbortController | null = null;

	constructor(
		private readonly source: InjectionModelSource,
		private readonly validator: SchemaValidator = new CfworkerSchemaValidator(),
		cases: readonly InjectionCase[] = AGENT_INJECTION_CASES
	) {
		this.cases = cases;
	}

	get total(): number {
		return this.cases.length;
	}
	get done(): number {
		return this.results.length;
	}

	/** Run every case; resolves when the run ends (finished, cancelled or failed to start). */
	async run(): Promise<void> {
		if (this.running) return;
		this.error = null;
		this.report = null;
		this.results = [];
		this.recordedUrls = [];
		this.cancelled = false;
		let resolved: ReturnType<InjectionModelSource['resolve']>;
		try {
			resolved = this.source.resolve();
		} catch (error) {
			this.error = { code: error instanceof AssayError ? error.code : 'INTERNAL', message: describe(error) };
			return;
		}
		const policy = this.policy;
		const requests = recordingRequests();
		const abort = new AbortController();
		this.abort = abort;
		this.running = true;
		try {
			const report = await runInjectionSuite({
				model: (c) => {
					this.currentCase = c.id;
					return resolved.model(c);
				},
				validator: this.validator,
				approval: policy === 'deny' ? denyAllPolicy() : approveAllHarness,
				policyLabel: policy,
				configuredHosts: resolved.configuredHosts,
				requests,
				cases: this.cases,
				signal: abort.signal,
				onCase: (result) => {
					this.results = [...this.results, result];
					this.recordedUrls = [...requests.urls];
				}
			});
			this.report = report;
			this.cancelled = abort.signal.aborted;
		} catch (error) {
			this.error = { code: error instanceof AssayError ? error.code : 'INTERNAL', message: describe(error) };
		} finally {
			this.recordedUrls = [...requests.urls];
			this.currentCase = null;
			this.running = false;
			this.abort = null;
		}
	}

	/** Stop the run: the running case ends `cancelled`, the rest are not run. */
	cancel(): void {
		this.abort?.abort();
	}

	/** The report as JSON text, or null before a run finished. */
	reportJson(): string | null {
		return this.report ? injectionReportJson(this.report) : null;
	}
}
