import type { PriceTable } from '../../lib/cost/index.ts';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_CHECKS, RUBRIC_PROMPTS } from '../../lib/evals/answers/grade.ts';
import { DEFAULT_RUBRIC_IDS, type AnswerRecord, type GradingSettings, type RubricId } from '../../lib/evals/answers/types.ts';
import { parseEvalReport, parseGateConfig, runGate, type GateConfig, type GateResult } from '../../lib/evals/index.ts';
import type { GoldenCase } from '../../lib/evals/golden/types.ts';
import { CONFIG_DEFAULTS } from '../../lib/evals/system/config.ts';
import { OpenAiChatModel } from '../../lib/adapters/openai-chat.ts';
import { CfworkerSchemaValidator } from '../../lib/adapters/json-schema-validator.ts';
import type { ChatModel } from '../../lib/generation/types.ts';
import { AssayError } from '../../lib/shared/errors.ts';
import { EXIT_FAILURE, EXIT_OK, EXIT_UNREACHABLE, UsageError, type CliIo } from '../io.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { DiskResponseCache } from './disk-cache.ts';
import { buildSystem, readCorpus, withoutComments } from './systems.ts';
import { evaluateSystem } from '../../lib/evals/system/evaluate.ts';
import { goldenSetHash } from '../../lib/evals/report/build.ts';
import { formatJunit } from './junit.ts';
import { loadEvalConfig, loadGoldenCases, readJsonFile, type LoadedConfig } from './load-config.ts';
import type { CaseOutcome, EvalOutcome, GateOutcome, SystemEvalReport } from './outcome.ts';
import { createProgress } from './progress-eta.ts';
import { judgeBatchJsonl, judgeCaptureModel, judgeReplayModel, replaySummary } from './judge-batch.ts';
import { formatReportHtml } from './report-html.ts';
import { formatResultsJsonl } from './results-jsonl.ts';
import { evalTraceSpans, timedSystem } from '../../lib/evals/system/trace.ts';
import { defaultClock } from '../../lib/tracing/tracer.ts';
import { toOtlpJson } from '../../lib/tracing/otlp/export.ts';

/** Options of `assay eval --config` as parsed from the command line. */
export interface SystemEvalOptions {
	readonly config: string;
	readonly out?: string;
	readonly baseline?: string;
	readonly concurrency?: number;
	readonly noCache?: boolean;
	readonly filter?: readonly string[];
	/** Price table for the report's cost (`--prices`); default the dated defaults (docs/cost.md). */
	readonly priceTable?: PriceTable;
	/** Write the judge requests as an OpenAI Batch API input file here instead of judging (`--judge-batch-out`). */
	readonly judgeBatchOut?: string;
	/** Judge from this Batch API output file instead of live requests (`--judge-batch-in`). */
	readonly judgeBatchIn?: string;
}

/** What the command reads from its surroundings (tests inject them). */
export interface SystemEvalEnv {
	readonly env: Readonly<Record<string, string | undefined>>;
	/** stderr is a terminal (progress rewritten in place) — ignored when `env.CI` is set. */
	readonly stderrIsTTY: boolean;
	/** Milliseconds. */
	readonly clock: () => number;
	readonly appVersion: string;
	/** Epoch milliseconds (fractional) for the spans of traces.otlp.json; default `performance.timeOrigin + performance.now()`. */
	readonly epochClock?: () => number;
}

/** The files written to the output folder (`traces.otlp.json`: OTLP/JSON, one trace per case × repeat — docs/observability.md). */
export const OUTPUT_FILES = ['report.json', 'junit.xml', 'results.jsonl', 'report.html', 'traces.otlp.json'] as const;

const noModel: ChatModel = {
	modelId: 'none',
	provider: 'none',
	// eslint-disable-next-line require-yield
	async *stream() {
		throw new AssayError('INTERNAL', 'no judge is configured');
	}
};

/** The gate configuration of the config's rules, as `assay gate` takes it. @throws AssayError `CONFIG_INVALID` for a metric named twice. */
export function gateConfigOf(loaded: LoadedConfig): GateConfig | null {
	const gate = loaded.config.gate;
	if (!gate) return null;
	const metrics: GateConfig['metrics'] = {};
	gate.rules.forEach((rule, i) => {
		const { metric, $comment: _c, ...limits } = rule;
		if (metrics[metric])
			throw new AssayError(
				'CONFIG_INVALID',
				`Invalid configuration ${loaded.path} — gate.rules.${i}.metric: "${metric}" already has a rule — merge the two rules into one`
			);
		metrics[metric] = limits;
	});
	return parseGateConfig({
		metrics,
		...(gate.alpha !== undefined ? { alpha: gate.alpha } : {}),
		...(gate.seed !== undefined ? { seed: gate.seed } : {}),
		...(gate.permutations !== undefined ? { permutations: gate.permutations } : {})
	});
}

/** Grading settings of the config: its checks (default: the app's DEFAULT_CHECKS) and, with a judge, its rubrics. */
function gradingOf(loaded: LoadedConfig): GradingSettings {
	const j = loaded.config.judge;
	const known = Object.keys(RUBRIC_PROMPTS);
	const rubrics = (j?.rubrics ?? (j ? DEFAULT_RUBRIC_IDS : [])) as RubricId[];
	rubrics.forEach((r, i) => {
		if (!known.includes(r))
			throw new AssayError(
				'CONFIG_INVALID',
				`Invalid configuration ${loaded.path} — judge.rubrics.${i}: unknown rubric "${r}" — use one of ${known.join(', ')}`
			);
	});
	return {
		judge: j ? { provider: 'openai-compatible', modelId: j.model, baseUrl: j.baseUrl } : { provider: 'none', modelId: 'none' },
		rubrics,
		temperature: j?.temperature ?? 0,
		seed: j?.seed ?? 42,
		maxTokens: j?.maxTokens ?? 512,
		checks: loaded.config.checks ?? [...DEFAULT_CHECKS],
		passThreshold: j?.passThreshold ?? 4
	};
}

function judgeModel(loaded: LoadedConfig, env: SystemEvalEnv['env']): ChatModel {
	const j = loaded.config.judge;
	if (!j) return noModel;
	let apiKey: string | undefined;
	if (j.apiKeyEnv) {
		apiKey = env[j.apiKeyEnv];
		if (apiKey === undefined)
			throw new AssayError(
				'CONFIG_INVALID',
				`Invalid configuration ${loaded.path} — judge.apiKeyEnv: environment variable ${j.apiKeyEnv} is not set — export ${j.apiKeyEnv}=… (in GitHub Actions: env: ${j.apiKeyEnv}: \${{ secrets.${j.apiKeyEnv} }})`
			);
	}
	return new OpenAiChatModel({
		baseUrl: j.baseUrl,
		model: j.model,
		...(apiKey ? { apiKey } : {}),
		...(j.timeoutMs ? { idleTimeoutMs: j.timeoutMs } : {}),
		...(j.retry ? { retry: withoutComments(j.retry) } : {})
	});
}

/** Read and check a baseline report before anything runs. @throws AssayError `FILE_READ`, `DATASET_INVALID`. */
function readBaseline(path: string): SystemEvalReport {
	const json = readJsonFile(path, 'baseline report');
	try {
		return parseEvalReport(json) as SystemEvalReport;
	} catch (error) {
		if (error instanceof AssayError) throw new AssayError(error.code, `The baseline report ${path}: ${error.message}`, { cause: error });
		throw error;
	}
}

/**
 * Run `assay eval --config` (see EVAL_USAGE in eval-command.ts): load and check everything first
 * (exit 2 before any request), run the system over the golden set × repeats, grade, build the
 * report, gate, write the five files atomically (traces.otlp.json: the spans of `evalTraceSpans`) (report.json last; a stale report.json of an
 * earlier run is removed first, so a crash never leaves one that claims success) and return
 * 0 pass, 1 gate failed or every case failed (nothing to grade), 3 system or judge unreachable (report written, `incomplete`).
 * @throws AssayError (`CONFIG_INVALID`, `DATASET_INVALID`, `FILE_READ`) or UsageError — exit 2.
 */
export async function runSystemEvalCommand(options: SystemEvalOptions, io: CliIo, surroundings: SystemEvalEnv): Promise<number> {
	const started = surroundings.clock();
	// Outputs of an earlier run go first, before anything can fail: a run that stops (bad config
	// included) never leaves a report behind that an artifact step would upload as this run's.
	const outDir = resolve(options.out ?? 'assay-out');
	for (const f of OUTPUT_FILES) rmSync(join(outDir, f), { force: true });
	const loaded = loadEvalConfig(options.config, surroundings.env);
	const allCases = loadGoldenCases(loaded.goldenSet);
	let cases: GoldenCase[] = allCases;
	if (options.filter && options.filter.length > 0) {
		const ids = new Set(allCases.map((c) => c.id));
		const unknown = options.filter.filter((id) => !ids.has(id));
		if (unknown.length > 0)
			throw new UsageError(
				`--filter: no golden case has the id ${unknown.map((id) => `"${id}"`).join(', ')} (the golden set has ${allCases.length} cases)`
			);
		const wanted = new Set(options.filter);
		cases = allCases.filter((c) => wanted.has(c.id));
	}
	const gateConfig = gateConfigOf(loaded);
	const baselinePath = options.baseline ? resolve(options.baseline) : loaded.baselinePath;
	const needsBaseline =
		gateConfig !== null && Object.values(gateConfig.metrics).some((r) => r.maxDrop !== undefined || r.maxDropPct !== undefined);
	const baseline = baselinePath && existsSync(baselinePath) ? readBaseline(baselinePath) : null;
	// The whole golden set's hash (as the app's), so a --filter run gates against a full baseline on the shared cases.
	const contentHash = await goldenSetHash(allCases);
	// Said before any request (a judged run costs money); the run still goes on, because this is also how a user re-baselines after editing the golden set.
	if (baseline && gateConfig !== null && baseline.dataset.contentHash !== contentHash) {
		io.stderr(
			`assay eval: warning: the baseline ${baselinePath} was made on a different golden set (content hash ${baseline.dataset.contentHash.slice(0, 12)}…, this one ${contentHash.slice(0, 12)}…): the gate will refuse it after this run. To re-baseline, copy this run's report.json over it (docs/ci.md).\n`
		);
	}
	const grading = gradingOf(loaded);
	if (options.judgeBatchOut && options.judgeBatchIn)
		throw new UsageError('--judge-batch-out and --judge-batch-in are two runs: pass one of them');
	const judgeName = loaded.config.judge?.model;
	if ((options.judgeBatchOut || options.judgeBatchIn) && judgeName === undefined)
		throw new UsageError(`--judge-batch-${options.judgeBatchOut ? 'out' : 'in'} needs a judge in the config (judge.model)`);
	const capture = options.judgeBatchOut && judgeName ? judgeCaptureModel(judgeName) : null;
	const replay = options.judgeBatchIn && judgeName ? judgeReplayModel(resolve(options.judgeBatchIn), judgeName) : null;
	for (const p of replay?.problems ?? [])
		io.stderr(`assay eval: ${options.judgeBatchIn}${p.line !== undefined ? `:${p.line}` : ''}: ${p.message}\n`);
	const model = capture ?? replay?.model ?? judgeModel(loaded, surroundings.env);
	const built = await buildSystem(loaded, allCases, surroundings.env);
	const epochClock = surroundings.epochClock ?? defaultClock;
	// Each request is timed for its span in traces.otlp.json (the system eval records no spans as it runs).
	const timed = timedSystem(built.system, epochClock);
	const system = timed.system;
	for (const note of built.notes) io.stderr(`assay eval: ${note}\n`);
	const useCache = !options.noCache && loaded.config.cache?.enabled !== false;
	const cache = useCache ? new DiskResponseCache(loaded.cacheDir) : null;

	const repeats = loaded.config.repeats ?? CONFIG_DEFAULTS.repeats;
	const seed = loaded.config.seed ?? CONFIG_DEFAULTS.seed;
	const concurrency = options.concurrency ?? loaded.config.concurrency ?? CONFIG_DEFAULTS.concurrency;
	const tty = surroundings.stderrIsTTY && !surroundings.env.CI;
	io.stderr(
		`assay eval: ${system.ref.label} on ${cases.length} cases × ${repeats} repeat${repeats > 1 ? 's' : ''}, ${concurrency} in flight, cache ${cache ? loaded.cacheDir : 'off'}\n`
	);
	const progress = {
		answer: createProgress({ label: 'answered', write: io.stderr, tty, clock: surroundings.clock }),
		grade: createProgress({ label: 'graded', write: io.stderr, tty, clock: surroundings.clock })
	};
	const corpus = loaded.corpusPath ? readCorpus(loaded.corpusPath).map((d) => ({ ref: d.id, text: d.text })) : undefined;
	const runId = `cli-${new Date().toISOString()}`;
	const goldenName = loaded.goldenSet.path.split(/[\\/]/).pop() ?? 'golden set';
	let phase: 'answer' | 'grade' = 'answer';
	const evaluation = await evaluateSystem({
		id: runId,
		runId,
		system,
		goldenSet: { id: contentHash.slice(0, 16), name: goldenName, cases },
		repeats,
		baseSeed: seed,
		concurrency,
		cache,
		clock: surroundings.clock,
		grading: {
			settings: grading,
			model,
			validator: new CfworkerSchemaValidator(),
			...(loaded.config.judge ? { baseUrl: loaded.config.judge.baseUrl } : {})
		},
		// An explicit judge.rubrics list is kept as written; without one (and only with a judge), text-only contexts add the context rubrics.
		addContextRubrics: loaded.config.judge !== undefined && loaded.config.judge.rubrics === undefined,
		...(corpus ? { corpus } : {}),
		onProgress: (p, done, total, etaMs) => {
			if (p !== phase) {
				progress[phase].finish();
				phase = p;
			}
			progress[p].update(done, total, etaMs);
		},
		report: {
			appVersion: surroundings.appVersion,
			environment: { userAgent: `node ${process.version} (${process.platform})`, gpuAdapter: null, hardwareConcurrency: null },
			contentHash,
			...(options.priceTable ? { priceTable: options.priceTable } : {})
		}
	});
	progress[phase].finish();
	if (capture && options.judgeBatchOut) {
		const { jsonl, lines } = judgeBatchJsonl(capture);
		writeFileAtomic(resolve(options.judgeBatchOut), jsonl);
		io.stderr(
			`assay eval: wrote ${lines} judge request${lines === 1 ? '' : 's'} to ${options.judgeBatchOut} (OpenAI Batch API input; nothing was judged and no report written). ` +
				`Submit it, then run again with --judge-batch-in <output.jsonl>: the answers come from the cache${cache ? '' : ' — which is off, so the system is asked again and must answer the same'}.\n`
		);
		return EXIT_OK;
	}
	if (replay) {
		const { unmatchedLines, withoutReply } = replaySummary(replay.model, replay.replies);
		if (unmatchedLines > 0)
			io.stderr(
				`assay eval: ${unmatchedLines} line(s) of ${options.judgeBatchIn} match no judge request of this run (a changed answer, rubric or judge model); ignored\n`
			);
		if (withoutReply > 0)
			io.stderr(
				`assay eval: ${withoutReply} judge request(s) had no usable reply in ${options.judgeBatchIn} (failed lines, or a retry after an unreadable verdict): those verdicts are errors; run without --judge-batch-in to judge them live\n`
			);
	}
	const report = evaluation.report as SystemEvalReport;
	const run = evaluation.run;
	const incomplete =
		report.status === 'incomplete' ? (report.incomplete ?? { reason: 'the run stopped', code: 'SYSTEM_UNREACHABLE', notRun: 0 }) : null;

	// A complete run in which every request failed measured nothing: it must never pass (exit 0 with no gate) nor read as
	// an unusable config (a gate on metrics no case has). The report keeps the errors; the exit code is 1.
	const failures = run.results.filter((r) => r.error !== null);
	const nothingAnswered = !incomplete && run.results.length > 0 && failures.length === run.results.length ? failures : null;
	const nothingReason = nothingAnswered
		? `no case was answered: all ${nothingAnswered.length} request(s) failed (${Object.entries(report.errors?.byCode ?? {})
				.map(([code, n]) => `${n} × ${code}`)
				.join(', ')}; first: ${nothingAnswered[0]?.caseId}: ${nothingAnswered[0]?.error?.message})`
		: null;
	let gate: GateOutcome = { result: null, baselinePath: null, skipped: null };
	let gateUnusable = false;
	if (gateConfig) {
		if (incomplete) gate = { result: null, baselinePath, skipped: 'not evaluated: the run is incomplete' };
		else if (nothingReason) gate = { result: null, baselinePath, skipped: `not evaluated: ${nothingReason}` };
		else if (needsBaseline && !baseline) {
			gateUnusable = true;
			gate = {
				result: null,
				baselinePath,
				skipped: baselinePath
					? `not evaluated: the baseline report ${baselinePath} does not exist — commit a report.json of an earlier run there (see docs/ci.md)`
					: 'not evaluated: a rule has maxDrop/maxDropPct but no baseline is set — set gate.baseline or pass --baseline'
			};
		} else {
			try {
				const result: GateResult = runGate(baseline ?? report, report, gateConfig);
				gate = {
					result,
					baselinePath: baseline ? baselinePath : null,
					skipped: null,
					...(baseline ? { baselinePerQuery: new Map(baseline.perQuery.map((q) => [q.id, q.metrics] as const)) } : {})
				};
			} catch (error) {
				if (!(error instanceof AssayError)) throw error;
				gateUnusable = true;
				gate = { result: null, baselinePath, skipped: `not evaluated: ${error.message}` };
			}
		}
	}

	const recordOf = new Map<string, AnswerRecord>(
		evaluation.byRepeat.flatMap((records, repeat) => records.map((r): [string, AnswerRecord] => [`${r.caseId}\u0000${repeat}`, r]))
	);
	const done = new Map<string, (typeof run.results)[number]>(run.results.map((r) => [`${r.caseId}\u0000${r.repeat}`, r]));
	const caseOutcomes: CaseOutcome[] = cases.flatMap((c) =>
		Array.from({ length: repeats }, (_, repeat): CaseOutcome => {
			const key = `${c.id}\u0000${repeat}`;
			const r = done.get(key);
			if (!r) return { caseId: c.id, query: c.query, repeat, output: null, error: null, record: null, notRun: true };
			return {
				caseId: c.id,
				query: c.query,
				repeat,
				output: r.output,
				error: r.error,
				record: r.error ? null : (recordOf.get(key) ?? null)
			};
		})
	);
	const outcome: EvalOutcome = {
		report,
		cases: caseOutcomes,
		gate,
		passThreshold: grading.passThreshold,
		elapsedMs: surroundings.clock() - started
	};
	writeFileAtomic(join(outDir, 'results.jsonl'), formatResultsJsonl(outcome));
	writeFileAtomic(join(outDir, 'junit.xml'), formatJunit(outcome));
	writeFileAtomic(join(outDir, 'report.html'), formatReportHtml(outcome));
	const spans = evalTraceSpans({
		runId,
		system: system.ref,
		cases: caseOutcomes,
		timings: timed.timings,
		passThreshold: grading.passThreshold,
		fallbackTimeMs: epochClock()
	});
	const traces = toOtlpJson(
		spans,
		{ serviceName: 'assay', serviceVersion: surroundings.appVersion },
		{ name: 'assay.eval', version: surroundings.appVersion }
	);
	writeFileAtomic(join(outDir, 'traces.otlp.json'), `${JSON.stringify(traces)}\n`);
	writeFileAtomic(join(outDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);

	const errors = report.errors?.count ?? 0;
	const { hits, requests } = report.cache ?? { hits: run.cacheHits, requests: run.requests };
	io.stdout(
		`${report.status === 'complete' ? 'complete' : 'INCOMPLETE'}: ${system.ref.label} — ${report.dataset.evaluatedCases} of ${cases.length} cases evaluated, ${errors} case error${errors === 1 ? '' : 's'}, cache ${hits} hit${hits === 1 ? '' : 's'} / ${requests} request${requests === 1 ? '' : 's'}${report.cache ? ' (system and judge)' : ' (cache off)'}\n`
	);
	if (report.repeats && report.repeats.n > 1)
		io.stdout(
			`repeats ${report.repeats.n}: ${report.repeats.flakyCaseIds.length} flaky case(s)${report.repeats.flakyCaseIds.length ? `: ${report.repeats.flakyCaseIds.join(', ')}` : ''}\n`
		);
	for (const m of [
		'recall@10',
		'ndcg@10',
		'checks.pass-rate',
		...Object.keys(report.metrics.aggregate).filter((k) => k.startsWith('judge.'))
	]) {
		const v = report.metrics.aggregate[m];
		if (v) io.stdout(`  ${m.padEnd(24)} ${v.mean.toFixed(4)}\n`);
	}
	if (gate.result) {
		io.stdout(`gate ${gate.result.verdict}${gate.baselinePath ? ` vs ${gate.baselinePath}` : ' (floors only)'}\n`);
		for (const m of gate.result.metrics) io.stdout(`  ${m.pass ? 'ok  ' : 'FAIL'} ${m.metric}: ${m.reason}\n`);
	} else if (gate.skipped) io.stdout(`gate ${gate.skipped}\n`);
	if (cache && cache.writeErrors > 0) {
		io.stderr(
			`assay eval: warning — ${cache.writeErrors} cache write(s) failed (${cache.firstWriteError}): those replies were not cached and the next run asks for them again — make cache.dir (${loaded.cacheDir}) a writable folder, or run with --no-cache\n`
		);
	}
	const m = report.contextMatching;
	if (m)
		io.stdout(
			`contexts: ${m.given} with a document id, ${m.matched} text-only matched to ${loaded.corpusPath} (${m.ambiguous} ambiguous), ${m.unmatched} left text only (judged only)\n`
		);
	io.stdout(`wrote ${OUTPUT_FILES.map((f) => join(outDir, f)).join(', ')}\n`);
	if (incomplete) {
		io.stderr(
			`assay eval: stopped — ${incomplete.code}: ${incomplete.reason}; ${incomplete.notRun} request(s) not made. The report is marked incomplete.\n`
		);
		return EXIT_UNREACHABLE;
	}
	if (nothingReason) {
		io.stderr(`assay eval: FAILED — ${nothingReason}. Nothing could be graded; the errors are in results.jsonl and junit.xml.\n`);
		return EXIT_FAILURE;
	}
	if (gateUnusable) throw new AssayError('CONFIG_INVALID', `The gate was ${gate.skipped ?? 'not evaluated'} (the outputs were written)`);
	return gate.result?.verdict === 'FAIL' ? EXIT_FAILURE : EXIT_OK;
}
