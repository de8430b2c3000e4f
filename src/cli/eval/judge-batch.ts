import { readFileSync } from 'node:fs';
import {
	BatchCaptureModel,
	BatchReplayModel,
	batchInputLine,
	parseBatchOutput,
	toJsonl,
	type BatchProblem,
	type BatchScope
} from '../../lib/evals/batch/index.ts';
import { AssayError } from '../../lib/shared/errors.ts';

/**
 * `assay eval --judge-batch-out / --judge-batch-in` (docs/batching.md "In CI"): the judge pass of
 * a system evaluation through the OpenAI Batch API instead of live requests. The system's
 * answers come from the response cache the second time, so both runs judge the same answers.
 *
 * `custom_id`s hash the request body (which holds the case's question, answer, context and the
 * repeat's seed) under a fixed run id, not the CLI run's timestamped id: the import run rebuilds
 * exactly the ids of the export run, and a reply to a request this run would not send (a changed
 * answer, rubric or judge model) matches nothing and is reported.
 */
export const JUDGE_BATCH_RUN_ID = 'assay-eval';

function scope(modelName: string): BatchScope {
	return { kind: 'judge', runId: JUDGE_BATCH_RUN_ID, caseId: '', modelName };
}

/** A judge that captures each first request (nothing is sent); {@link judgeBatchJsonl} writes them. */
export function judgeCaptureModel(modelName: string): BatchCaptureModel {
	return new BatchCaptureModel(scope(modelName));
}

/** The Batch API input file of what `model` captured: one line per distinct request, in capture order. */
export function judgeBatchJsonl(model: BatchCaptureModel): { jsonl: string; lines: number } {
	const seen = new Set<string>();
	const lines = model.captured.filter((c) => !seen.has(c.customId) && seen.add(c.customId)).map((c) => batchInputLine(c.customId, c.body));
	return { jsonl: toJsonl(lines), lines: lines.length };
}

/**
 * A judge answering from a Batch API output file.
 * @throws AssayError `FILE_READ` when the file cannot be read.
 */
export function judgeReplayModel(path: string, modelName: string): { model: BatchReplayModel; problems: BatchProblem[]; replies: number } {
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch (error) {
		throw new AssayError('FILE_READ', `Cannot read the judge batch output ${path}: ${(error as Error).message}`, { details: { path } });
	}
	const { replies, problems } = parseBatchOutput(text);
	return { model: new BatchReplayModel(scope(modelName), replies), problems, replies: replies.size };
}

/** What the import met, for stderr: lines no request matched and requests with no usable reply. */
export function replaySummary(model: BatchReplayModel, replies: number): { unmatchedLines: number; withoutReply: number } {
	const used = new Set(model.used.filter((u) => u.reply !== null).map((u) => u.customId));
	return { unmatchedLines: replies - used.size, withoutReply: model.used.filter((u) => u.reply === null || !u.reply.ok).length };
}
