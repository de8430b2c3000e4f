/**
 * Curated in-browser chat models (WebLLM 0.2.86 prebuilt ids), small to mid-size. VRAM is
 * WebLLM's own `vram_required_MB` for the build; the download size is an ESTIMATE
 * (`paramsB × 1000 × 0.57` MB: 4-bit group-quantised weights plus scales ≈ 4.5 bits/param),
 * since WebLLM's config does not state it. Context window: 4096 tokens for every prebuilt build.
 */
export type Quantization = 'q4f16_1' | 'q4f32_1';

export interface ChatModelEntry {
	/** WebLLM model id, e.g. `Qwen2.5-0.5B-Instruct-q4f32_1-MLC`. */
	readonly modelId: string;
	readonly family: string;
	readonly quantization: Quantization;
	/** Parameters, billions. */
	readonly paramsB: number;
	/** GPU memory needed, MB (WebLLM `vram_required_MB`). */
	readonly vramMB: number;
	/** Estimated download, MB (see module comment). */
	readonly downloadMBEstimate: number;
	/** ISO 639-1 languages the model card claims good support for. */
	readonly languages: readonly string[];
	readonly contextWindowTokens: number;
}

const QWEN_LANGS = ['en', 'zh', 'ko', 'ja', 'fr', 'de', 'es', 'ru', 'vi', 'th', 'ar'];
const LLAMA_LANGS = ['en', 'de', 'fr', 'it', 'pt', 'hi', 'es', 'th'];

function entry(
	family: string,
	paramsB: number,
	languages: readonly string[],
	vram: Record<Quantization, number>,
	id: (q: Quantization) => string
): ChatModelEntry[] {
	return (['q4f16_1', 'q4f32_1'] as const).map((q) => ({
		modelId: id(q),
		family,
		quantization: q,
		paramsB,
		vramMB: vram[q],
		downloadMBEstimate: Math.round(paramsB * 1000 * 0.57),
		languages,
		contextWindowTokens: 4096
	}));
}

/** The catalog, smallest first. */
export const CHAT_MODEL_CATALOG: readonly ChatModelEntry[] = [
	...entry('SmolLM2 360M Instruct', 0.36, ['en'], { q4f16_1: 376.06, q4f32_1: 579.61 }, (q) => `SmolLM2-360M-Instruct-${q}-MLC`),
	...entry('Qwen2.5 0.5B Instruct', 0.49, QWEN_LANGS, { q4f16_1: 944.62, q4f32_1: 1060.2 }, (q) => `Qwen2.5-0.5B-Instruct-${q}-MLC`),
	...entry('Qwen3 0.6B', 0.6, QWEN_LANGS, { q4f16_1: 1403.34, q4f32_1: 1924.98 }, (q) => `Qwen3-0.6B-${q}-MLC`),
	...entry('Llama 3.2 1B Instruct', 1.24, LLAMA_LANGS, { q4f16_1: 879.04, q4f32_1: 1128.82 }, (q) => `Llama-3.2-1B-Instruct-${q}-MLC`),
	...entry('Qwen2.5 1.5B Instruct', 1.54, QWEN_LANGS, { q4f16_1: 1629.75, q4f32_1: 1888.97 }, (q) => `Qwen2.5-1.5B-Instruct-${q}-MLC`),
	...entry('Qwen3 1.7B', 1.7, QWEN_LANGS, { q4f16_1: 2036.66, q4f32_1: 2635.44 }, (q) => `Qwen3-1.7B-${q}-MLC`),
	...entry('Qwen2.5 3B Instruct', 3.09, QWEN_LANGS, { q4f16_1: 2504.76, q4f32_1: 2893.64 }, (q) => `Qwen2.5-3B-Instruct-${q}-MLC`),
	...entry('Llama 3.2 3B Instruct', 3.21, LLAMA_LANGS, { q4f16_1: 2263.69, q4f32_1: 2951.51 }, (q) => `Llama-3.2-3B-Instruct-${q}-MLC`)
];

/** What the browser's GPU offers (from `navigator.gpu.requestAdapter()`). */
export interface GpuCapabilities {
	readonly webgpu: boolean;
	/** `adapter.features.has('shader-f16')`. */
	readonly shaderF16: boolean;
}

/** A catalog entry with whether it can run here and, if not, why. */
export interface ModelOffer {
	readonly entry: ChatModelEntry;
	readonly offered: boolean;
	readonly reason?: string;
}

/**
 * Which builds to offer: none without WebGPU; `q4f16_1` builds only with `shader-f16`
 * (without it WebLLM throws ShaderF16SupportError at load), `q4f32_1` builds always.
 */
export function offerModels(catalog: readonly ChatModelEntry[], gpu: GpuCapabilities): ModelOffer[] {
	return catalog.map((entry) => {
		if (!gpu.webgpu)
			return {
				entry,
				offered: false,
				reason: 'This browser has no WebGPU: in-browser models cannot run. Use an OpenAI-compatible endpoint instead.'
			};
		if (entry.quantization === 'q4f16_1' && !gpu.shaderF16)
			return {
				entry,
				offered: false,
				reason: 'Needs the GPU feature shader-f16, which this GPU lacks; the q4f32 build of the same model runs instead (more VRAM).'
			};
		return { entry, offered: true };
	});
}

/** A download progress report as WebLLM gives it (`InitProgressReport`). */
export interface LoadReport {
	/** Fraction done, 0–1. */
	readonly progress: number;
	/** Seconds since loading began. */
	readonly timeElapsed: number;
	readonly text: string;
}

/** Progress for display: rate and ETA where derivable. */
export interface LoadProgress {
	readonly fraction: number;
	readonly text: string;
	readonly elapsedS: number;
	/** `fraction × totalMB / elapsedS`, MB/s — only when the total size is known and time has passed. */
	readonly rateMBps?: number;
	/** `elapsedS × (1 − fraction) / fraction`, seconds — assumes a steady rate; only when 0 < fraction < 1. */
	readonly etaS?: number;
}

/** Derive {@link LoadProgress} from a WebLLM report and the (estimated) total size in MB. */
export function loadProgress(r: LoadReport, totalMB?: number): LoadProgress {
	const fraction = Math.min(1, Math.max(0, r.progress));
	const out: { -readonly [K in keyof LoadProgress]: LoadProgress[K] } = { fraction, text: r.text, elapsedS: r.timeElapsed };
	if (totalMB !== undefined && r.timeElapsed > 0 && fraction > 0) out.rateMBps = (fraction * totalMB) / r.timeElapsed;
	if (fraction > 0 && fraction < 1) out.etaS = (r.timeElapsed * (1 - fraction)) / fraction;
	return out;
}
