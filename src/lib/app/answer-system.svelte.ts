import { AssayError, type AssayErrorData } from '$lib/shared/errors.ts';
import type { GoldenCase } from '$lib/evals/golden/types.ts';
import { evaluableCases } from '$lib/evals/golden/synthetic.ts';
import { MAX_REPEATS, type AnswerRecord, type AnswerRunConfig, type AnswerRunRecord } from '$lib/evals/answers/types.ts';
import type { ResponseCache, SystemCaseResult, SystemRef, SystemUnderTest } from '$lib/evals/system/types.ts';
import { EXTERNAL_PROMPT } from '$lib/evals/system/report.ts';
import { addMatchCounts, NO_MATCH_COUNTS, type ContextMatchCounts } from '$lib/evals/system/contexts.ts';
import {
	defaultSystemLabel,
	httpSettingsFromForm,
	loadHttpForm,
	saveHttpForm,
	type HttpSystemForm,
	type HttpSystemSettings
} from './answer-system-form.ts';
import { IdbResponseCache } from './answer-cache.ts';
import { cspRefusal, pagePolicy } from './csp.ts';
import type { AnswerLabPort } from './answer-lab-port.ts';

/**
 * What the "Evaluate a system" panel needs from the evals core and the system adapters: build an
 * `http` system, read an outputs file (`file` system), run a golden set against a system
 * (concurrency, cache, per-case errors, stop on unreachable) and map each result to the
 * `AnswerRecord` every answer view reads. `answer-system-engine.ts` wires the real ones.
 */
export interface SystemEngine {
	/** @throws AssayError `CONFIG_INVALID` for settings the adapter refuses (an unknown `{{placeholder}}`, a bad path). */
	http(settings: HttpSystemSettings, label: string): Promise<SystemUnderTest>;
	/** Read an outputs file (JSONL, or a JSON array) against the golden set's cases: bad lines listed, the rest answer. */
	file(name: string, text: string, cases: readonly GoldenCase[]): Promise<OutputsFile>;
	run(input: SystemRunInput): Promise<SystemRunOutcome>;
	record(run: AnswerRunRecord, c: GoldenCase, result: SystemCaseResult, createdAtMs: number): AnswerRecord;
}

/** An outputs file as read: the system answering from it, and what could not be used (line numbers 1-based). */
export interface OutputsFile {
	readonly system: SystemUnderTest;
	/** Lines (or array items) read as outputs. */
	readonly outputs: number;
	/** Bad rows of the file; `reason` names its own place ("line 4: not JSON: …"), whole-file errors are on line 1. */
	readonly badLines: readonly { readonly line: number; readonly reason: string }[];
	/** Ids of outputs that name no case of the golden set (not graded). */
	readonly unknownIds: readonly string[];
}

/** One evaluation of a system over cases, each asked `repeats` times. */
export interface SystemRunInput {
	readonly system: SystemUnderTest;
	readonly cases: readonly GoldenCase[];
	/** Times each case is asked (1–10); repeat r is sent with seed `baseSeed + r`. */
	readonly repeats: number;
	readonly baseSeed: number;
	readonly concurrency: number;
	readonly cache: ResponseCache | null;
	readonly signal: AbortSignal;
	/** Awaited per result, as results finish (any order). */
	readonly onResult: (result: SystemCaseResult) => Promise<void>;
	/** `etaMs` null until it can be estimated. */
	readonly onProgress: (done: number, total: number, etaMs: number | null) => void;
}

/** How a system evaluation ended. */
export interface SystemRunOutcome {
	readonly cacheHits: number;
	/** Requests actually sent to the system. */
	readonly requests: number;
	readonly cancelled: boolean;
	/** Set when the system became unreachable: the run stopped with `notRun` cases left. */
	readonly stopped: { readonly error: AssayErrorData; readonly notRun: number } | null;
}

/** Depth at which a system's contexts are scored (retrieval metrics' cutoffs include it). */
export const SYSTEM_CONTEXT_DEPTH = 10;

/** The answer-run configuration of a run answered by `ref` (mode `system`; no secrets). */
export function systemRunConfig(ref: SystemRef): AnswerRunConfig {
	return {
		label: ref.label,
		mode: `system:${ref.type}`,
		topK: SYSTEM_CONTEXT_DEPTH,
		model: { provider: `system:${ref.type}`, modelId: ref.label },
		prompt: { spec: EXTERNAL_PROMPT, fewShot: [] },
		contextWindowTokens: 4096,
		maxTokens: 512,
		temperature: 0,
		seed: 42,
		system: ref
	};
}

/** The last system evaluation of this tab. */
export interface SystemRunReport {
	readonly runId: string;
	readonly total: number;
	readonly cacheHits: number;
	readonly requests: number;
	readonly stopped: SystemRunOutcome['stopped'];
	readonly cancelled: boolean;
}

/**
 * "Evaluate a system" on the Answer evals page: an `http` app called from this page (CORS and
 * CSP permitting) or a file of outputs another system produced, run against the golden set
 * chosen on the page. The run is stored as an answer run (`config.system` says which system)
 * and each result as an `AnswerRecord` as it arrives, so the answers table, review queue,
 * pairwise comparison, report and gate work on it, and grading uses the page's judge.
 */
export class SystemDesk {
	kind = $state<'http' | 'file'>('http');
	form = $state<HttpSystemForm>(loadHttpForm(localStorage));
	/** The outputs file picked (type `file`), as read; `null` before one is picked. */
	outputs = $state.raw<(OutputsFile & { name: string }) | null>(null);
	fileLabel = $state('');
	etaMs = $state<number | null>(null);
	last = $state<SystemRunReport | null>(null);
	/** Times each case is asked (1–10, default 1): repeat r with seed base + r; consistency and flaky cases in the report. */
	repeats = $state(1);
	/** Context-matching counts of the last run evaluated in this tab. */
	matching = $state.raw<{ runId: string; counts: ContextMatchCounts } | null>(null);
	/** Responses in the IndexedDB cache (refreshed after a run and on clear). */
	cachedCount = $state<number | null>(null);

	constructor(
		private readonly lab: AnswerLabPort,
		private readonly engine: SystemEngine
	) {}

	/** Why this page cannot call the form's URL (CSP `connect-src`), or null. */
	get cspProblem(): string | null {
		if (typeof document === 'undefined') return null;
		return cspRefusal(pagePolicy(document), this.form.url.trim(), location.origin);
	}

	/** Read a picked outputs file against the selected golden set's cases. */
	async pickFile(file: File | null): Promise<void> {
		const lab = this.lab;
		this.outputs = null;
		if (!file) return;
		const gs = lab.goldenSets.find((g) => g.id === lab.goldenSetId);
		await lab.guard(async () => {
			if (!gs) throw new AssayError('CONFIG_INVALID', 'Choose a golden set first: the outputs are matched to its case ids.');
			const read = await this.engine.file(file.name, await file.text(), evaluableCases(gs.cases));
			this.outputs = { ...read, name: file.name };
			if (this.fileLabel.trim() === '') this.fileLabel = file.name;
			lab.notice = `${file.name}: ${read.outputs} output${read.outputs === 1 ? '' : 's'} read${read.badLines.length > 0 ? `, ${read.badLines.length} bad line${read.badLines.length === 1 ? '' : 's'} left out (listed below)` : ''}.`;
		});
	}

	/** Evaluate the system over every case of the selected golden set (a new answer run). */
	async start(): Promise<void> {
		const lab = this.lab;
		const workspaceId = lab.workspaceId;
		const gs = lab.goldenSets.find((g) => g.id === lab.goldenSetId);
		if (!workspaceId || !gs || lab.progress) return;
		await lab.guard(async () => {
			const repeats = Number(this.repeats);
			if (!Number.isInteger(repeats) || repeats < 1 || repeats > MAX_REPEATS)
				throw new AssayError('CONFIG_INVALID', `Repeats must be a whole number from 1 to ${MAX_REPEATS}; got ${String(this.repeats)}.`);
			const system = await this.system();
			const run = await lab.api.startAnswerRun({ workspaceId, goldenSetId: gs.id, config: systemRunConfig(system.ref), repeats });
			lab.runs = [...lab.runs, run];
			await lab.openRun(run.id);
			await this.execute(run, run.cases, system);
		});
	}

	/** Answer what a stopped system run has left, with the system now set in the form (same type, and URL or file name). */
	async resume(run: AnswerRunRecord, pending: readonly GoldenCase[]): Promise<void> {
		const ref = run.config.system;
		if (!ref) return;
		const system = await this.system();
		const same =
			system.ref.type === ref.type &&
			(ref.type === 'http' ? system.ref.details['url'] === ref.details['url'] : system.ref.details['name'] === ref.details['name']);
		if (!same)
			throw new AssayError(
				'CONFIG_INVALID',
				`This run was answered by the ${ref.type} system "${ref.label}"${ref.type === 'http' ? ` at ${String(ref.details['url'])}` : ` from ${String(ref.details['name'])}`}; set that system in "Evaluate a system" to resume it.`
			);
		await this.execute(run, pending, system);
	}

	/** Empty the response cache (every later request is sent again). */
	async clearCache(): Promise<void> {
		await this.lab.guard(async () => {
			const n = await this.lab.api.clearResponseCache();
			this.cachedCount = 0;
			this.lab.notice = `Removed ${n} cached response${n === 1 ? '' : 's'}.`;
		});
	}

	/** Re-count the cached responses. */
	async refreshCacheCount(): Promise<void> {
		this.cachedCount = await this.lab.api.cachedResponseCount().catch(() => null);
	}

	/** The system the form describes. @throws AssayError `CONFIG_INVALID` (form, CSP, no file). */
	private async system(): Promise<SystemUnderTest> {
		if (this.kind === 'file') {
			if (!this.outputs) throw new AssayError('CONFIG_INVALID', 'Pick an outputs file (JSONL or JSON: id, answer, contexts) first.');
			const label = this.fileLabel.trim();
			const system = this.outputs.system;
			// The name typed for the file is the system's name in the run and its report.
			return label === '' || label === system.ref.label
				? system
				: { ref: { ...system.ref, label }, cacheIdentity: system.cacheIdentity, answer: (r) => system.answer(r) };
		}
		const form = $state.snapshot(this.form) as HttpSystemForm;
		const settings = httpSettingsFromForm(form);
		const refused = this.cspProblem;
		if (refused) throw new AssayError('CONFIG_INVALID', refused);
		saveHttpForm(localStorage, form);
		return this.engine.http(settings, form.label.trim() || defaultSystemLabel(settings.url));
	}

	private async execute(run: AnswerRunRecord, cases: readonly GoldenCase[], system: SystemUnderTest): Promise<void> {
		const lab = this.lab;
		const cache = this.kind === 'http' && this.form.useCache ? new IdbResponseCache(lab.api) : null;
		const repeats = run.repeats ?? 1;
		const total = run.caseIds.length * repeats;
		const already = total - cases.length * repeats;
		let matching = run.contextMatching ?? NO_MATCH_COUNTS;
		this.etaMs = null;
		try {
			await lab.job(run.id, 'evaluating', total, async (signal) => {
				lab.progress = { kind: 'evaluating', done: already, total };
				await lab.setStatus(run.id, 'running');
				const outcome = await this.engine.run({
					system,
					cases,
					repeats,
					baseSeed: run.config.seed,
					concurrency: this.kind === 'http' ? this.form.concurrency : 1,
					cache,
					signal,
					onResult: async (result) => {
						const c = run.cases.find((k) => k.id === result.caseId);
						if (!c) return;
						// Text-only contexts matched to the workspace's documents (in the worker) before they are scored.
						if (result.output !== null && result.output.contexts.some((k) => k.documentRef === undefined)) {
							const [m] = await lab.api.matchContexts(run.workspaceId, [result.output.contexts]);
							if (m) {
								matching = addMatchCounts(matching, m.counts);
								result = { ...result, output: { ...result.output, contexts: [...m.contexts] } };
							}
						} else if (result.output !== null)
							matching = addMatchCounts(matching, { ...NO_MATCH_COUNTS, given: result.output.contexts.length });
						const record = this.engine.record(run, c, result, Date.now());
						await lab.api.saveAnswer(record, result.repeat);
						if (result.repeat !== 0) return;
						if (lab.runId === run.id)
							lab.answers = [...lab.answers.filter((a) => a.caseId !== record.caseId), record].sort(
								(a, b) => run.caseIds.indexOf(a.caseId) - run.caseIds.indexOf(b.caseId)
							);
					},
					onProgress: (done, _total, etaMs) => {
						lab.progress = { kind: 'evaluating', done: already + done, total };
						this.etaMs = etaMs;
					}
				});
				await lab.api.updateAnswerRun(run.id, { contextMatching: matching });
				this.matching = { runId: run.id, counts: matching };
				await lab.setStatus(run.id, outcome.cancelled || outcome.stopped ? 'cancelled' : 'complete');
				this.last = {
					runId: run.id,
					total: cases.length * repeats,
					cacheHits: outcome.cacheHits,
					requests: outcome.requests,
					stopped: outcome.stopped,
					cancelled: outcome.cancelled
				};
				const failed = lab.answers.filter((a) => a.runId === run.id && a.error !== null).length;
				const failures = failed > 0 ? ` ${failed} case${failed === 1 ? '' : 's'} failed (listed below); they are counted, not scored.` : '';
				const cached = cache
					? ` ${outcome.cacheHits} from the cache, ${outcome.requests} request${outcome.requests === 1 ? '' : 's'} sent.`
					: '';
				if (outcome.stopped)
					lab.error = `The system could not be reached: ${outcome.stopped.error.message} (${outcome.stopped.error.code}). The run stopped with ${outcome.stopped.notRun} case${outcome.stopped.notRun === 1 ? '' : 's'} not run; resume it once the system is back.`;
				lab.notice = outcome.cancelled
					? `Stopped; resume any time.${failures}`
					: `Evaluated ${system.ref.label} on ${cases.length} case${cases.length === 1 ? '' : 's'}.${cached}${failures}`;
			});
		} finally {
			this.etaMs = null;
			void this.refreshCacheCount();
			if (lab.runId === run.id) await lab.openRun(run.id);
		}
	}
}
