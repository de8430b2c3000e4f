import type { Tokenizer } from '../../generation/tokenizer.ts';
import type { Tracer } from '../../tracing/types.ts';
import { noopTracer } from '../../tracing/tracer.ts';
import type { GoldenCase } from '../golden/types.ts';
import { answerCase, type RetrievedSource } from '../answers/run.ts';
import type { AnswerRecord, AnswerRunRecord } from '../answers/types.ts';
import { batchInputLine, parseBatchOutput, toJsonl, type BatchInputLine, type BatchProblem } from './format.ts';
import { BatchCaptureModel, BatchReplayModel } from './models.ts';

/** What exporting or importing an answer run's batch needs. */
export interface AnswerBatchInput {
	readonly run: AnswerRunRecord;
	/** The run's pending cases (snapshot cases without an answer), in order. */
	readonly cases: readonly GoldenCase[];
	/** The served model name written into each body (the endpoint profile's model). */
	readonly modelName: string;
	/** Retrieval with the run's configuration, as for an online run. */
	readonly retrieve: (query: string) => Promise<readonly RetrievedSource[]>;
	/** Budget tokenizer of the prompt assembly. */
	readonly tokenizer: Tokenizer;
}

/** An exported batch: the input file's lines (and its JSONL text) and cases that could not be exported. */
export interface BatchExport {
	readonly lines: readonly BatchInputLine[];
	readonly jsonl: string;
	/** Cases that fail before a request exists (retrieval error, prompt over the context window): not in the file. */
	readonly problems: readonly BatchProblem[];
}

const still = () => 0;

/**
 * The Batch API input file of an answer run's pending cases: per case, retrieval and prompt
 * assembly exactly as an online run does (`answerCase`), and the chat request it would send,
 * as `{custom_id, method: 'POST', url: '/v1/chat/completions', body}` with the non-streaming
 * body of `chatCompletionBody` (see `format.ts` for the format and the custom id).
 */
export async function exportAnswerBatch(input: AnswerBatchInput): Promise<BatchExport> {
	const lines: BatchInputLine[] = [];
	const problems: BatchProblem[] = [];
	for (const c of input.cases) {
		const model = new BatchCaptureModel({ kind: 'answer', runId: input.run.id, caseId: c.id, modelName: input.modelName });
		const record = await answerCase(
			{ model, retrieve: input.retrieve, tokenizer: input.tokenizer, tracer: noopTracer, clock: still },
			input.run.config,
			c,
			input.run.id
		);
		const request = model.captured[0];
		if (request) lines.push(batchInputLine(request.customId, request.body));
		else problems.push({ caseId: c.id, message: record.error?.message ?? 'no request was made' });
	}
	return { lines, jsonl: toJsonl(lines), problems };
}

/** Inputs of {@link importAnswerBatch}. */
export interface AnswerBatchImportInput extends AnswerBatchInput {
	/** The Batch API output file's text. */
	readonly outputText: string;
	readonly tracer: Tracer;
	/** Milliseconds clock of retrieval and total time. */
	readonly clock: () => number;
	/** Epoch milliseconds for `createdAtMs`; default `Date.now`. */
	readonly now?: () => number;
}

/** What an import produced: the records to store (all whole), and the per-item report. */
export interface AnswerBatchImport {
	/** One record per pending case whose request has a usable reply, in case order. */
	readonly records: readonly AnswerRecord[];
	/** Lines that are malformed, failed (error, non-2xx, not a completion), repeated, or that match no pending request. */
	readonly problems: readonly BatchProblem[];
	/** Pending cases whose request is not in the file (they stay pending). */
	readonly missing: readonly string[];
}

/**
 * Read a Batch API output file into an answer run: per pending case the request is rebuilt as
 * at export (retrieval + prompt assembly) and, when the file has a usable reply for its custom id,
 * the case is answered from it through `answerCase` — so the record is the one an online run
 * with the same reply makes (citations, sources, usage), except that TTFT and TPOT are `null`
 * (a batch has no stream to time). Failed replies and malformed lines are reported per item
 * and leave their case pending; nothing is stored here: the caller stores `records` once the
 * whole file was read, so a bad line never leaves a half-applied import.
 */
export async function importAnswerBatch(input: AnswerBatchImportInput): Promise<AnswerBatchImport> {
	const { replies, problems } = parseBatchOutput(input.outputText);
	const report: BatchProblem[] = [...problems];
	const records: AnswerRecord[] = [];
	const missing: string[] = [];
	const matched = new Set<string>();
	for (const c of input.cases) {
		const model = new BatchReplayModel({ kind: 'answer', runId: input.run.id, caseId: c.id, modelName: input.modelName }, replies);
		const record = await answerCase(
			{ model, retrieve: input.retrieve, tokenizer: input.tokenizer, tracer: input.tracer, clock: input.clock },
			input.run.config,
			c,
			input.run.id,
			input.now
		);
		const use = model.used[0];
		if (!use) {
			report.push({ caseId: c.id, message: record.error?.message ?? 'no request was made' });
			continue;
		}
		if (!use.reply) {
			missing.push(c.id);
			continue;
		}
		matched.add(use.customId);
		if (!use.reply.ok) {
			report.push({ line: use.reply.line, customId: use.customId, caseId: c.id, message: use.reply.message });
			continue;
		}
		records.push({ ...record, timings: { ...record.timings, ttftMs: null, tpotMs: null } });
	}
	for (const [customId, reply] of replies)
		if (!matched.has(customId))
			report.push({
				line: reply.line,
				customId,
				message: 'matches no pending request of this run (answered already, another run, or the request changed since export)'
			});
	report.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
	return { records, problems: report, missing };
}
