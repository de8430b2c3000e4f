import type { AnswerRecord } from '$lib/evals/answers/types.ts';
import { compareAnswerRuns } from '$lib/evals/answers/pairwise.ts';
import type { PairwiseReportSection } from '$lib/evals/answers/report.ts';
import { preferencePairsFromRuns, sftExamples } from '$lib/evals/answers/finetune.ts';
import { toDpoJsonl, toSftJsonl } from '$lib/evals/export/trl.ts';
import { download } from './eval-files.ts';
import { chatModelFor, modelRefOf } from './answer-engine.ts';
import type { AnswerLabPort } from './answer-lab-port.ts';

/**
 * Pairwise comparison of the open answer run against another run of the same golden set (the
 * judge asked in both orders) and the fine-tuning hand-off built from it and from human labels:
 * TRL SFT (chat JSONL) and DPO (prompt, chosen, rejected) files.
 */
export class PairwiseDesk {
	otherRunId = $state<string | null>(null);
	/** The last comparison: `firstRunId` is the run that was open when it was asked for. */
	result = $state<
		| (Awaited<ReturnType<typeof compareAnswerRuns>> & {
				firstRunId: string;
				otherRunId: string;
				otherLabel: string;
				otherAnswers: AnswerRecord[];
		  })
		| null
	>(null);

	constructor(private readonly lab: AnswerLabPort) {}

	/** Forget the last comparison (another run was opened). */
	reset(): void {
		this.result = null;
	}

	/** Compare the open run (first) with `otherRunId` (second), each pair in both orders; Cancel stops between pairs. */
	async compare(): Promise<void> {
		const lab = this.lab;
		const run = lab.run;
		const otherId = this.otherRunId;
		if (!run || !otherId || lab.progress) return;
		await lab.guard(async () => {
			const other = await lab.api.answerRunState(otherId);
			const judge = chatModelFor(lab.judgeKind, $state.snapshot(lab.judgeEndpoint), lab.llm.loaded);
			const first = $state.snapshot(lab.answers) as AnswerRecord[];
			await lab.job(run.id, 'comparing', Math.min(first.length, other.answers.length), async (signal) => {
				const compared = await compareAnswerRuns(
					first,
					other.answers,
					{ model: judge, temperature: lab.judgeTemperature, seed: lab.judgeSeed, maxTokens: 512 },
					lab.validator,
					signal,
					(done, total) => (lab.progress = { kind: 'comparing', done, total })
				);
				if (compared.cancelled) return void (lab.notice = `Comparison stopped after ${compared.outcomes.length} pairs; nothing kept.`);
				this.result = {
					...compared,
					firstRunId: run.id,
					otherRunId: otherId,
					otherLabel: other.run.config.label,
					otherAnswers: other.answers
				};
				lab.notice = `Compared ${compared.summary.pairs} pairs with ${modelRefOf(judge, lab.judgeKind, lab.judgeEndpoint).modelId}.`;
			});
		});
	}

	/** The comparison of the open run, if one was made for it (never another run's). */
	private current(): NonNullable<typeof this.result> | null {
		return this.result && this.result.firstRunId === this.lab.runId ? this.result : null;
	}

	/** The report's `pairwise` section, when a comparison was made for the open run. */
	section(): PairwiseReportSection | null {
		const r = this.current();
		if (!r) return null;
		return $state.snapshot({
			otherRunId: r.otherRunId,
			otherLabel: r.otherLabel,
			summary: r.summary,
			outcomes: r.outcomes,
			lengthBias: r.lengthBias
		}) as PairwiseReportSection;
	}

	/** Download TRL SFT JSONL: answers a person passed (or scored ≥ the pass threshold). */
	exportSft(): number {
		const examples = sftExamples($state.snapshot(this.lab.answers) as AnswerRecord[], this.lab.passThreshold);
		if (examples.length > 0) download('assay-sft.jsonl', toSftJsonl(examples), 'application/jsonl');
		this.lab.notice =
			examples.length > 0 ? `Exported ${examples.length} SFT examples.` : 'No answer passed human review yet: nothing to export for SFT.';
		return examples.length;
	}

	/**
	 * Download TRL DPO JSONL: pairs from the pairwise comparison (agreed in both orders) and from
	 * human labels of both runs' answers to the same case (people decide where both are labelled).
	 * Without a comparison, the run chosen under "Compare with" still gives the human pairs.
	 */
	async exportDpo(): Promise<number> {
		const lab = this.lab;
		const r = this.current();
		let pairs: ReturnType<typeof preferencePairsFromRuns> = [];
		await lab.guard(async () => {
			const otherId = r?.otherRunId ?? this.otherRunId;
			const other = r ? r.otherAnswers : otherId ? (await lab.api.answerRunState(otherId)).answers : [];
			pairs = preferencePairsFromRuns($state.snapshot(lab.answers) as AnswerRecord[], other, r?.outcomes ?? []);
			if (pairs.length > 0) download('assay-dpo.jsonl', toDpoJsonl(pairs), 'application/jsonl');
			lab.notice =
				pairs.length > 0
					? `Exported ${pairs.length} preference pairs.`
					: 'No preference pair yet: compare two runs (pairs that agree in both orders) or label both runs’ answers to the same cases by hand.';
		});
		return pairs.length;
	}
}
