import { describe, expect, it } from 'vitest';
import { runStages, summarise } from '../../../scripts/test-stages.mjs';

const STAGES = [
	{ name: 'check', cmd: ['check'] },
	{ name: 'unit', cmd: ['unit'] },
	{ name: 'integration', cmd: ['integration'] },
	{ name: 'build', cmd: ['build'] },
	{ name: 'e2e', cmd: ['e2e'], needs: 'build' }
];

/** A fake runner: the named stages exit 1, the rest 0; records what ran. */
function runner(failing: string[]) {
	const ran: string[] = [];
	return { ran, run: (stage: { name: string }) => (ran.push(stage.name), { status: failing.includes(stage.name) ? 1 : 0 }) };
}

describe('npm test stage runner', () => {
	it('runs every later stage after one fails and reports each failure', () => {
		const { ran, run } = runner(['check', 'integration']);
		const results = runStages(STAGES, run, () => 0);
		expect(ran).toEqual(['check', 'unit', 'integration', 'build', 'e2e']);
		expect(results.map((r) => [r.name, r.status, r.why])).toEqual([
			['check', 'failed', 'exit 1'],
			['unit', 'passed', undefined],
			['integration', 'failed', 'exit 1'],
			['build', 'passed', undefined],
			['e2e', 'passed', undefined]
		]);
		const summary = summarise(results);
		expect(summary.exitCode).toBe(1);
		expect(summary.lines.at(-1)).toBe('2 of 5 stages did not pass: check, integration');
	});

	it('skips the end-to-end stage when the build failed instead of testing a stale build', () => {
		const { ran, run } = runner(['build']);
		const results = runStages(STAGES, run, () => 0);
		expect(ran).not.toContain('e2e');
		expect(results.at(-1)).toEqual({ name: 'e2e', status: 'skipped', ms: 0, why: 'build failed' });
		expect(summarise(results).lines.at(-1)).toBe('2 of 5 stages did not pass: build, e2e');
	});

	it('names a stage killed by a signal or that could not start', () => {
		const results = runStages(
			STAGES.slice(0, 2),
			(stage) => (stage.name === 'check' ? { status: null, signal: 'SIGKILL' } : { status: null, error: new Error('spawn npm ENOENT') }),
			() => 0
		);
		expect(results.map((r) => r.why)).toEqual(['killed by SIGKILL', 'spawn npm ENOENT']);
	});

	it('passes with exit code 0 only when every stage passed', () => {
		const { run } = runner([]);
		expect(summarise(runStages(STAGES, run, () => 0))).toMatchObject({
			exitCode: 0,
			lines: expect.arrayContaining(['All 5 stages passed.'])
		});
	});
});
