import { writeFileSync } from 'node:fs';
import {
	computeAblation,
	formatAblation,
	STAGE_ABLATION_SCHEMA,
	type AblationQuery,
	type StageAblationReport
} from '../lib/evals/ablation/index.ts';
import type { Qrels } from '../lib/evals/metrics/trec-format.ts';
import type { FusionConfig } from '../lib/search/fusion/score.ts';
import type { RetrievalMode } from '../lib/search/retrieval/index.ts';
import type { CliIo } from './io.ts';

/** What `assay run --ablation` knows of the run it ablates. */
export interface AblationRun {
	readonly dataset: string;
	readonly mode: RetrievalMode;
	readonly topK: number;
	readonly depth: number;
	readonly rrfK: number;
	readonly rerankPoolFactor: number;
	/** `--rerank-depth`, when given (absent = factor × topK). */
	readonly rerankDepth?: number | undefined;
	readonly fusion: FusionConfig | undefined;
	/** Model ids the run used (`null` where the mode uses none). */
	readonly embedModel: string | null;
	readonly rerankModel: string | null;
	/** The stage lists `runRetrievalMode` kept (`keepStages`). */
	readonly stages: readonly AblationQuery[];
	readonly qrels: Qrels;
	/** Report metric the paired tests compare (e.g. `ndcg@10`). */
	readonly metric: string;
}

/**
 * Compute the stage ablation of a run, write it (`assay.stage-ablation/v1`, pretty JSON) to
 * `path` (`-` = stdout) and print it as text ({@link formatAblation}) on stderr, each line
 * prefixed `assay run: `.
 * @throws AssayError `CONFIG_INVALID` for a metric the evaluation does not produce.
 */
export function writeAblation(run: AblationRun, path: string, io: CliIo): StageAblationReport {
	const ablation = computeAblation(run.stages, run.qrels, { topK: run.topK, metric: run.metric });
	const report: StageAblationReport = {
		schema: STAGE_ABLATION_SCHEMA,
		dataset: run.dataset,
		mode: run.mode,
		config: {
			topK: run.topK,
			depth: run.depth,
			rrfK: run.rrfK,
			rerankPoolFactor: run.rerankPoolFactor,
			...(run.rerankDepth !== undefined ? { rerankDepth: run.rerankDepth } : {}),
			...(run.fusion ? { fusion: run.fusion } : {})
		},
		models: { embedding: run.embedModel, reranker: run.rerankModel },
		ablation
	};
	const text = `${JSON.stringify(report, null, 2)}\n`;
	if (path === '-') io.stdout(text);
	else writeFileSync(path, text);
	io.stderr(
		formatAblation(ablation)
			.trimEnd()
			.split('\n')
			.map((l) => `assay run: ${l}\n`)
			.join('')
	);
	return report;
}
