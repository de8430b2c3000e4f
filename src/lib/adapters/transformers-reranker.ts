import { AutoModelForSequenceClassification, AutoTokenizer, type PreTrainedModel, type PreTrainedTokenizer } from '@huggingface/transformers';
import type { EmbeddingBackend, ModelLoadProgress } from '../embedding/index.ts';
import { sigmoid, type RerankResult, type Reranker, type RerankerSpec } from '../search/rerank/index.ts';
import { applyModelSource, loadOnDevice, ModelLoadCache } from './transformers-runtime.ts';
import { toProgress } from './transformers-embedder.ts';

interface Loaded {
	readonly tokenizer: PreTrainedTokenizer;
	readonly model: PreTrainedModel;
	readonly backend: EmbeddingBackend;
}

/**
 * Cross-encoder reranking with transformers.js: `AutoTokenizer` + `AutoModelForSequenceClassification`
 * on (query, passage) pairs — not the `text-classification` pipeline, which ignores `text_pair`
 * and softmaxes a single logit to 1.0 (TECH-NOTES). Pairs go through the model in batches of
 * `spec.batchSize`; the score is `sigmoid(logit[0])`.
 */
export class TransformersReranker implements Reranker {
	private readonly loaded = new ModelLoadCache<Loaded>();

	constructor(private readonly onProgress?: (p: ModelLoadProgress) => void) {}

	async score(spec: RerankerSpec, query: string, passages: readonly string[]): Promise<RerankResult> {
		const { tokenizer, model, backend } = await this.load(spec);
		const scores: number[] = [];
		for (let start = 0; start < passages.length; start += spec.batchSize) {
			const batch = passages.slice(start, start + spec.batchSize);
			const inputs = tokenizer(new Array<string>(batch.length).fill(query), { text_pair: [...batch], padding: true, truncation: true });
			const { logits } = (await model(inputs)) as { logits: { data: ArrayLike<number>; dims: number[] } };
			const perRow = logits.dims[logits.dims.length - 1] ?? 1;
			for (let i = 0; i < batch.length; i++) scores.push(sigmoid(Number(logits.data[i * perRow])));
		}
		return { scores, backend };
	}

	/** Release every loaded model. */
	async dispose(): Promise<void> {
		await this.loaded.clear((loaded) => loaded.model.dispose());
	}

	private load(spec: RerankerSpec): Promise<Loaded> {
		const key = JSON.stringify([spec.modelId, spec.dtype, spec.device, spec.source]);
		return this.loaded.get(key, async () => {
			const progress_callback = (p: Record<string, unknown>) => this.onProgress?.(toProgress(spec.modelId, p));
			const { value, backend } = await loadOnDevice(
				spec.device,
				async (device) => {
					applyModelSource(spec.source);
					const tokenizer = await AutoTokenizer.from_pretrained(spec.modelId, { progress_callback });
					const model = await AutoModelForSequenceClassification.from_pretrained(spec.modelId, { dtype: spec.dtype, device, progress_callback });
					if (device === 'webgpu') await model(tokenizer(['a'], { text_pair: ['a'], padding: true, truncation: true }));
					return { tokenizer, model };
				},
				`reranker "${spec.modelId}"`
			);
			return { ...value, backend };
		});
	}
}
