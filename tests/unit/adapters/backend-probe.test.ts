import { describe, expect, it } from 'vitest';
import { loadOnDevice, type BackendRace } from '../../../src/lib/adapters/transformers-runtime.ts';

/** Loads that record what they loaded; a race whose probe time per backend is given (no clock). */
function fakes(msPerRun: Record<'webgpu' | 'wasm', number>) {
	const loaded: string[] = [];
	const disposed: string[] = [];
	const load = async (device: 'webgpu' | 'wasm' | 'cpu') => {
		loaded.push(device);
		return device;
	};
	const timed: string[] = [];
	const race: BackendRace<string> = {
		timeMs: async (value) => {
			timed.push(value);
			return msPerRun[value as 'webgpu' | 'wasm'];
		},
		dispose: (value) => void disposed.push(value)
	};
	return { loaded, disposed, timed, load, race };
}
const browserWithGpu = { node: false, webgpu: async () => true };

describe('loadOnDevice backend probe', () => {
	it('keeps WASM on auto when the probe runs faster there, and releases the WebGPU load', async () => {
		const f = fakes({ webgpu: 30, wasm: 12 });
		const out = await loadOnDevice('auto', f.load, 'model', browserWithGpu, f.race);
		expect(out.backend).toBe('wasm');
		expect(out.value).toBe('wasm');
		expect(out.probe).toEqual({ wasmMs: 12, webgpuMs: 30, chosen: 'wasm' });
		expect(f.disposed).toEqual(['webgpu']);
		// One warm-up and three timed runs on each backend.
		expect(f.timed.filter((t) => t === 'webgpu')).toHaveLength(4);
		expect(f.timed.filter((t) => t === 'wasm')).toHaveLength(4);
	});

	it('keeps WebGPU on auto when it is faster, and WASM on a tie', async () => {
		const fast = fakes({ webgpu: 5, wasm: 12 });
		expect((await loadOnDevice('auto', fast.load, 'model', browserWithGpu, fast.race)).backend).toBe('webgpu');
		expect(fast.disposed).toEqual(['wasm']);
		const tie = fakes({ webgpu: 7, wasm: 7 });
		expect((await loadOnDevice('auto', tie.load, 'model', browserWithGpu, tie.race)).backend).toBe('wasm');
	});

	it('does not race an explicit webgpu preference, nor without an adapter', async () => {
		const f = fakes({ webgpu: 30, wasm: 12 });
		const gpu = await loadOnDevice('webgpu', f.load, 'model', browserWithGpu, f.race);
		expect(gpu.backend).toBe('webgpu');
		expect(gpu.probe).toBeUndefined();
		expect(f.loaded).toEqual(['webgpu']);
		const none = await loadOnDevice('auto', f.load, 'model', { node: false, webgpu: async () => false }, f.race);
		expect(none).toMatchObject({ backend: 'wasm', fallbackReason: 'no WebGPU adapter' });
	});
});
