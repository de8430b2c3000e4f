/**
 * Trace and span ids for OTLP. OTLP/JSON writes `traceId` as 32 and `spanId` as 16 lowercase hex
 * characters (16 and 8 bytes, https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding), and
 * an all-zero id is invalid (W3C Trace Context). Assay's `BasicTracer` already makes ids of those sizes
 * (`tracer.ts`), which pass through lowercased. The rule for any other id (spans imported from another
 * tool, hand-written fixtures):
 * - hex, shorter than the size: left-padded with `0` (as a 64-bit trace id is widened to 128 bits);
 * - anything else (not hex, too long, all zeros): derived deterministically — FNV-1a 64 of the id's
 *   UTF-8 bytes, with one seed per 8 bytes — so the same id always gives the same OTLP id and parent
 *   links stay intact.
 */

const HEX = /^[0-9a-f]+$/i;

/** FNV-1a 64-bit of `bytes`, starting from `offset`, as 16 hex characters. */
function fnv1a64(bytes: Uint8Array, offset: bigint): string {
	let h = offset;
	for (const b of bytes) {
		h ^= BigInt(b);
		h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
	}
	return h.toString(16).padStart(16, '0');
}

/** FNV-1a 64 offset basis, then further seeds for longer ids. */
const SEEDS = [0xcbf29ce484222325n, 0x84222325cbf29ce4n];

/** `bytes` bytes (8 or 16) derived from `id` by FNV-1a 64 (see the module rule). Never all zeros in practice. */
export function deriveHexId(id: string, bytes: 8 | 16): string {
	const data = new TextEncoder().encode(id);
	return SEEDS.slice(0, bytes / 8)
		.map((seed) => fnv1a64(data, seed))
		.join('');
}

/** `id` as an OTLP id of `bytes` bytes: lowercase hex as is, short hex left-padded, anything else derived. */
export function toOtlpId(id: string, bytes: 8 | 16): string {
	const chars = bytes * 2;
	if (HEX.test(id) && id.length <= chars && /[1-9a-f]/i.test(id)) return id.toLowerCase().padStart(chars, '0');
	return deriveHexId(id, bytes);
}

/** True when `id` is a valid OTLP/JSON id of `bytes` bytes: exactly 2×bytes hex characters, not all zeros. */
export function isOtlpHexId(id: string, bytes: 8 | 16): boolean {
	return id.length === bytes * 2 && HEX.test(id) && /[1-9a-f]/i.test(id);
}

/**
 * True when `id` looks like the base64 that protobuf's generic JSON mapping writes for bytes (which
 * OTLP/JSON forbids): 24 characters for 16 bytes or 12 for 8 bytes, base64 alphabet, `=` padding.
 */
export function looksBase64Id(id: string, bytes: 8 | 16): boolean {
	const len = Math.ceil(bytes / 3) * 4;
	return id.length === len && /^[A-Za-z0-9+/]+={0,2}$/.test(id) && !HEX.test(id);
}
