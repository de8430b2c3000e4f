import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssayError } from '../lib/shared/errors.ts';

/**
 * Assay's version, from the `version` of the nearest `package.json` named `assay` above this
 * module. Found by walking up from the module's own file, so it holds both for the TypeScript
 * sources (src/cli/) and for the built CLI (dist-cli/ and dist-cli/chunks/).
 * @throws AssayError INTERNAL when no such package.json exists above the module.
 */
export function appVersion(from: string = import.meta.url): string {
	let dir = dirname(fileURLToPath(from));
	for (;;) {
		const file = join(dir, 'package.json');
		if (existsSync(file)) {
			const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
			if (pkg.name === 'assay' && typeof pkg.version === 'string') return pkg.version;
		}
		const parent = dirname(dir);
		if (parent === dir) throw new AssayError('INTERNAL', `No package.json of assay above ${fileURLToPath(from)}`);
		dir = parent;
	}
}
