import { describe, expect, it } from 'vitest';
import { embeddingModelKey, embeddingSpecFor, runInBatches, type BatchProgress } from '../../../src/lib/embedding/index.ts';
import { sigmoid } from '../../../src/lib/search/rerank/index.ts';
import { parseAppConfig } from '../../../src/lib/config/index.ts';

describe('runInBatches', () => {
	it('runs consecutive batches and reports progress with a throughput-based ETA', async () => {
		let clock = 0;
		const seen: number[][] = [];
		const progress: BatchProgress[] = [];
		await runInBatches(
			[1, 2, 3, 4, 5],
			async (batch) => {
				seen.push([...batch]);
				clock += 100;
			},
			{ batchSize: 2, now: () => clock, onProgress: (p) => progress.push(p) }
		);
		expect(seen).toEqual([[1, 2], [3, 4], [5]]);
		expect(progress[0]).toEqual({ done: 0, total: 5, itemsPerSecond: 0, etaMs: null });
		// 2 items in 100 ms = 20/s; 3 left → 150 ms.
		expect(progress[1]).toEqual({ done: 2, total: 5, itemsPerSecond: 20, etaMs: 150 });
		expect(progress[3]).toMatchObject({ done: 5, etaMs: 0 });
	});

	it('stops before the next batch with EMBEDDING_CANCELLED, keeping what was done', async () => {
		const done: number[] = [];
		let cancel = false;
		const job = runInBatches(
			[1, 2, 3, 4],
			async (batch) => {
				done.push(...batch);
				cancel = true;
			},
			{ batchSize: 2, isCancelled: () => cancel }
		);
		await expect(job).rejects.toMatchObject({ code: 'EMBEDDING_CANCELLED', details: { done: 2, total: 4 } });
		expect(done).toEqual([1, 2]);
	});

	it('rejects a batch size below 1', async () => {
		await expect(runInBatches([1], async () => undefined, { batchSize: 0 })).rejects.toThrow(RangeError);
	});
});

describe('embedding spec', () => {
	it('takes pooling and E5 prefixes from the registry for the default model', () => {
		const spec = embeddingSpecFor(parseAppConfig({}));
		expect(spec).toMatchObject({
			modelId: 'Xenova/multilingual-e5-small',
			pooling: 'mean',
			queryPrefix: 'query: ',
			passagePrefix: 'passage: ',
			dtype: 'q8',
			device: 'auto'
		});
	});

	it('uses mean pooling without prefixes for a custom model, and a different key than the default', () => {
		const spec = embeddingSpecFor(parseAppConfig({ embedding: { modelId: 'my-folder', dtype: 'fp32' } }));
		expect(spec).toMatchObject({ pooling: 'mean', queryPrefix: '', passagePrefix: '' });
		expect(embeddingModelKey(spec)).not.toBe(embeddingModelKey(embeddingSpecFor(parseAppConfig({}))));
	});
});

describe('sigmoid', () => {
	it('maps logits to (0, 1) without overflow', () => {
		expect(sigmoid(0)).toBe(0.5);
		expect(sigmoid(4.516660690307617)).toBeCloseTo(0.98919, 5);
		expect(sigmoid(-1000)).toBe(0);
		expect(sigmoid(1000)).toBe(1);
	});
});
