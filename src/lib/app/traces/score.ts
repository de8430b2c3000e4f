/**
 * "Score" an imported trace with Assay's default deterministic checks (citations present and
 * valid, quotes verbatim, length): the answer is the last model output of the trace
 * (`gen_ai.output.messages`, else `output.value`), the sources its retrieved documents
 * (`gen_ai.retrieval.documents`, numbered in order). Results are shown, not stored. Judges are
 * not run on imported traces yet.
 */
import { CfworkerSchemaValidator } from '$lib/adapters/json-schema-validator.ts';
import { DEFAULT_CHECKS } from '$lib/evals/answers/grade.ts';
import { compileChecks, type CheckResult } from '$lib/evals/checks/index.ts';
import { messagesOf, retrievedDocuments } from '$lib/tracing/traces.ts';
import type { SpanRecord } from '$lib/tracing/types.ts';

/** What {@link scoreTrace} found and decided. */
export type TraceScore =
	| { readonly ok: true; readonly answer: string; readonly sources: number; readonly results: readonly CheckResult[] }
	| { readonly ok: false; readonly reason: string };

/** The answer text and retrieved sources of a trace (latest output wins), or `null` when it has no answer text. */
export function answerOfTrace(
	spans: readonly SpanRecord[]
): { answer: string; sources: { n: number; chunkId: string; text: string }[] } | null {
	const byTime = [...spans].sort((a, b) => a.endTimeMs - b.endTimeMs);
	let answer: string | null = null;
	for (const s of byTime) {
		const out = messagesOf(s.attributes, 'gen_ai.output.messages');
		if (out.length > 0) answer = out.map((m) => m.text).join('\n');
		else if (answer === null && typeof s.attributes['output.value'] === 'string') answer = s.attributes['output.value'];
	}
	if (answer === null || answer.trim() === '') return null;
	const docs = byTime.flatMap((s) => retrievedDocuments(s.attributes));
	return { answer, sources: docs.map((d, i) => ({ n: i + 1, chunkId: d.id, text: d.text ?? '' })) };
}

/** Run the default checks on the trace's answer. */
export function scoreTrace(spans: readonly SpanRecord[]): TraceScore {
	const found = answerOfTrace(spans);
	if (!found) return { ok: false, reason: 'The trace has no answer text (gen_ai.output.messages or output.value) to check.' };
	const run = compileChecks(DEFAULT_CHECKS, new CfworkerSchemaValidator());
	return { ok: true, answer: found.answer, sources: found.sources.length, results: run({ answer: found.answer, sources: found.sources }) };
}
