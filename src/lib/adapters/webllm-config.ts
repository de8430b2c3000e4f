/** The part of a WebLLM `ModelRecord` Assay sets (absolute URLs: relative ones throw in WebLLM). */
export interface WebLlmModelRecord {
	readonly model: string;
	readonly model_id: string;
	readonly model_lib: string;
	readonly vram_required_MB?: number;
}

/** A user's own model: weights folder URL (`…/resolve/main/` layout with `tensor-cache.json`) + model library (.wasm) URL. */
export interface CustomModel {
	readonly modelId: string;
	readonly weightsUrl: string;
	readonly modelLibUrl: string;
}

/**
 * Point a prebuilt record at a mirror: weights at `{mirror}/{org}/{repo}` (the Hugging Face
 * path kept, so a plain `huggingface-cli download` tree served statically works) and the model
 * library at `{mirror}/libs/{file name}`. Without a mirror the record is returned unchanged.
 * @throws TypeError for a mirror that is not an absolute URL.
 */
export function mirrorRecord(record: WebLlmModelRecord, mirrorBaseUrl: string | null): WebLlmModelRecord {
	if (!mirrorBaseUrl) return record;
	const base = new URL(mirrorBaseUrl).href.replace(/\/+$/, '');
	const path = new URL(record.model).pathname.replace(/^\/+/, '');
	const lib = record.model_lib.split('/').pop() ?? record.model_lib;
	return { ...record, model: `${base}/${path}`, model_lib: `${base}/libs/${lib}` };
}

/**
 * The record for a custom model.
 * @throws TypeError when either URL is not absolute.
 */
export function customRecord(m: CustomModel): WebLlmModelRecord {
	return { model_id: m.modelId.trim(), model: new URL(m.weightsUrl).href, model_lib: new URL(m.modelLibUrl).href };
}
