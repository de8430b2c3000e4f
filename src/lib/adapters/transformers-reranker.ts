import {
	AutoModelForSequenceClassification,
	AutoTokenizer,
	type PreTrainedModel,
	type PreTrainedTokenizer
} from '@huggingface/transformers';
import type { EmbeddingBackend, ModelLoadProgress } from '../embedding/index.ts';
import { sigmoid, type RerankResult, type Reranker, type RerankerSpec } from '../search/rerank/index.ts';
import { applyModelSource, checkLocalDtype, loadOnDevice, ModelLoadCache } from './transformers-runtime.ts';
import { toProgress } from './transformers-embedder.ts';

interface Loaded {
	readonly tokenizer: PreTrainedTokenizer;
	readonly model: PreTrainedModel;
	readonly backend: EmbeddingBackend;
	/** Input limit, special tokens included (see {@link pairTokenLimit}). */
	readonly maxTokens: number;
}

/** The tokenizer calls {@link fitPairs} needs (transformers.js `PreTrainedTokenizer` has them). */
export interface PairTokenizer {
	encode(text: string, options?: { text_pair?: string | null; add_special_tokens?: boolean }): number[];
	decode(ids: number[], options?: { skip_special_tokens?: boolean }): string;
}

/** One (query, passage) pair made to fit, with what was cut. */
export interface FittedPair {
	readonly query: string;
	readonly passage: string;
	readonly passageTruncated: boolean;
	readonly queryTruncated: boolean;
}

/**
 * The input limit of a cross-encoder, in tokens, special tokens included: the tokenizer's
 * `model_max_length` when it is a real number (configs use ~1e30 for "none"), else
 * `max_position_embeddings` of the model config (capped at 512), else 512.
 */
export function pairTokenLimit(modelMaxLength: number | undefined, maxPositionEmbeddings: number | undefined): number {
	if (modelMaxLength !== undefined && Number.isFinite(modelMaxLength) && modelMaxLength > 0 && modelMaxLength < 1e6)
		return Math.floor(modelMaxLength);
	if (maxPositionEmbeddings !== undefined && maxPositionEmbeddings > 0) return Math.min(512, maxPositionEmbeddings);
	return 512;
}

/**
 * Make each (query, passage) pair fit `maxTokens` by cutting the passage, never the query —
 * transformers.js's `truncation: true` cuts the joined sequence at its end (the passage's tail
 * and the closing special token, or, for a long query, the whole passage), with no
 * `only_second` strategy. Query and passage are tokenized apart; the passage keeps its first
 * `maxTokens − specials − queryTokens` tokens (specials = the pair template's extra tokens,
 * measured on the tokenizer), decoded back to text; the pair is re-encoded and, if decoding
 * shifted the count, cut further by the excess (a few rounds at most).
 * When the query leaves fewer than `min(passageTokens, ⌊maxTokens / 4⌋)` tokens for the passage,
 * the query is cut to leave that many and `queryTruncated` is set.
 */
export function fitPairs(tokenizer: PairTokenizer, query: string, passages: readonly string[], maxTokens: number): FittedPair[] {
	const bare = (text: string) => tokenizer.encode(text, { add_special_tokens: false });
	const specials = tokenizer.encode('a', { text_pair: 'b' }).length - bare('a').length - bare('b').length;
	const queryIds = bare(query);
	return passages.map((passage) => {
		const passageIds = bare(passage);
		if (queryIds.length + passageIds.length + specials <= maxTokens)
			return { query, passage, passageTruncated: false, queryTruncated: false };
		const minPassage = Math.min(passageIds.length, Math.floor(maxTokens / 4));
		let q = query;
		let queryTruncated = false;
		let budget = maxTokens - specials - queryIds.length;
		if (budget < minPassage) {
			q = tokenizer.decode(queryIds.slice(0, Math.max(0, maxTokens - specials - minPassage)), { skip_special_tokens: true });
			queryTruncated = true;
			budget = maxTokens - specials - bare(q).length;
		}
		let cut = '';
		for (let round = 0; round < 5 && budget > 0; round++) {
			cut = tokenizer.decode(passageIds.slice(0, budget), { skip_special_tokens: true });
			const excess = tokenizer.encode(q, { text_pair: cut }).length - maxTokens;
			if (excess <= 0) break;
			budget -= excess;
			cut = '';
		}
		return { query: q, passage: cut, passageTruncated: true, queryTruncated };
	});
}

/**
 * Cross-encoder reranking with transformers.js: `AutoTokenizer` + `AutoModelForSequenceClassification`
 * on (query, passage) pairs — not the `text-classification` pipeline, which ignores `text_pair`
 * and softmaxes a single logit to 1.0 (TECH-NOTES). Pairs go through the model in batches of
 * `spec.batchSize`; the score is `sigmoid(logit[0])`. Pairs longer than the model's limit are
 * cut in the passage, never in the query ({@link fitPairs}); the result counts them.
 */
export class TransformersReranker implements Reranker {
	private readonly loaded = new ModelLoadCache<Loaded>();

	constructor(private readonly onProgress?: (p: ModelLoadProgress) => void) {}

	async score(spec: RerankerSpec, query: string, passages: readonly string[]): Promise<RerankResult> {
		const { tokenizer, model, backend, maxTokens } = await this.load(spec);
		const scores: number[] = [];
		const fitted = fitPairs(tokenizer as unknown as PairTokenizer, query, passages, maxTokens);
		for (let start = 0; start < fitted.length; start += spec.batchSize) {
			const batch = fitted.slice(start, start + spec.batchSize);
			// Pairs already fit; `truncation` only guards against a tokenizer that re-encodes differently.
			const inputs = tokenizer(
				batch.map((p) => p.query),
				{ text_pair: batch.map((p) => p.passage), padding: true, truncation: true, max_length: maxTokens }
			);
			const { logits } = (await model(inputs)) as { logits: { data: ArrayLike<number>; dims: number[] } };
			const perRow = logits.dims[logits.dims.length - 1] ?? 1;
			for (let i = 0; i < batch.length; i++) scores.push(sigmoid(Number(logits.data[i * perRow])));
		}
		return {
			scores,
			backend,
			truncatedPairs: fitted.filter((p) => p.passageTruncated).length,
			queryTruncated: fitted.some((p) => p.queryTruncated),
			maxTokens
		};
	}

	/** Release every loaded model. */
	async dispose(): Promise<void> {
		await this.loaded.clear((loaded) => loaded.model.dispose());
	}

	private load(spec: RerankerSpec): Promise<Loaded> {
		const key = JSON.stringify([spec.modelId, spec.dtype, spec.device, spec.source]);
		return this.loaded.get(key, async () => {
			await checkLocalDtype(spec.source, spec.modelId, spec.dtype);
			const progress_callback = (p: Record<string, unknown>) => this.onProgress?.(toProgress(spec.modelId, p));
			const { value, backend } = await loadOnDevice(
				spec.device,
				async (device) => {
					applyModelSource(spec.source);
					const tokenizer = await AutoTokenizer.from_pretrained(spec.modelId, { progress_callback });
					const model = await AutoModelForSequenceClassification.from_pretrained(spec.modelId, {
						dtype: spec.dtype,
						device,
						progress_callback
					});
					if (device === 'webgpu') await model(tokenizer(['a'], { text_pair: ['a'], padding: true, truncation: true }));
					return { tokenizer, model };
				},
				`reranker "${spec.modelId}"`
			);
			const config = (value.model as { config?: { max_position_embeddings?: number } }).config;
			return { ...value, backend, maxTokens: pairTokenLimit(value.tokenizer.model_max_length, config?.max_position_embeddings) };
		});
	}
}
