import type { ModelDtype } from '../../embedding/types.ts';

/**
 * Browser-sized cross-encoder presets: transformers.js ONNX ports on the Hugging Face hub, with
 * what a user needs to choose one — licence, size, the score its authors published — and where
 * each number was read. A number nobody could verify is `null` and shown as "not published";
 * nothing here is estimated from memory. All sources were read on {@link PRESETS_READ_ON}.
 */

/** ISO date (UTC) on which every source URL below was read. */
export const PRESETS_READ_ON = '2026-12-04';

/** A number with the page it was read from. */
export interface Sourced<T> {
	readonly value: T;
	/** URL of the page the value was read from (the model card or a mirror of it). */
	readonly source: string;
}

/** One score the model's authors published (model card or their docs). */
export interface PublishedScore {
	/** Metric as published, e.g. `MRR@10`, `NDCG@10`, `MAP`. */
	readonly metric: string;
	/** Benchmark and split, e.g. `MS MARCO passage dev`. */
	readonly benchmark: string;
	/** The value on the published scale: percentage points, 0–100. */
	readonly value: number;
	/** Where it was read. */
	readonly source: string;
}

/** One cross-encoder preset (one logit per query–passage pair; the sigmoid gives the score). */
export interface RerankerPreset {
	/** Hub repository id of the transformers.js ONNX port. */
	readonly id: string;
	readonly label: string;
	/** dtype the app loads by default. */
	readonly defaultDtype: ModelDtype;
	/** Languages, or `multilingual (N)`. */
	readonly languages: string;
	/** SPDX licence id; `null` when no source read states it. */
	readonly licence: Sourced<string> | null;
	/** Parameters, millions; `null` = not published in the sources read. */
	readonly parametersM: Sourced<number> | null;
	/**
	 * Download of the `defaultDtype` ONNX weights, MB (10⁶ bytes), rounded — the registry's figure
	 * from before this list was sourced (the hub's file listing was unreachable here, so it is not
	 * re-verified; per-dtype sizes are not listed); `null` = unknown.
	 */
	readonly downloadSizeMb: number | null;
	/** The published ranking quality; empty = not published. */
	readonly published: readonly PublishedScore[];
}

const CROSS_ENCODER_TABLE = 'https://gr.tbb.rip/models/cross-encoder/ms-marco-MiniLM-L6-v2';
const MINILM_L2_CARD = 'https://huggingface.erdda.com/cross-encoder/ms-marco-MiniLM-L2-v2/blob/main/README.md?code=true';
const MXBAI_XSMALL = 'https://www.mixedbread.com/docs/reranking/models/mxbai-rerank-xsmall-v1';
const JINA_TINY = 'https://huggingface.co/jinaai/jina-reranker-v1-tiny-en';
const BGE_BASE = 'https://gr.tbb.rip/models/Xenova/bge-reranker-base';

/** The presets, the app's default first (its order is the select's order). */
export const RERANKER_PRESETS: readonly RerankerPreset[] = [
	{
		id: 'onnx-community/bge-reranker-v2-m3-ONNX',
		label: 'bge-reranker-v2-m3 (multilingual)',
		defaultDtype: 'q8',
		languages: 'multilingual (100+)',
		licence: null,
		parametersM: null,
		downloadSizeMb: 570,
		published: []
	},
	{
		id: 'Xenova/bge-reranker-base',
		label: 'bge-reranker-base (zh, en)',
		defaultDtype: 'q8',
		languages: 'zh, en',
		licence: { value: 'MIT', source: BGE_BASE },
		parametersM: { value: 278, source: BGE_BASE },
		downloadSizeMb: 280,
		published: [{ metric: 'MAP', benchmark: 'C-MTEB MMarcoReranking', value: 35.46, source: BGE_BASE }]
	},
	{
		id: 'Xenova/ms-marco-MiniLM-L-6-v2',
		label: 'ms-marco-MiniLM-L-6-v2 (English, small)',
		defaultDtype: 'q8',
		languages: 'en',
		licence: { value: 'Apache-2.0', source: CROSS_ENCODER_TABLE },
		parametersM: null,
		downloadSizeMb: 23,
		published: [
			{ metric: 'MRR@10', benchmark: 'MS MARCO passage dev', value: 39.01, source: CROSS_ENCODER_TABLE },
			{ metric: 'NDCG@10', benchmark: 'TREC DL 2019', value: 74.3, source: CROSS_ENCODER_TABLE }
		]
	},
	{
		id: 'Xenova/ms-marco-TinyBERT-L-2-v2',
		label: 'ms-marco-TinyBERT-L-2-v2 (English, tiny)',
		defaultDtype: 'q8',
		languages: 'en',
		licence: { value: 'Apache-2.0', source: MINILM_L2_CARD },
		parametersM: null,
		downloadSizeMb: null,
		published: [
			{ metric: 'MRR@10', benchmark: 'MS MARCO passage dev', value: 32.56, source: CROSS_ENCODER_TABLE },
			{ metric: 'NDCG@10', benchmark: 'TREC DL 2019', value: 69.84, source: CROSS_ENCODER_TABLE }
		]
	},
	{
		id: 'mixedbread-ai/mxbai-rerank-xsmall-v1',
		label: 'mxbai-rerank-xsmall-v1 (English, small)',
		defaultDtype: 'q8',
		languages: 'en',
		licence: { value: 'Apache-2.0', source: MXBAI_XSMALL },
		parametersM: { value: 70, source: MXBAI_XSMALL },
		downloadSizeMb: 75,
		published: [{ metric: 'NDCG@10', benchmark: 'BEIR, 11-dataset subset', value: 43.9, source: MXBAI_XSMALL }]
	},
	{
		id: 'jinaai/jina-reranker-v1-tiny-en',
		label: 'jina-reranker-v1-tiny-en (English, 8k tokens)',
		defaultDtype: 'q8',
		languages: 'en',
		licence: { value: 'Apache-2.0', source: JINA_TINY },
		parametersM: { value: 33, source: JINA_TINY },
		downloadSizeMb: null,
		published: []
	}
];

/** The preset for a reranker `id`, or `undefined` for a custom (local or unlisted) model. */
export function findRerankerPreset(id: string): RerankerPreset | undefined {
	return RERANKER_PRESETS.find((m) => m.id === id);
}

/**
 * One line for the model settings: licence, parameters, size and published scores, each
 * "not published" when unknown. E.g. `Apache-2.0 · 70M params · 75 MB (q8) · NDCG@10 43.9 (BEIR, 11-dataset subset)`.
 */
export function describeRerankerPreset(preset: RerankerPreset): string {
	const scores = preset.published.map((s) => `${s.metric} ${s.value} (${s.benchmark})`).join(', ');
	return [
		preset.licence ? preset.licence.value : 'licence not published',
		preset.parametersM ? `${preset.parametersM.value}M params` : 'params not published',
		preset.downloadSizeMb !== null ? `${preset.downloadSizeMb} MB (${preset.defaultDtype})` : 'size not published',
		scores || 'score not published'
	].join(' · ');
}
