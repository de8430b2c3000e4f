import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('eslint layer rules', () => {
	it('name exactly the folders of src/lib, each once, as domain or as another layer', async () => {
		const root = join(import.meta.dirname, '..', '..', '..');
		// A computed specifier keeps the config (and svelte.config.js) out of the type-check.
		const config = join(root, 'eslint.config.js');
		const { DOMAIN, LAYERS } = (await import(config)) as { DOMAIN: string[]; LAYERS: string[] };
		const lib = join(root, 'src', 'lib');
		const folders = readdirSync(lib).filter((name) => statSync(join(lib, name)).isDirectory());
		const named = [...DOMAIN, ...LAYERS];
		expect(new Set(named).size).toBe(named.length);
		expect([...named].sort()).toEqual([...folders].sort());
	});
});
