import { instantiateKernel, roundUp, type KernelExports } from './kernel.ts';

/** How rows are scored: `simd` = the WebAssembly kernel, `js` = plain loops (no SIMD support). */
export type ScanBackend = 'simd' | 'js';

/** Options of {@link VectorMatrix}. */
export interface VectorMatrixOptions {
	/** Keep an int8 copy of every row (symmetric, one scale per row) for {@link VectorMatrix.scanInt8}. Default false. */
	readonly int8?: boolean;
	/** Force the JavaScript scan (tests, the benchmark's baseline). Default: SIMD where available. */
	readonly backend?: ScanBackend;
}

interface Layout {
	readonly capacity: number;
	readonly query: number;
	readonly query8: number;
	readonly rows: number;
	readonly rows8: number;
	readonly scales: number;
	readonly scores: number;
	readonly picks: number;
	readonly end: number;
}

const PAGE = 65_536;

/**
 * Rows of unit vectors laid out for the kernels in one linear memory (a WebAssembly memory,
 * or an `ArrayBuffer` for the JS path):
 *
 *   [query f32 | query int8 | rows f32 (capacity × rowBytes) | rows int8 | scales f32 | scores f32 | picks i32]
 *
 * `rowBytes` is `dims × 4` rounded up to 16 bytes (zero padding, so SIMD loops have no tail);
 * int8 rows are `dims` rounded up to 16. Capacity is what `reserve` asked for — a bulk load
 * of n rows takes exactly n — and grows by a quarter when rows are added one batch at a
 * time. Scores and picks are scratch space for one search at a time (the indexes are
 * synchronous, so searches never overlap).
 */
export class VectorMatrix {
	readonly rowBytes: number;
	readonly rowBytes8: number;
	readonly backend: ScanBackend;
	private readonly kernel: KernelExports | null;
	private buffer: ArrayBuffer;
	private layout: Layout;
	private count = 0;

	/** @param dims vector length, a positive integer. */
	constructor(
		readonly dims: number,
		private readonly options: VectorMatrixOptions = {}
	) {
		this.rowBytes = roundUp(dims * 4, 16);
		this.rowBytes8 = roundUp(dims, 16);
		this.kernel = options.backend === 'js' ? null : instantiateKernel();
		this.backend = this.kernel ? 'simd' : 'js';
		this.layout = this.plan(0);
		this.buffer = this.kernel ? this.kernel.memory.buffer : new ArrayBuffer(this.layout.end);
	}

	/** Rows stored. */
	get size(): number {
		return this.count;
	}

	/** True when int8 rows are kept. */
	get hasInt8(): boolean {
		return this.options.int8 === true;
	}

	/** Bytes of memory the matrix holds (the WebAssembly memory or the JS buffer). */
	get byteLength(): number {
		return this.memory().byteLength;
	}

	/** Make room for `rows` rows in all; never shrinks. */
	reserve(rows: number): void {
		if (rows <= this.layout.capacity) return;
		const next = this.plan(rows);
		const old = this.layout;
		this.growTo(next.end);
		const bytes = new Uint8Array(this.memory());
		// Later regions move further: move the last ones first (copyWithin is a memmove).
		if (this.hasInt8) {
			bytes.copyWithin(next.scales, old.scales, old.scales + this.count * 4);
			bytes.copyWithin(next.rows8, old.rows8, old.rows8 + this.count * this.rowBytes8);
		}
		this.layout = next;
	}

	/** Append a unit vector (length `dims`); returns its row number. */
	push(unit: Float32Array): number {
		if (this.count === this.layout.capacity) this.reserve(Math.max(this.count + 1, Math.ceil(this.count * 1.25)));
		this.write(this.count, unit);
		return this.count++;
	}

	/** Overwrite row `row` with a unit vector. */
	write(row: number, unit: Float32Array): void {
		const f32 = new Float32Array(this.memory(), this.layout.rows + row * this.rowBytes, this.rowBytes / 4);
		f32.fill(0);
		f32.set(unit);
		if (this.hasInt8) this.quantize(row, unit);
	}

	/** Move the last row into `row` and drop the last (row removal that keeps rows contiguous). */
	moveLastTo(row: number): void {
		const last = this.count - 1;
		if (row !== last) {
			const bytes = new Uint8Array(this.memory());
			const { rows, rows8, scales } = this.layout;
			bytes.copyWithin(rows + row * this.rowBytes, rows + last * this.rowBytes, rows + (last + 1) * this.rowBytes);
			if (this.hasInt8) {
				bytes.copyWithin(rows8 + row * this.rowBytes8, rows8 + last * this.rowBytes8, rows8 + (last + 1) * this.rowBytes8);
				bytes.copyWithin(scales + row * 4, scales + last * 4, scales + last * 4 + 4);
			}
		}
		this.count--;
	}

	/** A copy of row `row` (length `dims`). */
	row(row: number): Float32Array {
		return new Float32Array(this.memory(), this.layout.rows + row * this.rowBytes, this.dims).slice();
	}

	/** Set the query (a unit vector of length `dims`) for the next scans. */
	setQuery(unit: Float32Array): void {
		const q = new Float32Array(this.memory(), this.layout.query, this.rowBytes / 4);
		q.fill(0);
		q.set(unit);
		if (this.hasInt8) {
			const q8 = new Int8Array(this.memory(), this.layout.query8, this.rowBytes8);
			q8.fill(0);
			quantizeInto(unit, q8);
		}
	}

	/** f32 dot products of every row with the query; a view of the scores (valid until the next call). */
	scan(): Float32Array {
		const { rows, query, scores } = this.layout;
		if (this.kernel) this.kernel.scan_f32(rows, this.count, this.rowBytes, query, scores);
		else this.jsGather(null, this.count);
		return new Float32Array(this.memory(), scores, this.count);
	}

	/**
	 * Approximate scores from the int8 rows: `(Σ q8·r8) · scale(row)`, proportional to the
	 * dot product of the dequantised vectors (the query's scale is a constant factor, left out).
	 * @throws Error when the matrix keeps no int8 rows.
	 */
	scanInt8(): Float32Array {
		if (!this.hasInt8) throw new Error('This matrix keeps no int8 rows.');
		const { rows8, query8, scales, scores } = this.layout;
		if (this.kernel) this.kernel.scan_i8(rows8, this.count, this.rowBytes8, query8, scales, scores);
		else this.jsScanInt8();
		return new Float32Array(this.memory(), scores, this.count);
	}

	/**
	 * The picks scratch (i32 row numbers, `capacity` slots) for {@link scorePicks}: a graph search
	 * writes the rows it wants scored straight into wasm memory. Valid until the matrix grows.
	 */
	picksView(): Int32Array {
		this.refreshViews();
		return this.views!.picks;
	}

	/**
	 * Scores of the rows written to `picksView()[0..count)`, in `[0..count)` of the returned
	 * scratch view (no copy, no allocation: the hot path of graph search).
	 */
	scorePicks(count: number): Float32Array {
		const { rows, picks, query, scores } = this.layout;
		if (this.kernel) this.kernel.gather_f32(rows, this.rowBytes, picks, count, query, scores);
		else this.jsGather(this.picksView(), count);
		this.refreshViews();
		return this.views!.scores;
	}

	/** f32 dot products of the query with rows `picked[0..count)`; a view of the scores. */
	gather(picked: ArrayLike<number>, count = picked.length): Float32Array {
		if (count > this.layout.capacity) throw new RangeError(`gather of ${count} rows from a matrix of ${this.layout.capacity}.`);
		const { rows, picks, query, scores } = this.layout;
		const ids = new Int32Array(this.memory(), picks, count);
		for (let j = 0; j < count; j++) ids[j] = picked[j]!;
		if (this.kernel) this.kernel.gather_f32(rows, this.rowBytes, picks, count, query, scores);
		else this.jsGather(ids, count);
		return new Float32Array(this.memory(), scores, count);
	}

	/** f32 dot product of rows `a` and `b`. */
	dotRows(a: number, b: number): number {
		const base = this.layout.rows;
		if (this.kernel) return this.kernel.dot_f32(base + a * this.rowBytes, base + b * this.rowBytes, this.rowBytes);
		const m = new Float32Array(this.memory());
		const fa = (base + a * this.rowBytes) / 4;
		const fb = (base + b * this.rowBytes) / 4;
		let sum = 0;
		for (let i = 0; i < this.dims; i++) sum += m[fa + i]! * m[fb + i]!;
		return sum;
	}

	/** f32 dot product of the query (see {@link setQuery}) with row `b`. */
	dotQueryRow(b: number): number {
		const { rows, query } = this.layout;
		if (this.kernel) return this.kernel.dot_f32(query, rows + b * this.rowBytes, this.rowBytes);
		const m = new Float32Array(this.memory());
		const fq = query / 4;
		const fb = (rows + b * this.rowBytes) / 4;
		let sum = 0;
		for (let i = 0; i < this.dims; i++) sum += m[fq + i]! * m[fb + i]!;
		return sum;
	}

	/** Σ of every stored f32 (rows padded to 64 bytes' worth): the benchmark's read-only stream. */
	stream(): number {
		const bytes = this.count * this.rowBytes;
		if (this.kernel) return this.kernel.stream_f32(this.layout.rows, bytes - (bytes % 64));
		const m = new Float32Array(this.memory(), this.layout.rows, bytes / 4);
		let sum = 0;
		for (let i = 0; i < m.length; i++) sum += m[i]!;
		return sum;
	}

	private views: { buffer: ArrayBuffer; layout: Layout; picks: Int32Array; scores: Float32Array } | null = null;

	private refreshViews(): void {
		const buffer = this.memory();
		if (this.views && this.views.buffer === buffer && this.views.layout === this.layout) return;
		const { picks, scores, capacity } = this.layout;
		this.views = {
			buffer,
			layout: this.layout,
			picks: new Int32Array(buffer, picks, capacity),
			scores: new Float32Array(buffer, scores, capacity)
		};
	}

	private memory(): ArrayBuffer {
		// Only growTo grows the memory (and re-reads its buffer, as growth detaches the old one).
		return this.buffer;
	}

	private plan(capacity: number): Layout {
		const query = 0;
		const query8 = roundUp(this.rowBytes, 64);
		const rows = query8 + roundUp(this.rowBytes8, 64);
		const rows8 = rows + capacity * this.rowBytes;
		const scales = rows8 + (this.hasInt8 ? capacity * this.rowBytes8 : 0);
		const scores = roundUp(scales + (this.hasInt8 ? capacity * 4 : 0), 16);
		const picks = scores + capacity * 4;
		return { capacity, query, query8, rows, rows8, scales, scores, picks, end: picks + capacity * 4 };
	}

	private growTo(end: number): void {
		if (this.kernel) {
			const have = this.kernel.memory.buffer.byteLength;
			if (end > have) this.kernel.memory.grow(Math.ceil((end - have) / PAGE));
			this.buffer = this.kernel.memory.buffer;
			return;
		}
		if (end <= this.buffer.byteLength) return;
		const next = new ArrayBuffer(end);
		new Uint8Array(next).set(new Uint8Array(this.buffer));
		this.buffer = next;
	}

	private quantize(row: number, unit: Float32Array): void {
		const q8 = new Int8Array(this.memory(), this.layout.rows8 + row * this.rowBytes8, this.rowBytes8);
		q8.fill(0);
		new Float32Array(this.memory(), this.layout.scales + row * 4, 1)[0] = quantizeInto(unit, q8);
	}

	private jsGather(ids: Int32Array | null, count: number): void {
		const m = new Float32Array(this.memory());
		const out = new Float32Array(this.memory(), this.layout.scores, count);
		const fq = this.layout.query / 4;
		const stride = this.rowBytes / 4;
		for (let j = 0; j < count; j++) {
			const base = this.layout.rows / 4 + (ids ? ids[j]! : j) * stride;
			let sum = 0;
			for (let i = 0; i < this.dims; i++) sum += m[fq + i]! * m[base + i]!;
			out[j] = sum;
		}
	}

	private jsScanInt8(): void {
		const m8 = new Int8Array(this.memory());
		const scales = new Float32Array(this.memory(), this.layout.scales, this.count);
		const out = new Float32Array(this.memory(), this.layout.scores, this.count);
		const q8 = this.layout.query8;
		for (let r = 0; r < this.count; r++) {
			const base = this.layout.rows8 + r * this.rowBytes8;
			let sum = 0;
			for (let i = 0; i < this.dims; i++) sum += m8[q8 + i]! * m8[base + i]!;
			out[r] = sum * scales[r]!;
		}
	}
}

/**
 * Symmetric int8 quantisation of one vector: `q_i = round(v_i / s)` with `s = max|v_i| / 127`,
 * so every value is in [-127, 127]; returns `s` (0 for the zero vector, which quantises to 0).
 * The dot product of two vectors is then ≈ `s_a · s_b · Σ q_a·q_b`.
 */
export function quantizeInto(v: Float32Array, out: Int8Array): number {
	let max = 0;
	for (let i = 0; i < v.length; i++) max = Math.max(max, Math.abs(v[i]!));
	if (max === 0) return 0;
	const inv = 127 / max;
	for (let i = 0; i < v.length; i++) out[i] = Math.round(v[i]! * inv);
	return max / 127;
}
