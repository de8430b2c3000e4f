#!/usr/bin/env node
// The `assay` command. Runs the built CLI (dist-cli/assay.mjs, plain JavaScript from
// `npm run build:cli`, which `npm install`/`npm ci` run through `prepare`) when it is present
// and no source it was built from is newer; otherwise runs the TypeScript sources through tsx,
// with a one-line note on stderr, so a checkout without a build, or with edited sources, still
// runs what the sources say.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { builtCliStaleReason } from '../scripts/cli-freshness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const reason = builtCliStaleReason(root);
if (reason === undefined) {
	// Stack traces of unexpected errors point into src/ (the bundle's source maps), as with tsx.
	process.setSourceMapsEnabled(true);
	await import(pathToFileURL(join(root, 'dist-cli/assay.mjs')).href);
} else {
	process.stderr.write(`assay: running the TypeScript sources through tsx (${reason}; npm run build:cli builds it)\n`);
	const { register } = await import('tsx/esm/api');
	register();
	await import('../src/cli/main.ts');
}
