import {
	detectRecipe,
	dtypesInFiles,
	findEmbeddingModel,
	pickDtype,
	recipeFromSentenceTransformers,
	type EmbeddingRecipe,
	type ModelDtype,
	type ModelSource,
	type Pooling,
	type SentenceTransformersRecipe
} from '$lib/embedding/index.ts';

/**
 * What the page learns from a picked local model folder, and how a pick changes the model
 * settings draft: a folder picked for one role (embedding model or reranker) changes that role
 * only — its id, a dtype the folder has, its own source (`local`), and for the embedding model
 * the detected prefixes and pooling. The other role's model is never touched.
 */

/** One model folder found among the picked files. */
export interface PickedModel {
	readonly modelId: string;
	/** Dtypes whose ONNX weights the folder has, in preference order. */
	readonly dtypes: readonly ModelDtype[];
	/** What its sentence-transformers files say (empty when absent). */
	readonly recipe: SentenceTransformersRecipe;
}

/** A picked file: its path inside the picked folder and its text, read on demand. */
export interface PickedFile {
	readonly relativePath: string;
	text(): Promise<string>;
}

/** Which model a folder is picked for. */
export type ModelRole = 'embedding' | 'rerank';

/** The part of the model settings a pick changes. */
export interface ModelDraft {
	embedding: { modelId: string; dtype: ModelDtype; queryPrefix?: string; passagePrefix?: string; pooling?: Pooling; source?: ModelSource };
	rerank: { modelId: string; dtype: ModelDtype; source?: ModelSource };
}

/** Describe each found model folder (`found`: folder ids as the model cache named them) from the picked files. */
export async function describePickedModels(found: readonly string[], files: readonly PickedFile[]): Promise<PickedModel[]> {
	const out: PickedModel[] = [];
	for (const modelId of found) {
		const inside = files.filter((f) => f.relativePath.startsWith(`${modelId}/`));
		const json = async (path: string): Promise<unknown> => {
			const file = inside.find((f) => f.relativePath === `${modelId}/${path}`);
			if (!file) return undefined;
			try {
				return JSON.parse(await file.text()) as unknown;
			} catch {
				return undefined;
			}
		};
		out.push({
			modelId,
			dtypes: dtypesInFiles(inside.map((f) => f.relativePath)),
			recipe: recipeFromSentenceTransformers(await json('config_sentence_transformers.json'), await json('1_Pooling/config.json'))
		});
	}
	return out;
}

/**
 * Apply a folder picked for `role` to `draft` (in place). Returns the detected recipe for an
 * embedding pick (shown with its source), `null` for a reranker pick, and a note when the dtype
 * had to change (`dtype set to fp32: the folder has fp32 only`).
 */
export function applyPickedModel(
	draft: ModelDraft,
	role: ModelRole,
	picked: PickedModel
): { recipe: EmbeddingRecipe | null; note: string | null } {
	const target = role === 'embedding' ? draft.embedding : draft.rerank;
	const dtype = pickDtype(target.dtype, picked.dtypes);
	const note =
		dtype && dtype !== target.dtype
			? `dtype set to ${dtype}: the folder has ${picked.dtypes.join(', ')} only`
			: picked.dtypes.length === 0
				? 'the folder has no ONNX weights (onnx/model*.onnx)'
				: null;
	target.modelId = picked.modelId;
	if (dtype) target.dtype = dtype;
	target.source = { kind: 'local' };
	if (role === 'rerank') return { recipe: null, note };
	const recipe = detectRecipe(picked.modelId, picked.recipe, findEmbeddingModel(picked.modelId));
	draft.embedding.queryPrefix = recipe.queryPrefix;
	draft.embedding.passagePrefix = recipe.passagePrefix;
	draft.embedding.pooling = recipe.pooling;
	return { recipe, note };
}
