/**
 * Cache-quality evaluation (docs/caching.md): replay a golden set of question pairs with the
 * semantic answer cache on and off, and report the paired score difference (on − off, per
 * question; `comparePaired` of src/lib/evals/stats/paired.ts) and the wrong-hit rate.
 *
 * A **wrong hit** is a cache hit whose served entry was stored for a question whose reference
 * answer differs from the asking question's (references compared after `normalizeQuestion`).
 * `wrongHitRate` = wrong hits / hits (0 with no hit); `wrongHitShare` = wrong hits / questions.
 * All questions share one scope (same model, prompt and sources), so only the question decides a
 * hit — as when both questions of a pair retrieve the same chunks.
 */
import { z } from '../shared/zod.ts';
import { AssayError } from '../shared/errors.ts';
import { comparePaired, type PairedComparison, type PairedOptions } from '../evals/stats/paired.ts';
import { summarizeCitations, type ChatModel } from '../generation/index.ts';
import {
	AnswerCache,
	MemoryAnswerCacheStore,
	normalizeQuestion,
	type AnswerCacheMode,
	type AnswerCacheRequest,
	type QuestionEmbedder
} from './answer-cache.ts';

const QuestionSchema = z.object({ question: z.string().min(1), reference: z.string().min(1) });
/** One line of a pairs file: two questions of one topic, each with its reference answer. */
export const CachePairSchema = z.object({
	id: z.string().min(1),
	/** `negation`, `swap` (swapped entities), `paraphrase` (same meaning) or any other label. */
	kind: z.string().min(1),
	first: QuestionSchema,
	second: QuestionSchema
});
/** A question pair of the cache-quality golden set. */
export type CachePair = z.infer<typeof CachePairSchema>;

/**
 * Parse a pairs JSONL file (one {@link CachePair} per non-blank line).
 * @throws AssayError `DATASET_INVALID` naming the line of the first bad record, or for an empty file.
 */
export function parseCachePairs(jsonl: string): CachePair[] {
	const pairs: CachePair[] = [];
	const lines = jsonl.split(/\r?\n/);
	for (let i = 0; i < lines.length; i++) {
		const line = lines[i]!.trim();
		if (line === '') continue;
		let value: unknown;
		try {
			value = JSON.parse(line);
		} catch {
			throw new AssayError('DATASET_INVALID', `Line ${i + 1} of the pairs file is not JSON.`);
		}
		const parsed = CachePairSchema.safeParse(value);
		if (!parsed.success)
			throw new AssayError('DATASET_INVALID', `Line ${i + 1} of the pairs file: ${parsed.error.issues[0]?.message ?? 'invalid'}.`);
		pairs.push(parsed.data);
	}
	if (pairs.length === 0) throw new AssayError('DATASET_INVALID', 'The pairs file holds no pair.');
	return pairs;
}

/** What the system under test answered, with its token usage. */
export interface ReplayAnswer {
	readonly text: string;
	readonly usage: { readonly inputTokens: number; readonly outputTokens: number };
}

/**
 * The replay system of `assay cache-eval` and the Ask page's cache check: the question alone as
 * one user message to `model` (temperature 0, at most `maxTokens`), its text and usage.
 * @throws AssayError the model's error.
 */
export function replayWithModel(model: ChatModel, maxTokens: number): (question: string) => Promise<ReplayAnswer> {
	return async (question) => {
		let text = '';
		let usage = { inputTokens: 0, outputTokens: 0 };
		for await (const e of model.stream({ messages: [{ role: 'user', content: question }], maxTokens, temperature: 0 })) {
			if (e.type === 'token') text += e.text;
			else if (e.type === 'usage') usage = { inputTokens: e.usage.inputTokens, outputTokens: e.usage.outputTokens };
			else if (e.type === 'error') throw new AssayError(e.error.code, e.error.message);
		}
		return { text, usage };
	};
}

/**
 * The summary lines of a report, as `assay cache-eval` prints them (and the Ask page shows):
 * hits and wrong hits, wrong-hit rates and by kind, scores and the paired difference, tokens saved.
 */
export function cacheQualitySummary(report: CacheQualityReport): string[] {
	const p = report.paired;
	return [
		`${report.mode} cache at threshold ${report.similarityThreshold}: ${report.hits} hits of ${report.questions} questions, ${report.wrongHits} wrong`,
		`wrong-hit rate ${report.wrongHitRate.toFixed(4)} (of hits), ${report.wrongHitShare.toFixed(4)} (of questions); by kind ${JSON.stringify(report.wrongHitsByKind)}`,
		`score off ${report.meanScoreOff.toFixed(4)}, on ${report.meanScoreOn.toFixed(4)}; paired difference ${p.meanDifference.toFixed(4)} [${p.ciLow.toFixed(4)}, ${p.ciHigh.toFixed(4)}], p = ${p.pValue.toPrecision(4)}`,
		`tokens saved ${report.tokensSaved}`
	];
}

/** Inputs of {@link evaluateCacheQuality}. */
export interface CacheQualityInput {
	readonly pairs: readonly CachePair[];
	/** The system answering a question (called on every miss, and for every question with the cache off). */
	readonly answer: (question: string) => Promise<ReplayAnswer>;
	readonly embed: QuestionEmbedder;
	/** Cosine threshold of the semantic cache, [0, 1]. */
	readonly similarityThreshold: number;
	/** `semantic` (default) or `exact` (the control: only normalised-equal questions hit). */
	readonly mode?: Exclude<AnswerCacheMode, 'off'>;
	/** Score of an answer against a reference in [0, 1]; default 1 when both normalise equal (`normalizeQuestion`), else 0. */
	readonly score?: (answer: string, reference: string) => number;
	/** Model ref recorded in the cache scope; default `{provider: 'replay', modelId: 'system'}`. */
	readonly model?: { readonly provider: string; readonly modelId: string };
	readonly paired?: PairedOptions;
}

/** One replayed question. `servedFor`: the question whose entry was served (null on a miss). */
export interface CacheQualityRow {
	readonly pairId: string;
	readonly kind: string;
	readonly question: string;
	readonly reference: string;
	readonly scoreOff: number;
	readonly scoreOn: number;
	readonly hit: 'exact' | 'semantic' | null;
	readonly similarity: number | null;
	readonly servedFor: string | null;
	readonly wrongHit: boolean;
}

/** Result of {@link evaluateCacheQuality} (`assay.cache-quality/v1`). */
export interface CacheQualityReport {
	readonly schema: 'assay.cache-quality/v1';
	readonly mode: Exclude<AnswerCacheMode, 'off'>;
	readonly similarityThreshold: number;
	readonly questions: number;
	readonly hits: number;
	readonly semanticHits: number;
	readonly wrongHits: number;
	/** wrong hits / hits (0 with no hit). */
	readonly wrongHitRate: number;
	/** wrong hits / questions. */
	readonly wrongHitShare: number;
	/** Input + output tokens of served entries. */
	readonly tokensSaved: number;
	readonly meanScoreOff: number;
	readonly meanScoreOn: number;
	/** `b − a` with a = cache off, b = cache on, per question in replay order. */
	readonly paired: PairedComparison;
	/** Wrong hits by pair kind. */
	readonly wrongHitsByKind: Readonly<Record<string, number>>;
	readonly rows: readonly CacheQualityRow[];
}

const exactScore = (answer: string, reference: string) => (normalizeQuestion(answer) === normalizeQuestion(reference) ? 1 : 0);

/**
 * Replay every pair (first question, then second; pairs in file order) through the system with
 * the cache off, then again through a fresh cache in `mode`, and compare.
 * @throws AssayError `DATASET_INVALID` for no pair; `CONFIG_INVALID` for a bad threshold.
 */
export async function evaluateCacheQuality(input: CacheQualityInput): Promise<CacheQualityReport> {
	if (input.pairs.length === 0) throw new AssayError('DATASET_INVALID', 'The cache-quality evaluation needs at least one pair.');
	const mode = input.mode ?? 'semantic';
	const score = input.score ?? exactScore;
	const items = input.pairs.flatMap((p) => [
		{ pair: p, ...p.first },
		{ pair: p, ...p.second }
	]);
	const off: number[] = [];
	for (const item of items) off.push(score((await input.answer(item.question)).text, item.reference));

	const cache = new AnswerCache({
		store: new MemoryAnswerCacheStore(),
		settings: { mode, similarityThreshold: input.similarityThreshold },
		embed: input.embed,
		now: () => 0
	});
	const scope = { workspaceId: 'cache-quality', corpusHash: 'replay' };
	const referenceOf = new Map<string, string>();
	const rows: CacheQualityRow[] = [];
	for (const [i, item] of items.entries()) {
		const request: AnswerCacheRequest = {
			model: input.model ?? { provider: 'replay', modelId: 'system' },
			params: { maxTokens: 0, contextWindowTokens: 0 },
			prompt: { spec: { version: 1 }, fewShot: [] },
			sources: [],
			question: item.question
		};
		const lookup = await cache.lookup(scope, request);
		let text: string;
		let wrongHit = false;
		if (lookup.hit) {
			text = lookup.hit.entry.answer.text;
			const servedReference = referenceOf.get(lookup.hit.entry.question) ?? '';
			wrongHit = normalizeQuestion(servedReference) !== normalizeQuestion(item.reference);
		} else {
			const got = await input.answer(item.question);
			text = got.text;
			referenceOf.set(item.question, item.reference);
			await cache.store(scope, request, lookup, {
				text,
				citations: summarizeCitations(text, 0),
				finishReason: 'stop',
				usage: { ...got.usage, estimated: false },
				sources: []
			});
		}
		rows.push({
			pairId: item.pair.id,
			kind: item.pair.kind,
			question: item.question,
			reference: item.reference,
			scoreOff: off[i]!,
			scoreOn: score(text, item.reference),
			hit: lookup.hit?.kind ?? null,
			similarity: lookup.hit?.similarity ?? null,
			servedFor: lookup.hit?.entry.question ?? null,
			wrongHit
		});
	}
	const stats = cache.stats();
	const wrongHits = rows.filter((r) => r.wrongHit).length;
	const wrongHitsByKind: Record<string, number> = {};
	for (const r of rows) if (r.wrongHit) wrongHitsByKind[r.kind] = (wrongHitsByKind[r.kind] ?? 0) + 1;
	const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
	return {
		schema: 'assay.cache-quality/v1',
		mode,
		similarityThreshold: cache.settings.similarityThreshold,
		questions: rows.length,
		hits: stats.hits,
		semanticHits: stats.semanticHits,
		wrongHits,
		wrongHitRate: stats.hits === 0 ? 0 : wrongHits / stats.hits,
		wrongHitShare: wrongHits / rows.length,
		tokensSaved: stats.tokensSaved,
		meanScoreOff: mean(rows.map((r) => r.scoreOff)),
		meanScoreOn: mean(rows.map((r) => r.scoreOn)),
		paired: comparePaired(
			rows.map((r) => r.scoreOff),
			rows.map((r) => r.scoreOn),
			input.paired
		),
		wrongHitsByKind,
		rows
	};
}
