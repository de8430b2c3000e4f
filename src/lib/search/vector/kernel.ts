import { KERNEL_WASM_BASE64 } from './kernel-wasm.ts';

/**
 * The vector kernels of kernel.wat (WebAssembly, 128-bit SIMD). All pointers are byte offsets
 * into `memory`; row lengths are bytes, multiples of 16 (64 for `stream_f32`).
 */
export interface KernelExports {
	readonly memory: WebAssembly.Memory;
	/** `out[i] = Σ mat[i]·q` (f32) for rows i in [0, n). */
	scan_f32(mat: number, n: number, rowBytes: number, q: number, out: number): void;
	/** `out[i] = f32(Σ mat8[i]·q8) · scales[i]` (int8 rows, exact i32 sums). */
	scan_i8(mat: number, n: number, rowBytes: number, q: number, scales: number, out: number): void;
	/** `out[j] = Σ mat[rows[j]]·q` (f32) for j in [0, count); `rows` is an i32 array. */
	gather_f32(mat: number, rowBytes: number, rows: number, count: number, q: number, out: number): void;
	/** `Σ a·b` of two f32 rows. */
	dot_f32(a: number, b: number, rowBytes: number): number;
	/** `Σ a` over `bytes` bytes of f32: the read-only memory stream (benchmark floor). */
	stream_f32(a: number, bytes: number): number;
}

let compiled: WebAssembly.Module | null | undefined;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
	const binary = atob(text);
	const bytes = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
	return bytes;
}

/**
 * The compiled kernel module, or `null` where WebAssembly or its SIMD extension is missing
 * (then the indexes scan in JavaScript). Compiled once, synchronously: the module is under
 * 1 KiB, well inside the 4 KiB that Chromium allows a synchronous compile on the main thread.
 */
export function kernelModule(): WebAssembly.Module | null {
	if (compiled !== undefined) return compiled;
	compiled = null;
	if (typeof WebAssembly === 'undefined') return compiled;
	const bytes = decodeBase64(KERNEL_WASM_BASE64);
	if (WebAssembly.validate(bytes)) compiled = new WebAssembly.Module(bytes);
	return compiled;
}

/** A fresh kernel instance with its own memory (one page, 64 KiB), or `null` without SIMD. */
export function instantiateKernel(): KernelExports | null {
	const module = kernelModule();
	if (!module) return null;
	return new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
}

/** `n` rounded up to a multiple of `m` (a power of two). */
export function roundUp(n: number, m: number): number {
	return (n + m - 1) & ~(m - 1);
}
