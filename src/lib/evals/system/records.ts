import { summarizeCitations } from '../../generation/citations.ts';
import type { AnswerRecord, AnswerSource, RetrievedChunk } from '../answers/types.ts';
import type { GoldenCase } from '../golden/types.ts';
import type { SystemCaseResult, SystemOutput } from './types.ts';

/**
 * Mapping what a system under test produced to the {@link AnswerRecord} every answer evaluation
 * grades and reports, so checks, judges, summaries, the report and the gate treat any system as
 * they treat Assay's own pipeline.
 */

/** The chunk id a system context gets in records: its 1-based position in the system's context list. */
export const contextChunkId = (position: number): string => `context-${position}`;

/**
 * The packed sources of an output: the contexts that carry `text`, numbered `n = 1…` in the
 * system's rank order (what an `[n]` citation and a faithfulness judge refer to). `documentRef`
 * is the context's reference, `''` for a text-only one; title = `title`, else the reference,
 * else `Context n`.
 */
export function sourcesOf(output: SystemOutput): AnswerSource[] {
	const out: AnswerSource[] = [];
	output.contexts.forEach((c, i) => {
		if (c.text === undefined) return;
		const n = out.length + 1;
		const ref = c.documentRef ?? '';
		out.push({
			n,
			chunkId: contextChunkId(i + 1),
			documentId: ref,
			documentRef: ref,
			title: c.title ?? (ref !== '' ? ref : `Context ${n}`),
			text: c.text
		});
	});
	return out;
}

/**
 * The retrieved list of an output: the contexts that carry a `documentRef`, in the system's
 * rank order, ranks 1…. Scores: the system's own when EVERY such context has one (trec_eval
 * then orders by score, ties by document id, as `assay metrics` does on the same run); else
 * rank scores `m − rank + 1` (m = number of such contexts: distinct integers that keep the
 * system's order exactly, whatever the 6-decimal rounding of the run).
 */
export function retrievedOf(output: SystemOutput): RetrievedChunk[] {
	const withRef = output.contexts.map((c, i) => ({ c, position: i + 1 })).filter((x) => x.c.documentRef !== undefined);
	const ownScores = withRef.length > 0 && withRef.every((x) => x.c.score !== undefined && Number.isFinite(x.c.score));
	return withRef.map((x, i) => ({
		rank: i + 1,
		chunkId: contextChunkId(x.position),
		documentRef: x.c.documentRef as string,
		score: ownScores ? (x.c.score as number) : withRef.length - i
	}));
}

/**
 * One {@link SystemCaseResult} as an {@link AnswerRecord} of run `runId`: answer text, sources
 * ({@link sourcesOf}), retrieved ({@link retrievedOf}), citations parsed with the one citation
 * parser (`summarizeCitations` against the packed sources), tokens from the system's usage
 * (`null` when it reported none; `promptTokensEstimate` 0: the prompt is the system's own),
 * timings `{retrievalMs: 0, ttftMs, tpotMs: null, totalMs}` as the adapter measured, `messages: []`
 * (not known), `finishReason: 'stop'`. A failed result (`output` null) becomes a record with
 * `error` set, `finishReason: null`, empty text, sources and retrieved, so grading skips it and
 * the report counts it as failed, never scored.
 * @param c the golden case the result answers (query, reference and attack are copied from it).
 */
export function toAnswerRecord(runId: string, c: GoldenCase, result: SystemCaseResult, createdAtMs: number): AnswerRecord {
	const base = {
		runId,
		caseId: c.id,
		query: c.query,
		...(c.reference !== undefined ? { reference: c.reference } : {}),
		...(c.attack !== undefined ? { attack: { canaries: [...c.attack.canaries], forbiddenHosts: [...c.attack.forbiddenHosts] } } : {}),
		messages: [],
		checks: [],
		verdicts: {},
		review: null,
		createdAtMs
	};
	const out = result.output;
	if (out === null || result.error !== null) {
		return {
			...base,
			text: '',
			finishReason: null,
			error: result.error ?? { name: 'AssayError', code: 'INTERNAL', message: 'The system produced no output and no error.' },
			sources: [],
			retrieved: [],
			citations: { cited: [], invalid: [] },
			tokens: { input: null, output: null, promptTokensEstimate: 0 },
			timings: { retrievalMs: 0, ttftMs: null, tpotMs: null, totalMs: 0 }
		};
	}
	const sources = sourcesOf(out);
	const citations = summarizeCitations(out.answer, sources.length);
	return {
		...base,
		text: out.answer,
		finishReason: 'stop',
		error: null,
		sources,
		retrieved: retrievedOf(out),
		citations: { cited: [...citations.cited], invalid: [...citations.invalid] },
		tokens: { input: out.usage?.inputTokens ?? null, output: out.usage?.outputTokens ?? null, promptTokensEstimate: 0 },
		timings: { retrievalMs: 0, ttftMs: out.timings.ttftMs, tpotMs: null, totalMs: out.timings.totalMs }
	};
}

/**
 * The records of a run grouped by repeat: `byRepeat[r]` holds repeat r's records in golden-set
 * order (cases without a result in that repeat — not run — are absent).
 * @param repeats number of repeats of the run (≥ 1); results with a repeat outside 0…repeats-1 are ignored.
 */
export function recordsByRepeat(
	runId: string,
	cases: readonly GoldenCase[],
	results: readonly SystemCaseResult[],
	repeats: number,
	createdAtMs: number
): AnswerRecord[][] {
	const byId = new Map(cases.map((c, i) => [c.id, { c, i }] as const));
	const out: AnswerRecord[][] = Array.from({ length: repeats }, () => []);
	const sorted = results
		.filter((r) => byId.has(r.caseId) && r.repeat >= 0 && r.repeat < repeats)
		.sort((a, b) => byId.get(a.caseId)!.i - byId.get(b.caseId)!.i);
	for (const r of sorted) out[r.repeat]!.push(toAnswerRecord(runId, byId.get(r.caseId)!.c, r, createdAtMs));
	return out;
}
