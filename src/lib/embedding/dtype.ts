import { AssayError } from '../shared/errors.ts';
import type { ModelDtype } from './types.ts';

/**
 * Which ONNX weight file transformers.js loads for each dtype (`onnx/model{suffix}.onnx`,
 * transformers.js v3/v4 `DEFAULT_DTYPE_SUFFIX_MAPPING`): fp32 `model.onnx`, fp16
 * `model_fp16.onnx`, q8 `model_quantized.onnx`, int8 `model_int8.onnx`, uint8
 * `model_uint8.onnx`, q4 `model_q4.onnx`, q4f16 `model_q4f16.onnx`, bnb4 `model_bnb4.onnx`.
 */
export const DTYPE_FILES: Readonly<Record<ModelDtype, string>> = {
	fp32: 'model.onnx',
	fp16: 'model_fp16.onnx',
	q8: 'model_quantized.onnx',
	int8: 'model_int8.onnx',
	uint8: 'model_uint8.onnx',
	q4: 'model_q4.onnx',
	q4f16: 'model_q4f16.onnx',
	bnb4: 'model_bnb4.onnx'
};

/**
 * The order a dtype is picked in when the requested one is absent: q8 (small, runs on WASM
 * everywhere), then full precision, then the other 8-bit builds, then fp16 (WebGPU with
 * `shader-f16`), then the 4-bit ones.
 */
export const DTYPE_PREFERENCE: readonly ModelDtype[] = ['q8', 'fp32', 'int8', 'uint8', 'fp16', 'q4', 'q4f16', 'bnb4'];

/**
 * The dtypes a model folder provides, in {@link DTYPE_PREFERENCE} order, from its file paths
 * (any path ending in `onnx/<file>` or a bare `<file>`; `.onnx_data` external-data files do not count).
 */
export function dtypesInFiles(paths: readonly string[]): ModelDtype[] {
	const names = new Set(paths.map((p) => p.split('/').pop() ?? p));
	return DTYPE_PREFERENCE.filter((d) => names.has(DTYPE_FILES[d]));
}

/** The dtype to use: `requested` when present, else the first present in {@link DTYPE_PREFERENCE}; `null` when none is. */
export function pickDtype(requested: ModelDtype, available: readonly ModelDtype[]): ModelDtype | null {
	if (available.includes(requested)) return requested;
	return DTYPE_PREFERENCE.find((d) => available.includes(d)) ?? null;
}

/**
 * Check that a local model folder has the weights of `requested`.
 * @throws AssayError `MODEL_DTYPE_UNAVAILABLE` naming the missing file and the dtypes the folder
 *   has (`details.available`), or saying that it has no ONNX weights at all.
 */
export function requireDtype(modelId: string, requested: ModelDtype, available: readonly ModelDtype[]): void {
	if (available.includes(requested)) return;
	const has =
		available.length > 0
			? `it has ${available.map((d) => `${d} (onnx/${DTYPE_FILES[d]})`).join(', ')}. Choose one of those dtypes in the model settings.`
			: 'it has no ONNX weights at all (expected onnx/model.onnx or a quantized variant).';
	throw new AssayError(
		'MODEL_DTYPE_UNAVAILABLE',
		`The local model "${modelId}" has no ${requested} weights (onnx/${DTYPE_FILES[requested]}); ${has}`,
		{ details: { modelId, requested, available: [...available] } }
	);
}
