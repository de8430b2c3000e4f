import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assembleKernel } from '../../../scripts/build-kernel.mjs';
import { KERNEL_WASM_BASE64 } from '../../../src/lib/search/vector/kernel-wasm.ts';
import { instantiateKernel } from '../../../src/lib/search/vector/kernel.ts';
import { quantizeInto, VectorMatrix } from '../../../src/lib/search/vector/matrix.ts';
import { l2Normalize } from '../../../src/lib/search/vector/normalize.ts';

function seeded(seed: number): () => number {
	let t = seed;
	return () => {
		t = (t + 0x6d2b79f5) | 0;
		let r = Math.imul(t ^ (t >>> 15), 1 | t);
		r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
		return ((r ^ (r >>> 14)) >>> 0) / 4294967296 - 0.5;
	};
}

const unitVectors = (n: number, dims: number, seed: number) => {
	const rand = seeded(seed);
	return Array.from({ length: n }, () => l2Normalize(Float32Array.from({ length: dims }, rand)));
};

const dot64 = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('the vector kernel', () => {
	it('is the assembly of kernel.wat, byte for byte', async () => {
		const bytes = (await assembleKernel()) as Uint8Array;
		expect(Buffer.from(bytes).toString('base64')).toBe(KERNEL_WASM_BASE64);
	});

	it('instantiates with SIMD on this Node', () => {
		expect(instantiateKernel()).not.toBeNull();
	});

	for (const dims of [1, 3, 17, 64, 384]) {
		it(`scores ${dims}-dimensional rows within 1e-6 of a float64 dot product, on both backends`, () => {
			const rows = unitVectors(50, dims, dims);
			const [query] = unitVectors(1, dims, 999);
			for (const backend of ['simd', 'js'] as const) {
				const m = new VectorMatrix(dims, { backend });
				expect(m.backend).toBe(backend);
				for (const r of rows) m.push(r);
				m.setQuery(query!);
				const scores = m.scan();
				expect(scores.length).toBe(50);
				rows.forEach((r, i) => expect(Math.abs(scores[i]! - dot64(r, query!))).toBeLessThan(1e-6));
			}
		});
	}

	it('gathers the scores of chosen rows equal to the full scan (same kernel, same sums)', () => {
		const m = new VectorMatrix(40);
		unitVectors(30, 40, 5).forEach((r) => m.push(r));
		m.setQuery(unitVectors(1, 40, 6)[0]!);
		const full = m.scan().slice();
		expect(Array.from(m.gather([29, 0, 7, 7]))).toEqual([full[29], full[0], full[7], full[7]]);
		expect(m.dotQueryRow(3)).toBe(full[3]);
	});

	it('computes int8 scores exactly as Σ q8·r8 × scale, equal on both backends', () => {
		const dims = 37;
		const rows = unitVectors(20, dims, 11);
		const query = unitVectors(1, dims, 12)[0]!;
		const results = (['simd', 'js'] as const).map((backend) => {
			const m = new VectorMatrix(dims, { backend, int8: true });
			rows.forEach((r) => m.push(r));
			m.setQuery(query);
			return Array.from(m.scanInt8());
		});
		const q8 = new Int8Array(dims);
		quantizeInto(query, q8);
		const expected = rows.map((r) => {
			const r8 = new Int8Array(dims);
			const scale = quantizeInto(r, r8);
			let sum = 0;
			for (let i = 0; i < dims; i++) sum += q8[i]! * r8[i]!;
			return Math.fround(Math.fround(sum) * Math.fround(scale));
		});
		expect(results[0]).toEqual(expected);
		expect(results[1]).toEqual(expected);
	});

	it('keeps int8 rows and scales intact across growth and removal', () => {
		const dims = 20;
		const rows = unitVectors(100, dims, 21);
		const query = unitVectors(1, dims, 22)[0]!;
		const grown = new VectorMatrix(dims, { int8: true });
		rows.forEach((r) => grown.push(r)); // grows a quarter at a time
		const bulk = new VectorMatrix(dims, { int8: true });
		bulk.reserve(100);
		rows.forEach((r) => bulk.push(r));
		grown.setQuery(query);
		bulk.setQuery(query);
		expect(Array.from(grown.scanInt8())).toEqual(Array.from(bulk.scanInt8()));
		grown.moveLastTo(10);
		grown.setQuery(rows[99]!);
		const scores = grown.scanInt8();
		expect(scores.length).toBe(99);
		expect(scores[10]).toBe(Math.max(...scores));
	});

	it('sizes storage by what is reserved: a bulk load of n rows holds n rows', () => {
		const m = new VectorMatrix(384);
		m.reserve(1000);
		const perRow = 1536 + 8; // f32 row + score + pick slot
		expect(m.byteLength).toBeLessThanOrEqual(1000 * perRow + 2 * 65_536);
		expect(m.byteLength).toBeGreaterThanOrEqual(1000 * perRow);
	});

	it('quantises to [-127, 127] with the max magnitude at ±127 (property)', () => {
		fc.assert(
			fc.property(fc.array(fc.float({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 64 }), (xs) => {
				const v = Float32Array.from(xs);
				const out = new Int8Array(v.length);
				const scale = quantizeInto(v, out);
				const max = Math.max(...xs.map(Math.abs));
				if (max === 0) return scale === 0 && out.every((x) => x === 0);
				return out.every((x) => x >= -127 && x <= 127) && out.some((x) => Math.abs(x) === 127) && scale > 0;
			})
		);
	});

	it('streams the matrix: the sum of every stored value', () => {
		const m = new VectorMatrix(16);
		for (let i = 0; i < 8; i++) m.push(Float32Array.from({ length: 16 }, () => 0.25));
		expect(m.stream()).toBe(32);
	});
});
