import { describe, expect, it } from 'vitest';
import { mapWebLlmError } from '../../../src/lib/adapters/webllm-errors.ts';
import { customRecord, mirrorRecord } from '../../../src/lib/adapters/webllm-config.ts';

describe('mapWebLlmError', () => {
	it.each([
		['ShaderF16SupportError: This model requires WebGPU extension shader-f16', 'GPU_NO_SHADER_F16'],
		['DeviceLostError: The WebGPU device was lost while loading the model.', 'GPU_DEVICE_LOST'],
		['ContextWindowSizeExceededError: Prompt tokens exceed context window size', 'CONTEXT_WINDOW_EXCEEDED'],
		['WebGPUNotAvailableError: WebGPU is not supported in your current environment', 'WEBGPU_UNAVAILABLE'],
		['TypeError: Failed to fetch', 'MODEL_DOWNLOAD_FAILED'],
		["NetworkError: Failed to execute 'add' on 'Cache': Request failed", 'MODEL_DOWNLOAD_FAILED'],
		['QuotaExceededError: The quota has been exceeded.', 'STORAGE_QUOTA'],
		['Something odd', 'LLM_GENERATION_FAILED']
	])('maps "%s" to %s with an action', (raw, code) => {
		const e = mapWebLlmError(raw);
		expect(e.code).toBe(code);
		expect(typeof e.details?.action).toBe('string');
	});

	it('reads Error objects by name and message', () => {
		expect(mapWebLlmError(new TypeError('Failed to fetch')).code).toBe('MODEL_DOWNLOAD_FAILED');
	});
});

describe('WebLLM model records', () => {
	const prebuilt = {
		model_id: 'Qwen2.5-0.5B-Instruct-q4f32_1-MLC',
		model: 'https://huggingface.co/mlc-ai/Qwen2.5-0.5B-Instruct-q4f32_1-MLC',
		model_lib:
			'https://raw.githubusercontent.com/mlc-ai/binary-mlc-llm-libs/main/web-llm-models/v0_2_86/Qwen2-0.5B-Instruct-q4f32_1-ctx4k_cs1k-webgpu.wasm'
	};

	it('points weights and library at a mirror, keeping the hub path', () => {
		expect(mirrorRecord(prebuilt, 'https://models.example.org/llm/')).toEqual({
			model_id: prebuilt.model_id,
			model: 'https://models.example.org/llm/mlc-ai/Qwen2.5-0.5B-Instruct-q4f32_1-MLC',
			model_lib: 'https://models.example.org/llm/libs/Qwen2-0.5B-Instruct-q4f32_1-ctx4k_cs1k-webgpu.wasm'
		});
	});

	it('leaves the record as is without a mirror', () => {
		expect(mirrorRecord(prebuilt, null)).toBe(prebuilt);
	});

	it('rejects a custom model with a relative URL (WebLLM needs absolute ones)', () => {
		expect(() => customRecord({ modelId: 'mine', weightsUrl: '/w/', modelLibUrl: 'https://x.org/m.wasm' })).toThrow(TypeError);
		expect(customRecord({ modelId: ' mine ', weightsUrl: 'https://x.org/w/resolve/main/', modelLibUrl: 'https://x.org/m.wasm' })).toEqual({
			model_id: 'mine',
			model: 'https://x.org/w/resolve/main/',
			model_lib: 'https://x.org/m.wasm'
		});
	});
});
