import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../support/cli.ts';
import { answerWorkspace, gradedRunReport } from '../../support/answer-runs.ts';

const dir = fileURLToPath(new URL('../../fixtures/gate/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'assay-gate-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const f = (name: string) => join(dir, name);

async function gate(...argv: string[]) {
	return runCliCaptured(['gate', ...argv]);
}

describe('assay gate', () => {
	it('exits 0 and prints PASS for the pair built to pass', async () => {
		expect(await gate('--baseline', f('baseline.json'), '--candidate', f('candidate-pass.json'))).toMatchObject({
			code: 0,
			stdout: expect.stringMatching(/^PASS/)
		});
	});

	it('exits 1 and prints FAIL with reasons for the pair built to fail', async () => {
		const r = await gate('--baseline', f('baseline.json'), '--candidate', f('candidate-fail.json'));
		expect(r.code).toBe(1);
		expect(r.stdout).toMatch(
			/FAIL ndcg@10: baseline 0\.6089, candidate 0\.4589, delta −0\.1500, limit drop ≤ 0\.02, drop ≤ 5 % — dropped 0\.1500[^\n]*; p = 0\.\d{4} \(a breached limit fails whatever the p-value\)/
		);
		// The p-value is printed once per line, beside the decision it qualifies.
		for (const line of r.stdout.split('\n').filter((l) => l.includes('ndcg@10:'))) expect(line.match(/p = /g)).toHaveLength(1);
	});

	it('exits 2 for reports on different golden sets', async () => {
		expect(await gate('--baseline', f('baseline.json'), '--candidate', f('candidate-other-set.json'))).toMatchObject({
			code: 2,
			stderr: expect.stringMatching(/different golden sets/)
		});
	});

	it('exits 2 for a file that is not an eval report', async () => {
		const bad = join(work, 'bad.json');
		writeFileSync(bad, '{"schema": "something else"}');
		expect(await gate('--baseline', bad, '--candidate', f('candidate-pass.json'))).toMatchObject({
			code: 2,
			stderr: expect.stringMatching(/Not an Assay eval report/)
		});
	});

	it('names the file a refused report came from, and with --json puts the error on stdout too', async () => {
		const array = join(work, 'array.json');
		writeFileSync(array, '[]');
		const r = await gate('--baseline', f('baseline.json'), '--candidate', array, '--json');
		expect(r.code).toBe(2);
		expect(r.stderr).toContain(`The candidate report ${array}: Not an Assay eval report`);
		expect(JSON.parse(r.stdout)).toMatchObject({ verdict: 'ERROR', error: { code: 'DATASET_INVALID' } });
	});

	it('prints a usage error in one line with a pointer to --help, not the whole help text', async () => {
		const r = await gate('--baseline', f('baseline.json'), '--candidate', f('candidate-pass.json'), '--max-drop', 'ndcg@10');
		expect(r.stderr).toBe(
			'assay gate: --max-drop must be metric=value (0.02 or 5%), received "ndcg@10"\nRun "assay gate --help" for the options.\n'
		);
	});

	it('exits 2 for a missing file', async () => {
		expect((await gate('--baseline', join(work, 'nope.json'), '--candidate', f('candidate-pass.json'))).code).toBe(2);
	});

	it('exits 2 for a malformed --max-drop', async () => {
		expect((await gate('--baseline', f('baseline.json'), '--candidate', f('candidate-pass.json'), '--max-drop', 'ndcg@10')).code).toBe(2);
	});

	it('passes the failing pair when --max-drop flags allow the drop', async () => {
		const r = await gate(
			'--baseline',
			f('baseline.json'),
			'--candidate',
			f('candidate-fail.json'),
			'--max-drop',
			'ndcg@10=0.2',
			'--max-drop',
			'recall@10=20%'
		);
		expect(r.code).toBe(0);
	});

	it('reads thresholds from --config, and the flags override it', async () => {
		const args = ['--baseline', f('baseline.json'), '--candidate', f('candidate-fail.json'), '--config', f('gate.json')];
		expect((await gate(...args)).code).toBe(1);
		expect((await gate(...args, '--max-drop', 'ndcg@10=0.3')).code).toBe(0);
	});

	it('prints the result as JSON with --json', async () => {
		const r = await gate('--baseline', f('baseline.json'), '--candidate', f('candidate-pass.json'), '--json');
		expect(JSON.parse(r.stdout)).toMatchObject({ verdict: 'PASS', queryCount: 30 });
	});

	it('prints the default rules and how a rule decides in --help', async () => {
		const help = await gate('--help');
		expect(help.code).toBe(0);
		expect(help.stdout).toContain('ndcg@10: drop ≤ 0.02, drop ≤ 5 %');
		expect(help.stdout).toContain('How a rule decides');
		expect(help.stdout).toMatch(/FAIL\s+when the candidate mean is below the rule's floor \(min\), whatever the baseline/);
		expect(help.stdout).toMatch(
			/FAIL\s+when the drop exceeds maxDrop[^]*whatever the p-value — unless the rule sets requireSignificance, then only when\s+the drop is also significant \(p < alpha\)/
		);
	});

	it('fails on a --min floor the candidate is below even when it did not drop from the baseline', async () => {
		const r = await gate('--baseline', f('baseline.json'), '--candidate', f('baseline.json'), '--min', 'ndcg@10=0.7');
		expect(r.code).toBe(1);
		expect(r.stdout).toMatch(
			/FAIL ndcg@10: baseline 0\.6089, candidate 0\.6089, delta \+0\.0000, limit drop ≤ 0\.02, drop ≤ 5 %, mean ≥ 0\.7, p = 1\.0000 — candidate mean 0\.6089 is below the floor 0\.7/
		);
		expect((await gate('--baseline', f('baseline.json'), '--candidate', f('baseline.json'), '--min', 'ndcg@10=0.6')).code).toBe(0);
	});

	it('adds a --min floor on top of the metric’s drop limits instead of replacing them', async () => {
		const r = await gate('--baseline', f('baseline.json'), '--candidate', f('candidate-fail.json'), '--min', 'ndcg@10=0.1', '--json');
		expect(r.code).toBe(1);
		expect(JSON.parse(r.stdout).metrics[0]).toMatchObject({ metric: 'ndcg@10', limit: 'drop ≤ 0.02, drop ≤ 5 %, mean ≥ 0.1', pass: false });
	});

	it('replaces both drop limits of a metric with the --max-drop given', async () => {
		const r = await gate('--baseline', f('baseline.json'), '--candidate', f('candidate-pass.json'), '--max-drop', 'ndcg@10=0.3', '--json');
		expect(JSON.parse(r.stdout).metrics[0]).toMatchObject({ metric: 'ndcg@10', limit: 'drop ≤ 0.3' });
	});

	it('refuses --require-significance on a rule that has only a floor, since it would change nothing', async () => {
		const r = await gate(
			'--baseline',
			f('baseline.json'),
			'--candidate',
			f('candidate-pass.json'),
			'--min',
			'judge.correctness=4.2',
			'--require-significance',
			'judge.correctness'
		);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain('--require-significance judge.correctness: its rule has no drop limit');
	});

	it("--require-significance makes that metric's drop limits fail only when significant", async () => {
		const args = [
			'--baseline',
			f('baseline.json'),
			'--candidate',
			f('candidate-fail.json'),
			'--max-drop',
			'ndcg@10=0.02',
			'--max-drop',
			'recall@10=0.2'
		];
		expect((await gate(...args)).code).toBe(1);
		// The fixture's drop is significant, so opting in still fails it.
		const r = await gate(...args, '--require-significance', 'ndcg@10', '--json');
		expect(r.code).toBe(1);
		expect(JSON.parse(r.stdout).metrics[0]).toMatchObject({
			metric: 'ndcg@10',
			requireSignificance: true,
			significantlyWorse: true,
			pass: false
		});
		expect((await gate(...args, '--require-significance', 'mrr@10')).stderr).toMatch(/no rule gates mrr@10/);
	});

	it('exits 2 for a config with the old field names, naming the field and its replacement', async () => {
		const old = join(work, 'old-gate.json');
		writeFileSync(old, JSON.stringify({ metrics: { 'ndcg@10': { maxAbsoluteDrop: 0.02 } } }));
		const r = await gate('--baseline', f('baseline.json'), '--candidate', f('candidate-pass.json'), '--config', old);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain('metrics.ndcg@10.maxAbsoluteDrop is no longer a gate field: use "maxDrop"');
	});

	it('gates answer reports (v2) on judge correctness: exit 1 for a regressed candidate, 0 under a looser flag', async () => {
		// Twelve cases, so a uniform 4-point drop is significant (exact sign-flip p = 2/4096).
		const { svc, workspaceId, goldenSet } = await answerWorkspace(12);
		const baseline = join(work, 'answers-baseline.json');
		const candidate = join(work, 'answers-candidate.json');
		writeFileSync(baseline, JSON.stringify(await gradedRunReport(svc, workspaceId, goldenSet.id, 'baseline', 5)));
		writeFileSync(candidate, JSON.stringify(await gradedRunReport(svc, workspaceId, goldenSet.id, 'candidate', 1)));
		const failed = await gate('--baseline', baseline, '--candidate', candidate, '--max-drop', 'judge.correctness=0.25');
		expect(failed.code).toBe(1);
		expect(failed.stdout).toMatch(
			/FAIL judge\.correctness: baseline 5\.0000, candidate 1\.0000, delta −4\.0000, limit drop ≤ 0\.25 — dropped 4\.0000[^\n]*p = 0\.\d{4}/
		);
		expect((await gate('--baseline', baseline, '--candidate', candidate, '--max-drop', 'judge.correctness=4.5')).code).toBe(0);
	});
});
