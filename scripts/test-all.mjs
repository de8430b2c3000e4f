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

/** @type {{ name: string, cmd: string[], needs?: string }[]} */
const STAGES = [
	{ name: 'check', cmd: ['npm', 'run', 'check'] },
	{ name: 'lint', cmd: ['npm', 'run', 'lint'] },
	{ name: 'unit', cmd: ['npm', 'run', 'test:unit'] },
	{ name: 'integration', cmd: ['npm', 'run', 'test:integration'] },
	{ name: 'build', cmd: ['npm', 'run', 'build'] },
	{ name: 'e2e', cmd: ['npm', 'run', 'test:e2e'], needs: 'build' }
];

/** A TCP port on 127.0.0.1 that nothing listens on right now (the OS picks it). */
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

function formatSeconds(ms) {
	return `${(ms / 1000).toFixed(0)} s`;
}

async function main() {
	const wanted = process.argv.slice(2);
	const unknown = wanted.filter((name) => !STAGES.some((stage) => stage.name === name));
	if (unknown.length > 0) {
		console.error(`Unknown stage(s): ${unknown.join(', ')}. Stages: ${STAGES.map((s) => s.name).join(', ')}`);
		process.exit(2);
	}
	const stages = wanted.length > 0 ? STAGES.filter((stage) => wanted.includes(stage.name)) : STAGES;
	const env = { ...process.env };
	if (!env.ASSAY_E2E_PORT) env.ASSAY_E2E_PORT = String(await freePort());

	/** @type {{ name: string, status: 'passed' | 'failed' | 'skipped', ms: number, why?: string }[]} */
	const results = [];
	for (const stage of stages) {
		const dependency = stage.needs && results.find((result) => result.name === stage.needs);
		if (dependency && dependency.status !== 'passed') {
			results.push({ name: stage.name, status: 'skipped', ms: 0, why: `${stage.needs} ${dependency.status}` });
			continue;
		}
		console.log(`\n━━━ ${stage.name}: ${stage.cmd.join(' ')}${stage.name === 'e2e' ? ` (port ${env.ASSAY_E2E_PORT})` : ''}`);
		const started = Date.now();
		const run = spawnSync(stage.cmd[0], stage.cmd.slice(1), { stdio: 'inherit', env });
		const ms = Date.now() - started;
		const failed = run.status !== 0;
		const why = run.error ? run.error.message : run.signal ? `killed by ${run.signal}` : failed ? `exit ${run.status}` : undefined;
		results.push({ name: stage.name, status: failed ? 'failed' : 'passed', ms, why });
	}

	console.log('\n━━━ summary');
	for (const result of results) {
		const detail = result.why ? ` (${result.why})` : '';
		console.log(`${result.status.padEnd(7)} ${result.name.padEnd(12)} ${formatSeconds(result.ms)}${detail}`);
	}
	const bad = results.filter((result) => result.status !== 'passed');
	if (bad.length > 0) {
		console.log(`\n${bad.length} of ${results.length} stages did not pass: ${bad.map((r) => r.name).join(', ')}`);
		process.exit(1);
	}
	console.log(`\nAll ${results.length} stages passed.`);
}

await main();
