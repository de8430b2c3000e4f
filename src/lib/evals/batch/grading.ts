import type { SchemaValidator } from '../../generation/structured.ts';
import { gradeAnswers } from '../answers/grade.ts';
import type { AnswerRecord, GradingSettings } from '../answers/types.ts';
import { batchInputLine, parseBatchOutput, toJsonl, type BatchInputLine, type BatchProblem } from './format.ts';
import { BatchCaptureModel, BatchReplayModel } from './models.ts';
import type { BatchExport } from './answers.ts';

/** What exporting or importing a grading pass's judge batch needs. */
export interface GradingBatchInput {
	readonly runId: string;
	/** The run's answers (failed ones are skipped, as online grading skips them). */
	readonly answers: readonly AnswerRecord[];
	readonly settings: GradingSettings;
	/** The judge endpoint's served model name, written into each body. */
	readonly modelName: string;
	readonly validator: SchemaValidator;
}

const ignore = async () => {};

/**
 * The Batch API input file of a grading pass: per answer (failed ones skipped) the first
 * request of each applicable rubric judge, built by the same code as online grading
 * (`gradeAnswers` → `judgeRubric`), as non-streaming chat bodies. A judge's one retry after a
 * bad reply cannot be batched: such an answer is reported at import and can be graded online.
 */
export async function exportGradingBatch(input: GradingBatchInput): Promise<BatchExport> {
	const lines: BatchInputLine[] = [];
	for (const a of input.answers) for (const r of await judgeRequests(input, a)) lines.push(batchInputLine(r.customId, r.body));
	return { lines, jsonl: toJsonl(lines), problems: [] };
}

async function judgeRequests(input: GradingBatchInput, a: AnswerRecord) {
	const model = new BatchCaptureModel({ kind: 'judge', runId: input.runId, caseId: a.caseId, modelName: input.modelName });
	await gradeAnswers({ answers: [a], settings: input.settings, model, validator: input.validator, onGraded: ignore });
	return model.captured;
}

/** What a grading import produced: graded records (whole), and the per-item report. */
export interface GradingBatchImport {
	/** Answers every judge request of which has a usable reply, graded (checks + verdicts), in answer order. */
	readonly records: readonly AnswerRecord[];
	readonly problems: readonly BatchProblem[];
	/** Answers with a judge request not in the file (left as they were). */
	readonly missing: readonly string[];
}

/**
 * Read a Batch API output file into a grading pass: an answer is graded from the file only when
 * each of its judge requests (rebuilt as at export) has a usable reply; it is then graded by
 * `gradeAnswers` with those replies, so its checks and verdicts are what online grading with the
 * same replies gives (a reply that is not a valid verdict gets the verdict error an online
 * retry would have replaced: see {@link exportGradingBatch}). An answer with a failed reply is
 * reported and left as it was; malformed lines and lines matching no request are reported.
 * Nothing is stored here: the caller stores `records` after the whole file was read.
 */
export async function importGradingBatch(input: GradingBatchInput & { readonly outputText: string }): Promise<GradingBatchImport> {
	const { replies, problems } = parseBatchOutput(input.outputText);
	const report: BatchProblem[] = [...problems];
	const records: AnswerRecord[] = [];
	const missing: string[] = [];
	const matched = new Set<string>();
	for (const a of input.answers) {
		const requests = await judgeRequests(input, a);
		if (requests.length === 0) continue;
		const got = requests.map((r) => ({ customId: r.customId, reply: replies.get(r.customId) }));
		for (const g of got) if (g.reply) matched.add(g.customId);
		if (got.some((g) => !g.reply)) {
			missing.push(a.caseId);
			continue;
		}
		const failed = got.filter((g) => g.reply && !g.reply.ok);
		if (failed.length > 0) {
			for (const f of failed)
				report.push({ line: f.reply!.line, customId: f.customId, caseId: a.caseId, message: f.reply!.ok ? '' : f.reply!.message });
			continue;
		}
		const model = new BatchReplayModel({ kind: 'judge', runId: input.runId, caseId: a.caseId, modelName: input.modelName }, replies);
		await gradeAnswers({
			answers: [a],
			settings: input.settings,
			model,
			validator: input.validator,
			onGraded: async (record) => void records.push(record)
		});
	}
	for (const [customId, reply] of replies)
		if (!matched.has(customId))
			report.push({
				line: reply.line,
				customId,
				message: 'matches no judge request of this grading (another run, or the answers or settings changed since export)'
			});
	report.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
	return { records, problems: report, missing };
}
