// Whether dist-cli/ (built by scripts/build-cli.mjs) may run: shared by bin/assay.js, the
// built-CLI test and the CLI benchmark. Stats each source listed in dist-cli/inputs.json
// (about 300 files; a few ms).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Why the built CLI under `root` must not run, or undefined when it may: dist-cli/assay.mjs or
 * dist-cli/inputs.json is missing or unreadable, a source it was built from is gone, or one is
 * newer (mtime) than dist-cli/assay.mjs.
 * @param {string} root the repository root
 * @returns {string | undefined}
 */
export function builtCliStaleReason(root) {
	const built = join(root, 'dist-cli/assay.mjs');
	if (!existsSync(built)) return 'dist-cli/assay.mjs is missing';
	const builtMs = statSync(built).mtimeMs;
	/** @type {{ inputs: string[] }} */
	let manifest;
	try {
		manifest = JSON.parse(readFileSync(join(root, 'dist-cli/inputs.json'), 'utf8'));
	} catch {
		return 'dist-cli/inputs.json is missing or unreadable';
	}
	for (const input of manifest.inputs) {
		const stat = statSync(join(root, input), { throwIfNoEntry: false });
		if (stat === undefined) return `${input}, a source of dist-cli/, is gone`;
		if (stat.mtimeMs > builtMs) return `${input} is newer than dist-cli/`;
	}
	return undefined;
}
