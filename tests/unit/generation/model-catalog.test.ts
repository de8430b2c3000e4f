import { describe, expect, it } from 'vitest';
import { CHAT_MODEL_CATALOG, loadProgress, offerModels } from '../../../src/lib/generation/index.ts';

describe('offerModels', () => {
	it('offers only q4f32 builds when the GPU lacks shader-f16, and says why for the others', () => {
		const offers = offerModels(CHAT_MODEL_CATALOG, { webgpu: true, shaderF16: false });
		expect(offers.filter((o) => o.offered).every((o) => o.entry.quantization === 'q4f32_1')).toBe(true);
		expect(offers.filter((o) => o.offered)).toHaveLength(CHAT_MODEL_CATALOG.length / 2);
		expect(offers.find((o) => o.entry.modelId === 'Qwen2.5-0.5B-Instruct-q4f16_1-MLC')?.reason).toContain('shader-f16');
	});

	it('offers every build with shader-f16 and none without WebGPU', () => {
		expect(offerModels(CHAT_MODEL_CATALOG, { webgpu: true, shaderF16: true }).every((o) => o.offered)).toBe(true);
		expect(offerModels(CHAT_MODEL_CATALOG, { webgpu: false, shaderF16: false }).some((o) => o.offered)).toBe(false);
	});

	it('lists multilingual models for Korean and Japanese', () => {
		expect(CHAT_MODEL_CATALOG.filter((e) => e.languages.includes('ko') && e.languages.includes('ja')).map((e) => e.family)).toContain(
			'Qwen2.5 0.5B Instruct'
		);
	});

	it('estimates the download as 0.57 MB per million parameters', () => {
		expect(CHAT_MODEL_CATALOG.find((e) => e.modelId === 'Llama-3.2-1B-Instruct-q4f32_1-MLC')?.downloadMBEstimate).toBe(707);
	});
});

describe('loadProgress', () => {
	it('derives rate and ETA from fraction, elapsed time and the total size', () => {
		expect(loadProgress({ progress: 0.25, timeElapsed: 10, text: 'Fetching param cache[3/12]' }, 800)).toEqual({
			fraction: 0.25,
			text: 'Fetching param cache[3/12]',
			elapsedS: 10,
			rateMBps: 20,
			etaS: 30
		});
	});

	it('gives no rate without a size and no ETA at 0 or 1', () => {
		expect(loadProgress({ progress: 0, timeElapsed: 0, text: 'start' })).toEqual({ fraction: 0, text: 'start', elapsedS: 0 });
		expect(loadProgress({ progress: 1, timeElapsed: 5, text: 'done' }).etaS).toBeUndefined();
	});
});
