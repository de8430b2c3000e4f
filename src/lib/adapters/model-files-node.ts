import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dtypesInFiles, recipeFromSentenceTransformers, type ModelDtype, type SentenceTransformersRecipe } from '../embedding/index.ts';

/**
 * Node (CLI, tests): what a local model folder says about itself — the sentence-transformers
 * prompts and pooling (`config_sentence_transformers.json`, `1_Pooling/config.json`) and the
 * ONNX dtypes its `onnx/` folder provides. Missing or malformed files say nothing.
 */

function readJson(path: string): unknown {
	if (!existsSync(path)) return undefined;
	try {
		return JSON.parse(readFileSync(path, 'utf8')) as unknown;
	} catch {
		return undefined;
	}
}

/** The prefixes and pooling the folder's sentence-transformers files state. */
export function readFolderRecipe(folder: string): SentenceTransformersRecipe {
	return recipeFromSentenceTransformers(
		readJson(join(folder, 'config_sentence_transformers.json')),
		readJson(join(folder, '1_Pooling', 'config.json'))
	);
}

/** The dtypes whose weights are in `folder/onnx` (see `DTYPE_FILES`), in preference order. */
export function readFolderDtypes(folder: string): ModelDtype[] {
	const onnx = join(folder, 'onnx');
	return existsSync(onnx) ? dtypesInFiles(readdirSync(onnx)) : [];
}
