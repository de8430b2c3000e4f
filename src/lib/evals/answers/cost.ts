import { costFor, totalCost, type CostResult, type CostTotal, type PriceTable } from '../../cost/index.ts';
import type { AnswerRecord, ModelRef } from './types.ts';

/** Cost of one answer: its engine-reported tokens × the price of the run's model (see `costFor` for the reasons when there is none). */
export function answerCost(answer: Pick<AnswerRecord, 'tokens'>, model: ModelRef, table: PriceTable): CostResult {
	return costFor(model, { inputTokens: answer.tokens.input, outputTokens: answer.tokens.output }, table);
}

/** Cost of a run (one configuration): the exact total over its priced answers, and its whole-answer time in ms (what an in-browser model costs). */
export interface RunCost extends CostTotal {
	readonly totalMs: number;
	readonly answers: number;
}

/** Total cost and time of `answers` of a run of `model`. */
export function runCost(answers: readonly Pick<AnswerRecord, 'tokens' | 'timings'>[], model: ModelRef, table: PriceTable): RunCost {
	const total = totalCost(answers.map((a) => answerCost(a, model, table)));
	return { ...total, totalMs: answers.reduce((s, a) => s + a.timings.totalMs, 0), answers: answers.length };
}
