/**
 * Content hashing with Web Crypto (`crypto.subtle`, available in browsers, workers and
 * Node ≥ 20 as `globalThis.crypto`).
 */

/** SHA-256 of `bytes` as 64 lowercase hex characters. */
export async function sha256Hex(bytes: Uint8Array | ArrayBuffer): Promise<string> {
	const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
	const digest = await crypto.subtle.digest('SHA-256', view as Uint8Array<ArrayBuffer>);
	return toHex(new Uint8Array(digest));
}

/** SHA-256 of the UTF-8 encoding of `text`, as hex. */
export async function sha256Text(text: string): Promise<string> {
	return sha256Hex(new TextEncoder().encode(text));
}

/**
 * JSON with object keys sorted at every level, so equal values always serialise equally
 * (used to hash configurations). Arrays keep their order; `undefined` fields are dropped.
 */
export function canonicalJson(value: unknown): string {
	return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(sortKeys);
	if (value !== null && typeof value === 'object') {
		const out: Record<string, unknown> = {};
		for (const key of Object.keys(value).sort()) {
			const v = (value as Record<string, unknown>)[key];
			if (v !== undefined) out[key] = sortKeys(v);
		}
		return out;
	}
	return value;
}

function toHex(bytes: Uint8Array): string {
	let out = '';
	for (const b of bytes) out += b.toString(16).padStart(2, '0');
	return out;
}

/**
 * FNV-1a, 32-bit, over the UTF-8 bytes of `text`, as 8 lowercase hex characters. Synchronous
 * and pure, for short version tags (tool descriptions + schemas), not for security. Offset
 * basis 2166136261 and prime 16777619 as published by Fowler, Noll and Vo
 * (http://www.isthe.com/chongo/tech/comp/fnv/): `fnv1a32Hex('')` = `811c9dc5`,
 * `fnv1a32Hex('a')` = `e40c292c`, `fnv1a32Hex('foobar')` = `bf9cf968`.
 */
export function fnv1a32Hex(text: string): string {
	let hash = 0x811c9dc5;
	for (const byte of new TextEncoder().encode(text)) {
		hash ^= byte;
		hash = Math.imul(hash, 0x01000193) >>> 0;
	}
	return hash.toString(16).padStart(8, '0');
}
