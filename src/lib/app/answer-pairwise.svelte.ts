import type { AnswerRecord } from '$lib/evals/answers/types.ts';
import { compareAnswerRuns } from '$lib/evals/answers/pairwise.ts';
import type { PairwiseReportSection } from '$lib/evals/answers/report.ts';
import { preferencePairsFromRuns, sftExamples } from '$lib/evals/answers/finetune.ts';
import { toDpoJsonl, toSftJsonl } from '$lib/evals/export/trl.ts';
import { download } from './eval-files.ts';
import { chatModelFor, modelRefOf } from './answer-engine.ts';
import type { AnswerLab } from './answer-lab.svelte.ts';

/**
 * Pairwise comparison of the open answer run against another run of the same golden set (the
 * judge asked in both orders) and the fine-tuning hand-off built from it and from human labels:
 * TRL SFT (chat JSONL) and DPO (prompt, chosen, rejected) files.
 */
export class PairwiseDesk {
	otherRunId = $state<string | null>(null);
	result = $state<(Awaited<ReturnType<typeof compareAnswerRuns>> & { otherRunId: string; otherLabel: string; otherAnswers: AnswerRecord[] }) | null>(null);

	constructor(private readonly lab: AnswerLab) {}

	reset(): void {
		this.result = null;
	}

	/** Compare the open run (first) with `otherRunId` (second), each pair in both orders. */
	async compare(): Promise<void> {
		const lab = this.lab;
		const run = lab.run;
		const otherId = this.otherRunId;
		if (!run || !otherId || lab.progress) return;
		await lab.guard(async () => {
			const other = await lab.api.answerRunState(otherId);
			const judge = chatModelFor(lab.judgeKind, $state.snapshot(lab.judgeEndpoint), lab.llm.loaded);
			const abort = new AbortController();
			lab.progress = { kind: 'grading', done: 0, total: Math.min(lab.answers.length, other.answers.length) };
			try {
				const compared = await compareAnswerRuns($state.snapshot(lab.answers) as AnswerRecord[], other.answers, { model: judge, temperature: lab.judgeTemperature, seed: lab.judgeSeed, maxTokens: 512 }, lab.validator, abort.signal);
				this.result = { ...compared, otherRunId: otherId, otherLabel: other.run.config.label, otherAnswers: other.answers };
				lab.notice = `Compared ${compared.summary.pairs} pairs with ${modelRefOf(judge, lab.judgeKind, lab.judgeEndpoint).modelId}.`;
			} finally {
				lab.progress = null;
			}
		});
	}

	/** The report's `pairwise` section, when a comparison was made. */
	section(): PairwiseReportSection | null {
		const r = this.result;
		if (!r) return null;
		return $state.snapshot({ otherRunId: r.otherRunId, otherLabel: r.otherLabel, summary: r.summary, outcomes: r.outcomes, lengthBias: r.lengthBias }) as PairwiseReportSection;
	}

	/** Download TRL SFT JSONL: answers a person passed (or scored ≥ the pass threshold). */
	exportSft(): number {
		const examples = sftExamples($state.snapshot(this.lab.answers) as AnswerRecord[], this.lab.passThreshold);
		if (examples.length > 0) download('assay-sft.jsonl', toSftJsonl(examples), 'application/jsonl');
		this.lab.notice = examples.length > 0 ? `Exported ${examples.length} SFT examples.` : 'No answer passed human review yet: nothing to export for SFT.';
		return examples.length;
	}

	/** Download TRL DPO JSONL from the pairwise comparison and from human scores of both runs. */
	exportDpo(): number {
		const r = this.result;
		const pairs = r ? preferencePairsFromRuns($state.snapshot(this.lab.answers) as AnswerRecord[], r.otherAnswers, r.outcomes) : [];
		if (pairs.length > 0) download('assay-dpo.jsonl', toDpoJsonl(pairs), 'application/jsonl');
		this.lab.notice = pairs.length > 0 ? `Exported ${pairs.length} preference pairs.` : 'No preference pair yet: compare two runs (pairs that agree in both orders) or score both runs by hand.';
		return pairs.length;
	}
}
