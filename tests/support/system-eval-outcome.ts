/**
 * A hand-built `assay eval --config` outcome for the output-writer tests: three golden cases
 * answered by a scripted system (one hostile answer, one failed check, one system error),
 * graded records and a report built by the real `buildAnswerReport` — so the writers are tested
 * on the report shape the CLI writes. Not a test file.
 */
import { buildAnswerReport } from '../../src/lib/evals/answers/report.ts';
import type { AnswerRecord, AnswerRunRecord } from '../../src/lib/evals/answers/types.ts';
import { runGate } from '../../src/lib/evals/gate/index.ts';
import type { GoldenCase } from '../../src/lib/evals/golden/types.ts';
import type { SystemOutput } from '../../src/lib/evals/system/types.ts';
import { DEFAULT_SYSTEM_PROMPT } from '../../src/lib/generation/index.ts';
import type { CaseOutcome, EvalOutcome, SystemEvalReport } from '../../src/cli/eval/outcome.ts';

export const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)> & "quotes" \u0001\u0008 \uD800 end';

export const CASES: GoldenCase[] = [
	{ id: 'q1', query: 'what is <b>bold</b>?', relevant: [{ doc: 'd1', grade: 1 }], tags: [] },
	{ id: 'q2', query: 'second', relevant: [{ doc: 'd2', grade: 1 }], tags: [] },
	{ id: 'q3', query: 'third', relevant: [{ doc: 'd3', grade: 1 }], tags: [] }
];

function record(c: GoldenCase, output: SystemOutput, checksPass: boolean, score: number): AnswerRecord {
	return {
		runId: 'run-1',
		caseId: c.id,
		query: c.query,
		text: output.answer,
		finishReason: 'stop',
		error: null,
		messages: [],
		sources: output.contexts.map((x, i) => ({
			n: i + 1,
			chunkId: `${x.documentRef}#0`,
			documentId: x.documentRef ?? '',
			documentRef: x.documentRef ?? '',
			title: x.documentRef ?? '',
			text: x.text ?? ''
		})),
		retrieved: output.contexts.map((x, i) => ({
			rank: i + 1,
			chunkId: `${x.documentRef}#0`,
			documentRef: x.documentRef ?? '',
			score: x.score ?? 1 / (i + 1)
		})),
		citations: { cited: [], invalid: [] },
		tokens: { input: null, output: null, promptTokensEstimate: 0 },
		timings: { retrievalMs: 0, ttftMs: null, tpotMs: null, totalMs: output.timings.totalMs },
		checks: [{ id: 'cite', type: 'citations-present', pass: checksPass, reason: checksPass ? 'has [1]' : 'no citation <in> answer' }],
		verdicts: {
			faithfulness: {
				result: { ok: true, verdict: { score, reason: `scored ${score}` }, raw: '', repaired: false } as never,
				attempts: 1,
				judge: { modelId: 'judge', provider: 'scripted', promptId: 'faithfulness', promptVersion: 1, temperature: 0, seed: 42 }
			}
		},
		review: null,
		createdAtMs: 0
	};
}

/** The outcome: q1 passes with a hostile answer, q2 fails its check, q3 is a system error; the gate fails recall@10's floor. */
export async function sampleOutcome(): Promise<EvalOutcome> {
	const [c1, c2, c3] = CASES as [GoldenCase, GoldenCase, GoldenCase];
	const o1: SystemOutput = {
		answer: HOSTILE,
		contexts: [{ documentRef: 'd1', text: 'one', score: 2 }],
		timings: { totalMs: 12, ttftMs: null }
	};
	const o2: SystemOutput = {
		answer: 'no cite',
		contexts: [{ documentRef: 'dx', text: 'wrong', score: 1 }],
		timings: { totalMs: 8, ttftMs: null }
	};
	const r1 = record(c1, o1, true, 5);
	const r2 = record(c2, o2, false, 2);
	const r3: AnswerRecord = {
		...record(c3, { ...o2, contexts: [] }, true, 5),
		text: '',
		finishReason: null,
		error: { name: 'AssayError', code: 'SYSTEM_REQUEST_FAILED', message: 'HTTP 500 <oops>' },
		checks: [],
		verdicts: {}
	};
	const run: AnswerRunRecord = {
		id: 'run-1',
		workspaceId: 'cli',
		goldenSetId: 'g',
		goldenSetName: 'sample',
		goldenSetHash: 'h'.repeat(64),
		caseIds: CASES.map((c) => c.id),
		cases: CASES,
		config: {
			label: 'fake <app>',
			mode: 'http',
			topK: 10,
			model: { provider: 'http', modelId: 'app' },
			prompt: { spec: DEFAULT_SYSTEM_PROMPT, fewShot: [] },
			contextWindowTokens: 4096,
			maxTokens: 512,
			temperature: 0,
			seed: 42
		},
		status: 'complete',
		grading: null,
		createdAtMs: 0,
		updatedAtMs: 0
	};
	const base = await buildAnswerReport({
		id: 'report-1',
		run,
		answers: [r1, r2, r3],
		goldenSet: { id: 'g', name: 'sample', cases: CASES },
		corpus: { workspaceName: '', documents: 0, chunks: 0, contentHash: '' },
		analyzer: { name: 'none', fingerprint: '' },
		bm25: { k1: 0, b: 0 },
		chunking: { mode: 'none', chunkSizeChars: 0, chunkOverlapChars: 0 },
		embeddingModel: null,
		appVersion: '0.0.0-test',
		createdAtMs: 0,
		environment: { userAgent: 'vitest', gpuAdapter: null, hardwareConcurrency: null }
	});
	const report: SystemEvalReport = {
		...base,
		system: { type: 'http', label: 'fake <app>', details: { method: 'POST', url: 'http://127.0.0.1/ask', headerNames: [] } },
		cache: { hits: 0, requests: 3 },
		errors: { count: 1, byCode: { SYSTEM_REQUEST_FAILED: 1 } }
	};
	const gate = runGate(report, report, { metrics: { 'recall@10': { min: 0.9 }, 'judge.faithfulness': { min: 1 } } });
	const cases: CaseOutcome[] = [
		{ caseId: 'q1', query: c1.query, repeat: 0, output: o1, error: null, record: r1 },
		{ caseId: 'q2', query: c2.query, repeat: 0, output: o2, error: null, record: r2 },
		{ caseId: 'q3', query: c3.query, repeat: 0, output: null, error: r3.error, record: null }
	];
	return { report, cases, gate: { result: gate, baselinePath: null, skipped: null }, passThreshold: 4, elapsedMs: 1234 };
}
