import { describe, expect, it } from 'vitest';
import { CfworkerSchemaValidator } from '../../../../src/lib/adapters/json-schema-validator.ts';
import { maximumBipartiteMatching } from '../../../../src/lib/evals/agents/matching.ts';
import { argumentsSatisfy, type ExpectedToolCall } from '../../../../src/lib/evals/agents/format.ts';
import { aggregateAgentScores, scoreAgentTask, wilsonInterval, type AgentTaskScore } from '../../../../src/lib/evals/agents/metrics.ts';
import { fixtureTasks, fixtureTools, recordedRuns, runFixtureTask, turnScriptedModel } from '../../../support/agent-fixture.ts';
import { parseAgentTasksJsonl } from '../../../../src/lib/evals/agents/format.ts';
import { runAgent } from '../../../../src/lib/agents/loop.ts';
import { denyAllPolicy } from '../../../../src/lib/agents/approval.ts';

const validator = new CfworkerSchemaValidator();

/**
 * Hand-computed values for tests/fixtures/agents (tasks.jsonl + runs.json). P = matched actual /
 * actual calls, R = matched expected / expected, AC = calls of an expected name satisfying one of
 * its constraints / calls of an expected name, T = trajectory match in the task's mode, S = success.
 *
 * t1 search(query "flat plate lift" ⊇ "LIFT" case-insensitively ✓), read_chunk(d7#0 ✓): P 2/2, R 2/2, AC 2/2, in_order ✓,
 *    check "2πα" ✓, final_answer → S ✓.
 * t2 A1 search("boundary layer", 10), A2 search("boundary layer transition", 5), A3 read_chunk.
 *    E1 {query ∋ boundary} fits A1, A2; E2 {query ∋ boundary, top_k 10} fits A1 only. Max matching
 *    E1–A2, E2–A1 = 2 (greedy E1–A1 leaves E2 alone = 1). P 2/3, R 2/2, AC 2/2 (read_chunk has no
 *    expected call of its name), any_order [s, s] ⊆ [s, s, r] ✓, S ✓.
 * t3 read_document('{"document_id": 12' — malformed, invalid) then read_document(d12 ✓): P 1/2, R 1/1,
 *    AC 1/2 (the invalid call counts, unsatisfied), exact [rd] ≠ [rd, rd] ✗, S ✓.
 * t4 delete_note(n1) denied by policy:deny-all (1 approval asked): P 1/1, R 1/1, AC 1/1, exact ✓;
 *    check "deleted" ✗ → S ✗.
 * t5 (maxSteps 2) search("airfoil" ✗ regex ^wing), search("wing span", top_k 20 ✗ ≤ 10) → max_steps:
 *    P 0/2, R 0/1, AC 0/2, in_order [s] ⊑ [s, s] ✓ (names only), S ✗ (no final answer).
 * t6 expects no call, makes none: P 1, R 1, AC n/a, in_order [] ✓, check /^hello/i ✓, S ✓.
 * t7 no expectation: P, R, AC, T n/a; S ✓.
 * t8 expects no call, makes one: P 0/1 = 0, R 1 (nothing missed), AC n/a, exact [] ≠ [s] ✗, S ✓.
 *
 * Means over the tasks that have the metric:
 *   task-success 6/8 = 0.75; tool-precision (1 + 2/3 + 1/2 + 1 + 0 + 1 + 0)/7 = (25/6)/7 = 25/42;
 *   tool-recall 6/7; argument-correctness (1 + 1 + 1/2 + 1 + 0)/5 = 0.7; trajectory-match 5/7.
 *   steps (3+3+3+2+2+1+2+2)/8 = 2.25; tokens 100/10 per turn → 225 in, 22.5 out;
 *   duration (1200+900+1500+800+2000+300+700+600)/8 = 1000 ms; approvals 1; stops 7 final_answer, 1 max_steps.
 *   Wilson 95 % for 6/8 (z = 1.959964, z² = 3.841459): centre (0.75 + z²/16)/(1 + z²/8) = 0.990091/1.480182
 *   = 0.668898; half-width (z/1.480182)·√(0.75·0.25/8 + z²/256) = 1.324137 · 0.196069 = 0.259623 →
 *   [0.409275, 0.928521].
 */
const EXPECTED: Record<string, [number | null, number | null, number | null, boolean | null, boolean]> = {
	't1-lift': [1, 1, 1, true, true],
	't2-greedy': [2 / 3, 1, 1, true, true],
	't3-invalid': [0.5, 1, 0.5, false, true],
	't4-denied': [1, 1, 1, true, false],
	't5-steps': [0, 0, 0, true, false],
	't6-no-tools': [1, 1, null, true, true],
	't7-free': [null, null, null, null, true],
	't8-extra': [0, 1, null, false, true]
};

const row = (s: AgentTaskScore) => [s.toolPrecision, s.toolRecall, s.argumentCorrectness, s.trajectoryMatch, s.taskSuccess];

function scoreRecorded(): AgentTaskScore[] {
	const runs = recordedRuns();
	return fixtureTasks().map((t) => scoreAgentTask(t, runs[t.id] as NonNullable<(typeof runs)[string]>, { validator }));
}

describe('agent metrics on the hand-computed fixture', () => {
	it('scores each recorded run as worked out by hand', () => {
		const scores = scoreRecorded();
		expect(Object.fromEntries(scores.map((s) => [s.taskId, row(s)]))).toEqual(EXPECTED);
		const t2 = scores[1] as AgentTaskScore;
		expect(t2.expectedMatched).toEqual([1, 0]);
		expect(t2.calls.map((c) => c.matchedExpected)).toEqual([1, 0, null]);
		const t4 = scores[3] as AgentTaskScore;
		expect(t4.approvalsAsked).toBe(1);
		expect(t4.failures).toEqual(['check says-deleted failed: ' + (t4.checks[0]?.reason ?? '')]);
		expect(scores[4]?.failures[0]).toBe('no final answer: max_steps (stopped after 2 steps (maxSteps))');
		expect(scores[2]?.calls.map((c) => [c.status, c.argumentsCorrect])).toEqual([
			['invalid', false],
			['ok', true]
		]);
	});

	it('aggregates the fixture to the hand-computed means, Wilson interval and stop counts', () => {
		const agg = aggregateAgentScores(scoreRecorded());
		expect(agg.means['task-success']).toEqual({ mean: 0.75, n: 8 });
		expect(agg.means['tool-precision']?.mean).toBeCloseTo(25 / 42, 15);
		expect(agg.means['tool-precision']?.n).toBe(7);
		expect(agg.means['tool-recall']).toEqual({ mean: 6 / 7, n: 7 });
		expect(agg.means['argument-correctness']).toEqual({ mean: 0.7, n: 5 });
		expect(agg.means['trajectory-match']).toEqual({ mean: 5 / 7, n: 7 });
		expect(agg.taskSuccess.passed).toBe(6);
		expect(agg.taskSuccess.rate).toBe(0.75);
		expect(agg.taskSuccess.wilson95?.low).toBeCloseTo(0.409275, 6);
		expect(agg.taskSuccess.wilson95?.high).toBeCloseTo(0.928521, 6);
		expect([agg.meanSteps, agg.meanInputTokens, agg.meanOutputTokens, agg.meanDurationMs, agg.approvalsAsked]).toEqual([
			2.25, 225, 22.5, 1000, 1
		]);
		expect(agg.stopReasons).toEqual({ final_answer: 7, max_steps: 1 });
	});

	it('scores live loop runs of the fixture tasks exactly as the recorded ones', async () => {
		for (const task of fixtureTasks()) {
			const live = scoreAgentTask(task, await runFixtureTask(task), { validator });
			expect([task.id, ...row(live)]).toEqual([task.id, ...(EXPECTED[task.id] ?? [])]);
		}
	});

	it('pairs calls by maximum bipartite matching where greedy pairing falls short', () => {
		const expected: ExpectedToolCall[] = [
			{ name: 'search', arguments: { query: { kind: 'contains', value: 'boundary' } } },
			{ name: 'search', arguments: { query: { kind: 'contains', value: 'boundary' }, top_k: { kind: 'equals', value: 10 } } }
		];
		const actual = [
			{ query: 'boundary layer', top_k: 10 },
			{ query: 'boundary layer transition', top_k: 5 }
		];
		const allowed = (i: number, j: number) => argumentsSatisfy(expected[i] as ExpectedToolCall, actual[j] as Record<string, unknown>);
		// Greedy: each expected call takes its first free compatible call.
		const taken = new Set<number>();
		const greedy = expected.map((_, i) => {
			const j = actual.findIndex((_, k) => !taken.has(k) && allowed(i, k));
			if (j >= 0) taken.add(j);
			return j;
		});
		expect(greedy).toEqual([0, -1]);
		expect(maximumBipartiteMatching(2, 2, allowed)).toEqual([1, 0]);
		// A longer augmenting path: three left items, the last one forces two re-pairings.
		const edges = [[0, 1], [0, 2], [0]];
		expect(maximumBipartiteMatching(3, 3, (i, j) => edges[i]?.includes(j) ?? false)).toEqual([1, 2, 0]);
	});

	it('uses the judge grade: a failing grade fails the task, a judge error leaves success unscored', () => {
		const task = fixtureTasks()[6];
		const run = recordedRuns()['t7-free'];
		if (!task || !run) throw new Error('fixture');
		const pass = scoreAgentTask(task, run, { validator, judge: { ok: true, score: 5, pass: true, rationale: 'matches' } });
		const fail = scoreAgentTask(task, run, { validator, judge: { ok: true, score: 2, pass: false, rationale: 'wrong' } });
		const err = scoreAgentTask(task, run, { validator, judge: { ok: false, error: { code: 'JUDGE_OUTPUT_INVALID', message: 'bad' } } });
		expect([pass.taskSuccess, fail.taskSuccess, err.taskSuccess]).toEqual([true, false, null]);
		expect(fail.failures).toEqual(['judge scored 2 (below the pass threshold): wrong']);
		expect(err.failures).toEqual(['judge failed: JUDGE_OUTPUT_INVALID: bad']);
	});

	it('computes the Wilson interval of the edge proportions', () => {
		expect(wilsonInterval(0, 0)).toBeNull();
		const all = wilsonInterval(10, 10);
		expect(all?.high).toBe(1);
		expect(all?.low).toBeCloseTo(0.722467, 6);
	});

	it('scores an edited call on the arguments that ran, and a denied one on the arguments the model proposed', async () => {
		const [task] = parseAgentTasksJsonl(
			JSON.stringify({ id: 'e', task: 'Delete note n9.', expectedToolCalls: [{ name: 'delete_note', arguments: { note_id: 'n9' } }] })
		).tasks;
		if (!task) throw new Error('fixture');
		const model = turnScriptedModel([
			{ tokens: [], toolCalls: [{ name: 'delete_note', arguments: { note_id: 'n1' } }] },
			{ tokens: ['Done.'] }
		]);
		const edited = await runAgent({
			task: task.task,
			model,
			tools: fixtureTools(),
			validator,
			approval: { decide: async () => ({ decision: 'edit', arguments: { note_id: 'n9' }, by: 'person:ana' }) }
		});
		const s = scoreAgentTask(task, edited, { validator });
		expect(s.calls[0]).toMatchObject({ status: 'ok', arguments: { note_id: 'n9' }, matchedExpected: 0, argumentsCorrect: true });
		expect([s.toolPrecision, s.toolRecall]).toEqual([1, 1]);
		const denied = await runAgent({
			task: task.task,
			model: turnScriptedModel([{ tokens: [], toolCalls: [{ name: 'delete_note', arguments: { note_id: 'n9' } }] }, { tokens: ['No.'] }]),
			tools: fixtureTools(),
			validator,
			approval: denyAllPolicy()
		});
		const d = scoreAgentTask(task, denied, { validator });
		expect(d.calls[0]).toMatchObject({ status: 'denied', arguments: { note_id: 'n9' }, matchedExpected: 0 });
	});
});
