import type { GoldenSetRecord } from '$lib/evals/golden/types.ts';
import type { EvalReport } from '$lib/evals/report/types.ts';
import type { AnswerRecord, AnswerRunRecord } from '$lib/evals/answers/types.ts';
import type { ChatModel } from '$lib/generation/index.ts';
import type { SchemaValidator } from '$lib/generation/structured.ts';
import type { LibraryApi } from '$lib/services/library-api.ts';
import type { EvalApi } from '$lib/services/eval-api.ts';
import type { AnswerApi } from '$lib/services/answer-api.ts';
import type { Remote } from '$lib/rpc/index.ts';
import type { EndpointSettings } from './ask-endpoint.ts';
import type { EngineKind } from './answer-engine.ts';
import type { PairwiseReportSection } from '$lib/evals/answers/report.ts';

/** Progress of the lab's running job (answering, evaluating a system, grading, comparing). */
export interface LabProgress {
	readonly kind: 'answering' | 'evaluating' | 'grading' | 'comparing';
	readonly done: number;
	readonly total: number;
}

/**
 * What the answer lab's desks (pairwise comparison, outputs, "Evaluate a system") use of the lab.
 * They depend on this port, not on `AnswerLab`, so the lab imports them and nothing imports the
 * lab back (no import cycle).
 */
export interface AnswerLabPort {
	readonly api: Remote<LibraryApi & EvalApi & AnswerApi>;
	readonly workspaceId: string | null;
	readonly llm: { readonly loaded: ChatModel | null };
	readonly judgeKind: EngineKind;
	readonly judgeEndpoint: EndpointSettings;
	readonly validator: SchemaValidator;
	readonly run: AnswerRunRecord | null;
	readonly pairwise: { section(): PairwiseReportSection | null };
	goldenSets: GoldenSetRecord[];
	goldenSetId: string | null;
	runs: AnswerRunRecord[];
	runId: string | null;
	answers: AnswerRecord[];
	reports: EvalReport[];
	progress: LabProgress | null;
	error: string | null;
	notice: string | null;
	passThreshold: number;
	judgeTemperature: number;
	judgeSeed: number;
	guard(fn: () => Promise<void>): Promise<void>;
	job(runId: string, kind: LabProgress['kind'], total: number, fn: (signal: AbortSignal) => Promise<void>): Promise<void>;
	openRun(runId: string | null): Promise<void>;
	setStatus(runId: string, status: AnswerRunRecord['status']): Promise<void>;
}
