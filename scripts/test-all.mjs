#!/usr/bin/env node
// `npm test`: run every stage (type-check, lint, unit, integration, build, end-to-end) even
// when an earlier one fails, then print one summary with every failure. A `&&` chain stopped
// at the first red stage and hid the state of all later ones (issue 11, item 20).
//
// The end-to-end stage needs the build; when the build fails it is reported as skipped, not
// run against a stale `build/`. The e2e server gets a free port picked here (ASSAY_E2E_PORT),
// so `npm test` also works while `npm start` serves on 4173.
//
// Usage: node scripts/test-all.mjs [stage ...]   (default: every stage, in order)
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { runStages, summarise } from './test-stages.mjs';

/** @type {import('./test-stages.mjs').Stage[]} */
const STAGES = [
	{ name: 'check', cmd: ['npm', 'run', 'check'] },
	{ name: 'lint', cmd: ['npm', 'run', 'lint'] },
	{ name: 'unit', cmd: ['npm', 'run', 'test:unit'] },
	{ name: 'integration', cmd: ['npm', 'run', 'test:integration'] },
	{ name: 'build', cmd: ['npm', 'run', 'build'] },
	{ name: 'e2e', cmd: ['npm', 'run', 'test:e2e'], needs: 'build' }
];

/** @returns {Promise<number>} a TCP port on 127.0.0.1 that nothing listens on right now (the OS picks it) */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
			server.close(() => resolve(port));
		});
	});
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !STAGES.some((stage) => stage.name === name));
if (unknown.length > 0) {
	console.error(`Unknown stage(s): ${unknown.join(', ')}. Stages: ${STAGES.map((s) => s.name).join(', ')}`);
	process.exit(2);
}
const env = { ...process.env };
if (!env.ASSAY_E2E_PORT) env.ASSAY_E2E_PORT = String(await freePort());
const stages = wanted.length > 0 ? STAGES.filter((stage) => wanted.includes(stage.name)) : STAGES;
const results = runStages(stages, (stage) => {
	console.log(`\n━━━ ${stage.name}: ${stage.cmd.join(' ')}${stage.name === 'e2e' ? ` (port ${env.ASSAY_E2E_PORT})` : ''}`);
	return spawnSync(stage.cmd[0] ?? '', stage.cmd.slice(1), { stdio: 'inherit', env });
});
const { lines, exitCode } = summarise(results);
console.log(['', '━━━ summary', ...lines].join('\n'));
process.exit(exitCode);
