/**
 * INTERIM, until the issue-12 core and adapters are merged: a minimal runner, output → AnswerRecord
 * mapping, consistency and report behind the same port types, so `assay eval
 * --config` and its tests work end to end in this branch. Replaced by `src/lib/evals/system/
 * {runner,records,consistency,report,evaluate}.ts` at the merge (see engine.ts).
 */
import { buildAnswerReport } from '../../lib/evals/answers/report.ts';
import { goldenSetHash } from '../../lib/evals/report/build.ts';
import type { AnswerRecord, AnswerRunRecord } from '../../lib/evals/answers/types.ts';
import type { GoldenCase } from '../../lib/evals/golden/types.ts';
import type { ResponseCache, SystemCaseResult, SystemOutput, SystemUnderTest } from '../../lib/evals/system/types.ts';
import { summarizeCitations } from '../../lib/generation/citations.ts';
import { DEFAULT_SYSTEM_PROMPT } from '../../lib/generation/index.ts';
import { toErrorData } from '../../lib/shared/errors.ts';
import { canonicalJson, sha256Text } from '../../lib/shared/hash.ts';
import type { SystemEvalReport } from './outcome.ts';

export interface InterimRunInput {
	readonly system: SystemUnderTest;
	readonly cases: readonly GoldenCase[];
	readonly repeats: number;
	readonly seed: number;
	readonly concurrency: number;
	readonly cache: ResponseCache | null;
	readonly clock: () => number;
	readonly onProgress?: (done: number, total: number, etaMs: number | null) => void;
}

export interface InterimRunResult {
	readonly results: SystemCaseResult[];
	readonly stopped: { readonly error: ReturnType<typeof toErrorData>; readonly notRun: number } | null;
	readonly cacheHits: number;
	readonly requests: number;
}

export async function interimRun(input: InterimRunInput): Promise<InterimRunResult> {
	const jobs = input.cases.flatMap((c) => Array.from({ length: input.repeats }, (_, repeat) => ({ c, repeat })));
	const results: (SystemCaseResult | undefined)[] = new Array(jobs.length);
	let next = 0;
	let done = 0;
	let cacheHits = 0;
	let requests = 0;
	let stopped: InterimRunResult['stopped'] = null;
	const t0 = input.clock();
	const worker = async () => {
		while (next < jobs.length && !stopped) {
			const i = next++;
			const { c, repeat } = jobs[i] as { c: GoldenCase; repeat: number };
			const seed = input.seed + repeat;
			const key = await sha256Text(canonicalJson({ kind: 'system', identity: input.system.cacheIdentity, case: c, repeat, seed }));
			const hit = input.cache ? ((await input.cache.get(key)) as SystemOutput | undefined) : undefined;
			if (hit) {
				cacheHits++;
				results[i] = { caseId: c.id, repeat, output: { ...hit, cached: true }, error: null };
			} else {
				requests++;
				try {
					const output = await input.system.answer({ case: c, repeat, seed });
					await input.cache?.put(key, output);
					results[i] = { caseId: c.id, repeat, output, error: null };
				} catch (error) {
					const data = toErrorData(error);
					if (data.code === 'SYSTEM_UNREACHABLE') {
						stopped ??= { error: data, notRun: 0 };
						continue;
					}
					results[i] = { caseId: c.id, repeat, output: null, error: data };
				}
			}
			done++;
			const elapsed = input.clock() - t0;
			input.onProgress?.(done, jobs.length, done > 0 ? (elapsed / done) * (jobs.length - done) : null);
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(input.concurrency, jobs.length)) }, worker));
	const finished = results.filter((r): r is SystemCaseResult => r !== undefined);
	if (stopped) stopped = { error: (stopped as { error: ReturnType<typeof toErrorData> }).error, notRun: jobs.length - finished.length };
	return { results: finished, stopped, cacheHits, requests };
}

export function interimRecord(runId: string, c: GoldenCase, r: SystemCaseResult): AnswerRecord {
	const contexts = r.output?.contexts ?? [];
	const withText = contexts.filter((x) => x.text !== undefined);
	const sources = withText.map((x, i) => ({ n: i + 1, chunkId: `${x.documentRef ?? `ctx-${i + 1}`}#0`, documentId: x.documentRef ?? '', documentRef: x.documentRef ?? '', title: x.title ?? x.documentRef ?? '', text: x.text ?? '' }));
	const withRef = contexts.filter((x) => x.documentRef !== undefined);
	const retrieved = withRef.map((x, i) => ({ rank: i + 1, chunkId: `${x.documentRef}#0`, documentRef: x.documentRef as string, score: x.score ?? withRef.length - i }));
	const text = r.output?.answer ?? '';
	const cit = summarizeCitations(text, sources.length);
	return {
		runId, caseId: c.id, query: c.query, ...(c.reference !== undefined ? { reference: c.reference } : {}), ...(c.attack ? { attack: c.attack } : {}),
		text, finishReason: r.output ? 'stop' : null, error: r.error, messages: [], sources, retrieved,
		citations: { cited: [...cit.cited], invalid: [...cit.invalid] },
		tokens: { input: r.output?.usage?.inputTokens ?? null, output: r.output?.usage?.outputTokens ?? null, promptTokensEstimate: 0 },
		timings: { retrievalMs: 0, ttftMs: r.output?.timings.ttftMs ?? null, tpotMs: null, totalMs: r.output?.timings.totalMs ?? 0 },
		checks: [], verdicts: {}, review: null, createdAtMs: 0
	};
}

/** Verdict of one graded record: pass when every check passed and every judge score ≥ threshold; null when nothing was graded. */
function verdictOf(r: AnswerRecord, threshold: number): boolean | null {
	const scores = Object.values(r.verdicts).flatMap((v) => (v?.result.ok ? [v.result.verdict.score] : []));
	if (r.checks.length === 0 && scores.length === 0) return null;
	return r.checks.every((c) => c.pass) && scores.every((s) => s >= threshold);
}

export async function interimReport(input: { allCases: readonly GoldenCase[]; id: string; createdAtMs: number; goldenSetName: string; cases: readonly GoldenCase[]; records: readonly AnswerRecord[]; repeats: number; threshold: number; system: SystemUnderTest; stopped: InterimRunResult['stopped']; cacheHits: number; requests: number; errors: readonly SystemCaseResult[]; appVersion: string; grading: AnswerRunRecord['grading'] }): Promise<SystemEvalReport> {
	// The whole golden set's hash (as the app's), so a --filter run gates against a full baseline on the shared cases.
	const hash = await goldenSetHash(input.allCases);
	const run: AnswerRunRecord = {
		id: input.id, workspaceId: 'cli', goldenSetId: hash.slice(0, 16), goldenSetName: input.goldenSetName, goldenSetHash: hash, caseIds: input.cases.map((c) => c.id), cases: input.cases,
		config: { label: input.system.ref.label, mode: input.system.ref.type, topK: Math.max(1, ...input.records.map((r) => r.retrieved.length)), model: { provider: input.system.ref.type, modelId: input.system.ref.label }, prompt: { spec: DEFAULT_SYSTEM_PROMPT, fewShot: [] }, contextWindowTokens: 4096, maxTokens: 512, temperature: 0, seed: 42 },
		status: input.stopped ? 'cancelled' : 'complete', grading: input.grading, createdAtMs: input.createdAtMs, updatedAtMs: input.createdAtMs
	};
	const first = input.records.filter((r) => (r as AnswerRecord & { repeat?: number }).repeat === undefined || (r as AnswerRecord & { repeat?: number }).repeat === 0);
	// No answer at all (the system was down from the first request): the cases are recorded as not run, so the report still says so.
	const notRun = (c: GoldenCase): AnswerRecord => interimRecord(input.id, c, { caseId: c.id, repeat: 0, output: null, error: { name: 'AssayError', code: 'SYSTEM_UNREACHABLE', message: 'not run: the run stopped before this case' } });
	const base = await buildAnswerReport({
		id: input.id, run, answers: first.length > 0 ? first : input.cases.map(notRun), goldenSet: { id: run.goldenSetId, name: input.goldenSetName, cases: input.cases },
		corpus: { workspaceName: '', documents: 0, chunks: 0, contentHash: '' }, analyzer: { name: 'none', fingerprint: '' }, bm25: { k1: 0, b: 0 },
		chunking: { mode: 'none', chunkSizeChars: 0, chunkOverlapChars: 0 }, embeddingModel: null, appVersion: input.appVersion, createdAtMs: input.createdAtMs,
		environment: { userAgent: `node ${process.version}`, gpuAdapter: null, hardwareConcurrency: null }
	});
	const byCase = new Map<string, (boolean | null)[]>();
	for (const r of input.records) byCase.set(r.caseId, [...(byCase.get(r.caseId) ?? []), verdictOf(r, input.threshold)]);
	const perCase = [...byCase].map(([caseId, vs]) => {
		const known = vs.filter((v): v is boolean => v !== null);
		const pass = known.filter(Boolean).length;
		return { caseId, consistency: known.length ? Math.max(pass, known.length - pass) / known.length : null, flipped: pass > 0 && pass < known.length, verdicts: vs };
	});
	const byCode: Record<string, number> = {};
	for (const e of input.errors) if (e.error) byCode[e.error.code] = (byCode[e.error.code] ?? 0) + 1;
	return {
		...base,
		system: input.system.ref,
		cache: { hits: input.cacheHits, requests: input.requests },
		repeats: { n: input.repeats, flakyCaseIds: perCase.filter((p) => p.flipped).map((p) => p.caseId), perCase },
		errors: { count: input.errors.length, byCode },
		incomplete: input.stopped ? { reason: `${input.stopped.error.code}: ${input.stopped.error.message}`, notRun: input.stopped.notRun } : null
	};
}
