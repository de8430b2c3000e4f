import { describe, expect, it } from 'vitest';
import { CHUNKER_VERSION, chunkingConfigHash } from '../../../src/lib/chunking/index.ts';
import { canonicalJson, sha256Text } from '../../../src/lib/shared/hash.ts';
import { AssayError } from '../../../src/lib/shared/errors.ts';

describe('chunkingConfigHash', () => {
	it('is the SHA-256 of the canonical JSON of the chunker version and the validated config', async () => {
		const config = { chunkSizeChars: 800, chunkOverlapChars: 96 };
		const expected = await sha256Text(canonicalJson({ chunker: CHUNKER_VERSION, config }));
		expect(await chunkingConfigHash(config)).toBe(expected);
		expect(expected).toMatch(/^[0-9a-f]{64}$/);
	});

	it('does not depend on key order and changes with any setting', async () => {
		const a = await chunkingConfigHash({ chunkSizeChars: 500, chunkOverlapChars: 50 });
		const b = await chunkingConfigHash({ chunkOverlapChars: 50, chunkSizeChars: 500 });
		const c = await chunkingConfigHash({ chunkSizeChars: 500, chunkOverlapChars: 51 });
		expect([a === b, a === c]).toEqual([true, false]);
	});

	it('rejects an invalid configuration with CONFIG_INVALID', async () => {
		await expect(chunkingConfigHash({ chunkSizeChars: 8, chunkOverlapChars: 8 })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
		await expect(chunkingConfigHash({ chunkSizeChars: 8, chunkOverlapChars: 8 })).rejects.toBeInstanceOf(AssayError);
	});
});
