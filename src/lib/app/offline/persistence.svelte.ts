import { PersistAfterDownload, type MemoLike, type PersistOutcome } from './persistence.ts';

/** The automatic persistence request's outcome in this visit (`null`: not made in this visit). */
class ModelPersistence {
	outcome = $state<PersistOutcome | null>(null);
}

/** Read by the storage meter (src/lib/components/workspace/StorageMeter.svelte). */
export const modelPersistence = new ModelPersistence();

function memo(): MemoLike | null {
	try {
		return globalThis.localStorage ?? null;
	} catch {
		return null; // storage disabled by the browser's settings
	}
}

const asker = new PersistAfterDownload(
	() => globalThis.navigator?.storage,
	memo(),
	(outcome) => (modelPersistence.outcome = outcome)
);

/** Call after a model download succeeded (LLM load, embedding job): asks once per profile, in the background. */
export function persistAfterModelDownload(): void {
	void asker.afterModelDownload();
}
