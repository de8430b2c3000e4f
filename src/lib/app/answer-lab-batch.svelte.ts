import { AssayError } from '$lib/shared/errors.ts';
import type { AnswerRecord, AnswerRunRecord, GradingSettings } from '$lib/evals/answers/types.ts';
import type { RetrievedSource } from '$lib/evals/answers/run.ts';
import type { SchemaValidator } from '$lib/generation/structured.ts';
import type { ChatModel } from '$lib/generation/types.ts';
import type { SpanEvent } from '$lib/tracing/types.ts';
import { gradeEvents } from '$lib/evals/answers/evaluations.ts';
import { exportAnswerBatch, exportGradingBatch, importAnswerBatch, importGradingBatch, type BatchProblem } from '$lib/evals/batch/index.ts';
import { BasicTracer, InMemorySpanSink } from '$lib/tracing/index.ts';
import { EstimateTokenizer } from '$lib/generation/index.ts';
import { download } from './eval-files.ts';
import { recordTrace } from './traces/prefs.ts';
import { chatModelFor } from './answer-engine.ts';
import type { AnswerLabPort } from './answer-lab-port.ts';
import type { EngineKind } from './answer-engine.ts';
import type { EndpointSettings } from './ask-endpoint.ts';

/** What the batch desk uses of the answer lab (besides its port). */
export interface BatchLab extends AnswerLabPort {
	readonly judgeKind: EngineKind;
	readonly judgeEndpoint: EndpointSettings;
	retrieve(run: AnswerRunRecord, query: string): Promise<RetrievedSource[]>;
	ensureModels(): Promise<void>;
	gradingSettings(judge: ChatModel): GradingSettings;
	scoreOnTrace(record: AnswerRecord, events: readonly SpanEvent[]): Promise<boolean>;
	readonly validator: SchemaValidator;
}

/** The last import's per-item report: what was applied, and each problem (line, case, why). */
export interface BatchImportReport {
	readonly kind: 'answers' | 'grading';
	readonly applied: number;
	readonly missing: readonly string[];
	readonly problems: readonly BatchProblem[];
}

/**
 * OpenAI Batch API round trip for the open run (see `evals/batch`): "Export batch JSONL" writes
 * the run's pending answer requests (or, for grading, the judge requests of its answers) as the
 * Batch input file; "Import batch results" reads the Batch output file, stores every answer (or
 * graded answer) whose replies are usable — only after the whole file was read — and lists the
 * rest per item. Bodies name the run's model (answers) or the judge profile's model (grading).
 */
export class BatchDesk {
	report = $state<BatchImportReport | null>(null);

	constructor(private readonly lab: BatchLab) {}

	private openRun(): AnswerRunRecord {
		const run = this.lab.run;
		if (!run) throw new AssayError('NOT_FOUND', 'Open an answer run first.');
		if (run.config.system)
			throw new AssayError('CONFIG_INVALID', 'A system run is answered by its system, not by a chat endpoint: it cannot be batched.');
		return run;
	}

	private async answerBase(run: AnswerRunRecord) {
		if (run.config.mode !== 'lexical') await this.lab.ensureModels();
		const state = await this.lab.api.answerRunState(run.id);
		return {
			run: state.run,
			cases: state.pending,
			modelName: run.config.model.modelId,
			retrieve: (q: string) => this.lab.retrieve(state.run, q),
			tokenizer: new EstimateTokenizer()
		};
	}

	/** Download the Batch input file of the open run's pending cases (`<label>.batch-answers.jsonl`). */
	async exportAnswers(): Promise<void> {
		await this.lab.guard(async () => {
			const run = this.openRun();
			const base = await this.answerBase(run);
			if (base.cases.length === 0) return void (this.lab.notice = 'Every case of this run has an answer: nothing to batch.');
			const out = await exportAnswerBatch(base);
			download(`${fileStem(run)}.batch-answers.jsonl`, out.jsonl, 'application/jsonl');
			this.lab.notice = `Exported ${out.lines.length} request${out.lines.length === 1 ? '' : 's'} for the Batch API (model “${base.modelName}”).${out.problems.length > 0 ? ` ${out.problems.length} case(s) could not be exported: ${out.problems.map((p) => `${p.caseId}: ${p.message}`).join('; ')}` : ''}`;
		});
	}

	/** Read a Batch output file into the open run: answers stored for every usable reply, the rest reported. */
	async importAnswers(file: File | null): Promise<void> {
		if (!file) return;
		await this.lab.guard(async () => {
			const run = this.openRun();
			const text = await file.text();
			const sink = new InMemorySpanSink();
			await this.lab.job(run.id, 'answering', run.caseIds.length, async () => {
				const base = await this.answerBase(run);
				const result = await importAnswerBatch({
					...base,
					outputText: text,
					tracer: new BasicTracer([sink]),
					clock: () => performance.now()
				});
				for (const record of result.records) await this.lab.api.saveAnswer(record);
				if (result.records.length > 0 && (await this.lab.api.answerRunState(run.id)).pending.length === 0)
					await this.lab.setStatus(run.id, 'complete');
				this.report = { kind: 'answers', applied: result.records.length, missing: result.missing, problems: result.problems };
				this.lab.notice = `Imported ${result.records.length} answer${result.records.length === 1 ? '' : 's'} from the batch.${result.problems.length > 0 ? ` ${result.problems.length} line(s) not applied (listed below).` : ''}`;
			});
			await recordTrace(this.lab.api, sink.spans, run.workspaceId);
			await this.lab.openRun(run.id);
		});
	}

	private gradingBase(run: AnswerRunRecord) {
		const judge = chatModelFor(this.lab.judgeKind, $state.snapshot(this.lab.judgeEndpoint), this.lab.llm.loaded);
		const settings = this.lab.gradingSettings(judge);
		const answers = $state.snapshot(this.lab.answers) as AnswerRecord[];
		return { runId: run.id, answers, settings, modelName: settings.judge.modelId, validator: this.lab.validator };
	}

	/** Download the Batch input file of the judge requests grading the open run's answers would send. */
	async exportGrading(): Promise<void> {
		await this.lab.guard(async () => {
			const run = this.openRun();
			const out = await exportGradingBatch(this.gradingBase(run));
			download(`${fileStem(run)}.batch-judge.jsonl`, out.jsonl, 'application/jsonl');
			this.lab.notice = `Exported ${out.lines.length} judge request${out.lines.length === 1 ? '' : 's'} for the Batch API.`;
		});
	}

	/** Read a Batch output file of judge replies: answers whose every judge request has a usable reply are graded and stored. */
	async importGrading(file: File | null): Promise<void> {
		if (!file) return;
		await this.lab.guard(async () => {
			const run = this.openRun();
			const text = await file.text();
			const base = this.gradingBase(run);
			await this.lab.job(run.id, 'grading', base.answers.length, async () => {
				const result = await importGradingBatch({ ...base, outputText: text });
				for (const record of result.records) await this.lab.api.saveAnswer(record);
				if (result.records.length > 0) await this.lab.api.updateAnswerRun(run.id, { grading: base.settings });
				for (const record of result.records)
					await this.lab.scoreOnTrace(record, gradeEvents(record, base.settings.passThreshold, Date.now()));
				this.report = { kind: 'grading', applied: result.records.length, missing: result.missing, problems: result.problems };
				this.lab.notice = `Graded ${result.records.length} answer${result.records.length === 1 ? '' : 's'} from the batch.${result.problems.length > 0 ? ` ${result.problems.length} line(s) not applied (listed below).` : ''}`;
			});
			this.lab.runs = await this.lab.api.listAnswerRuns(run.workspaceId);
			await this.lab.openRun(run.id);
		});
	}
}

/** A file name stem from the run's label (letters, digits, `-` and `_`; at most 60 characters). */
function fileStem(run: AnswerRunRecord): string {
	return (
		run.config.label
			.replace(/[^\p{L}\p{N}_-]+/gu, '-')
			.replace(/^-+|-+$/g, '')
			.slice(0, 60) || 'answer-run'
	);
}
