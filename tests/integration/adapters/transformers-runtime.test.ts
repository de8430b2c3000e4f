import { env } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import {
	applyModelSource,
	chooseWasmBuild,
	HUB_HOST,
	LOCAL_MODELS_PREFIX,
	loadOnDevice,
	setSelfHostedWasm
} from '../../../src/lib/adapters/transformers-runtime.ts';
import { AssayError } from '../../../src/lib/shared/errors.ts';

const browser = (webgpu: boolean) => ({ node: false, webgpu: async () => webgpu });

describe('device choice', () => {
	it('runs on WebGPU when an adapter exists and the load succeeds', async () => {
		const tried: string[] = [];
		const result = await loadOnDevice('auto', async (d) => (tried.push(d), d), 'm', browser(true));
		expect(result).toEqual({ value: 'webgpu', backend: 'webgpu' });
		expect(tried).toEqual(['webgpu']);
	});

	it('falls back to WASM, and says why, when WebGPU throws', async () => {
		const result = await loadOnDevice(
			'auto',
			async (d) => {
				if (d === 'webgpu') throw new Error('shader-f16 not supported');
				return d;
			},
			'm',
			browser(true)
		);
		expect(result).toEqual({ value: 'wasm', backend: 'wasm', fallbackReason: 'WebGPU failed: shader-f16 not supported' });
	});

	it('uses WASM without trying WebGPU when there is no adapter or WASM is asked for', async () => {
		expect(await loadOnDevice('webgpu', async (d) => d, 'm', browser(false))).toMatchObject({
			backend: 'wasm',
			fallbackReason: 'no WebGPU adapter'
		});
		const tried: string[] = [];
		expect(await loadOnDevice('wasm', async (d) => (tried.push(d), d), 'm', browser(true))).toEqual({ value: 'wasm', backend: 'wasm' });
		expect(tried).toEqual(['wasm']);
	});

	it('reports a model that loads nowhere as MODEL_LOAD_FAILED', async () => {
		await expect(
			loadOnDevice('auto', async () => Promise.reject(new Error('404')), 'embedding model "x"', browser(false))
		).rejects.toMatchObject({ code: 'MODEL_LOAD_FAILED', message: expect.stringContaining('embedding model "x": 404') });
	});

	it('runs on the CPU binding in Node', async () => {
		expect(await loadOnDevice('auto', async (d) => d, 'm')).toEqual({ value: 'cpu', backend: 'cpu' });
	});
});

describe('model sources', () => {
	it('points remote loading at a mirror base URL', () => {
		applyModelSource({ kind: 'mirror', baseUrl: 'http://localhost:8080/models' });
		expect(env.remoteHost).toBe('http://localhost:8080/models/');
		expect(env.allowRemoteModels).toBe(true);
		expect(env.allowLocalModels).toBe(false);
	});

	it('uses the hub by default and turns remote loading off for local folders', () => {
		applyModelSource({ kind: 'hub' });
		expect(env.remoteHost).toBe(HUB_HOST);
		applyModelSource({ kind: 'local' });
		expect(env.allowRemoteModels).toBe(false);
		expect(env.localModelPath).toBe(LOCAL_MODELS_PREFIX);
	});

	it('rejects a mirror that is not http(s)', () => {
		expect(() => applyModelSource({ kind: 'mirror', baseUrl: 'file:///models' })).toThrow(AssayError);
	});
});

// Last in the file: these set the module's self-hosted builds, which later loads would see.
describe('wasm build choice', () => {
	const builds = {
		cpu: { mjs: '/ort/cpu.mjs', wasm: '/ort/cpu.wasm' },
		webgpu: { mjs: '/ort/asyncify.mjs', wasm: '/ort/asyncify.wasm' }
	};
	const wasmPaths = () => (env.backends.onnx as { wasm?: { wasmPaths?: unknown } }).wasm?.wasmPaths;

	it('chooses nothing when no self-hosted builds are set, as in Node', () => {
		expect(chooseWasmBuild('cpu')).toBeNull();
	});

	it('loads the CPU-only build for a WASM model and keeps it, so a later WebGPU load falls back and says why', async () => {
		setSelfHostedWasm(builds);
		expect(await loadOnDevice('wasm', async (d) => d, 'm', browser(true))).toEqual({ value: 'wasm', backend: 'wasm' });
		expect(wasmPaths()).toEqual(builds.cpu);
		const tried: string[] = [];
		expect(await loadOnDevice('webgpu', async (d) => (tried.push(d), d), 'm', browser(true))).toEqual({
			value: 'wasm',
			backend: 'wasm',
			fallbackReason: 'this worker runs the CPU-only ONNX Runtime build (loaded for an earlier WASM model)'
		});
		expect(tried).toEqual(['wasm']);
	});

	it('loads the asyncify build when the first model may run on WebGPU, and the CPU-only one without an adapter', async () => {
		setSelfHostedWasm(builds);
		expect(await loadOnDevice('auto', async (d) => d, 'm', browser(true))).toEqual({ value: 'webgpu', backend: 'webgpu' });
		expect(wasmPaths()).toEqual(builds.webgpu);
		setSelfHostedWasm(builds);
		expect(await loadOnDevice('auto', async (d) => d, 'm', browser(false))).toMatchObject({ backend: 'wasm' });
		expect(wasmPaths()).toEqual(builds.cpu);
	});
});
