import type { AnswerRecord, AnswerRunRecord, RubricId, StoredVerdict } from '../../../../src/lib/evals/answers/types.ts';
import type { GoldenCase } from '../../../../src/lib/evals/golden/types.ts';
import type { CheckResult } from '../../../../src/lib/evals/checks/index.ts';
import type { Tokenizer } from '../../../../src/lib/generation/index.ts';
import type { RetrievedSource } from '../../../../src/lib/evals/answers/run.ts';

/** Shared builders for the answer-evaluation unit tests (plain data, no engine). */

export const spec = { version: 3, role: 'R', inputFormat: 'I', outputFormat: 'O', rules: [], edgeCases: [] };

export function makeRun(over: Partial<AnswerRunRecord> = {}): AnswerRunRecord {
	return {
		id: 'ar1',
		workspaceId: 'w1',
		goldenSetId: 'g1',
		goldenSetName: 'kites',
		goldenSetHash: 'h'.repeat(64),
		caseIds: ['q1', 'q2', 'q3'],
		cases,
		config: {
			label: 'lexical + v3',
			mode: 'lexical',
			topK: 3,
			model: { provider: 'scripted', modelId: 'tiny-1b' },
			prompt: { spec, fewShot: [] },
			contextWindowTokens: 400,
			maxTokens: 50,
			temperature: 0,
			seed: 7
		},
		status: 'complete',
		grading: null,
		createdAtMs: 0,
		updatedAtMs: 0,
		...over
	};
}

export const cases: GoldenCase[] = [
	{ id: 'q1', query: 'Do kites fly?', relevant: [{ doc: 'kites.md', grade: 1 }], reference: 'Yes, kites fly.', tags: ['a'] },
	{ id: 'q2', query: 'Do birds sing?', relevant: [{ doc: 'birds.md', grade: 2 }], reference: 'Birds sing.', tags: [] },
	{ id: 'q3', query: 'What is wind?', relevant: [{ doc: 'wind.md', grade: 1 }], tags: [] }
];

const judge = { modelId: 'judge-1', provider: 'scripted', promptId: 'correctness', promptVersion: 1, temperature: 0, seed: 42 };

/** A stored verdict: a score, or a typed error when `score` is a string (the code). */
export function verdict(score: number | 'JUDGE_OUTPUT_INVALID', promptId: RubricId = 'correctness'): StoredVerdict {
	const j = { ...judge, promptId };
	if (typeof score === 'string')
		return { result: { ok: false, error: { name: 'AssayError', code: score, message: 'bad' }, raw: 'nope' }, attempts: 2, judge: j };
	return { result: { ok: true, verdict: { score, reason: 'r' }, repaired: false, raw: '{}' }, attempts: 1, judge: j };
}

export function check(id: string, pass: boolean): CheckResult {
	return { id, type: 'citations-present', pass, reason: pass ? 'ok' : 'no' };
}

export function makeAnswer(caseId: string, over: Partial<AnswerRecord> = {}): AnswerRecord {
	const c = cases.find((x) => x.id === caseId);
	return {
		runId: 'ar1',
		caseId,
		query: c?.query ?? caseId,
		...(c?.reference !== undefined ? { reference: c.reference } : {}),
		text: 'Yes [1].',
		finishReason: 'stop',
		error: null,
		messages: [
			{ role: 'system', content: 'S' },
			{ role: 'user', content: `Q ${caseId}` }
		],
		sources: [{ n: 1, chunkId: 'c1', documentId: 'd1', documentRef: 'kites.md', title: 'Kites', text: 'Kites fly high.' }],
		retrieved: [
			{ rank: 1, chunkId: 'c1', documentRef: 'kites.md', score: 3 },
			{ rank: 2, chunkId: 'c9', documentRef: 'kites.md', score: 2.5 },
			{ rank: 3, chunkId: 'c2', documentRef: 'birds.md', score: 2 }
		],
		citations: { cited: [1], invalid: [] },
		tokens: { input: 100, output: 4, promptTokensEstimate: 98 },
		timings: { retrievalMs: 5, ttftMs: 40, tpotMs: 20, totalMs: 110 },
		checks: [],
		verdicts: {},
		review: null,
		createdAtMs: 1,
		...over
	};
}

/** A tokenizer counting whitespace-separated words (exact). */
export const words: Tokenizer = { exact: true, countTokens: (s) => s.split(/\s+/).filter(Boolean).length };
/** Four retrieved chunks in rank order, scores 3, 2, 1, 0.5. */
export const hits: RetrievedSource[] = [
	{ chunkId: 'c1', documentId: 'd1', documentRef: 'kites.md', title: 'Kites', text: 'Kites fly high.', score: 3 },
	{ chunkId: 'c2', documentId: 'd2', documentRef: 'birds.md', title: 'Birds', text: 'Birds sing.', score: 2 },
	{ chunkId: 'c3', documentId: 'd3', documentRef: 'wind.md', title: 'Wind', text: 'Wind blows.', score: 1 },
	{ chunkId: 'c4', documentId: 'd4', documentRef: 'rain.md', title: 'Rain', text: 'Rain falls.', score: 0.5 }
];

/** A clock that advances 10 ms per reading, so every interval is a count of readings. */
export function tickingClock(): () => number {
	let t = 0;
	return () => (t += 10);
}
