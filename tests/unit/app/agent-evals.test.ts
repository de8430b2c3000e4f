import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020.js';
import { AgentEvals, type AgentEvalsHost } from '../../../src/lib/app/agent-evals.svelte.ts';
import { DEFAULT_AGENT_LIMITS } from '../../../src/lib/agents/loop.ts';
import type { Tool } from '../../../src/lib/agents/types.ts';
import { ScriptedChatModel } from '../../../src/lib/generation/scripted.ts';
import { parseAgentReport, type AgentEvalReport } from '../../../src/lib/evals/agents/index.ts';
import { FIXTURE_TURNS, TASKS_PATH, fixtureTasks, fixtureTools } from '../../support/agent-fixture.ts';

const schema = JSON.parse(readFileSync(new URL('../../../schemas/agent-eval-report.v1.schema.json', import.meta.url), 'utf8')) as object;
const validateReport = new Ajv2020({ strict: false }).compile(schema);
const TASKS_TEXT = readFileSync(TASKS_PATH, 'utf8');

/** One scripted model that plays each fixture task's turns (the task is the first user message). */
function fixtureModel(onRequest: () => void = () => {}): ScriptedChatModel {
	const byTask = new Map(fixtureTasks().map((t) => [t.task, FIXTURE_TURNS[t.id] ?? []]));
	return new ScriptedChatModel(
		'scripted-agent',
		(r) => {
			onRequest();
			const turns = byTask.get(r.messages.find((m) => m.role === 'user')?.content ?? '') ?? [];
			return turns[Math.min(r.messages.filter((m) => m.role === 'assistant').length, turns.length - 1)] ?? { tokens: [] };
		},
		async () => {}
	);
}

/** A host with the fixture's tools and model; downloads are kept in `saved`. */
function fakeHost(over: Partial<AgentEvalsHost> = {}) {
	const saved: { name: string; text: string; type: string }[] = [];
	const state = { workspaceId: 'ws1' as string | null, tools: fixtureTools() as readonly Tool[] };
	const host: AgentEvalsHost = {
		get workspaceId() {
			return state.workspaceId;
		},
		model: () => fixtureModel(),
		judgeModel: () => fixtureModel(),
		tools: () => state.tools,
		limits: () => ({ ...DEFAULT_AGENT_LIMITS }),
		startJob: () => null,
		demoTasks: async () => ({ name: 'agent-tasks.jsonl', text: readFileSync('static/demo/agent-tasks.jsonl', 'utf8') }),
		save: (name, text, type) => void saved.push({ name, text, type }),
		...over
	};
	return { host, saved, state };
}

const at = '2026-12-02T16:00:00.000Z';

async function evaluated(over: Partial<AgentEvalsHost> = {}) {
	const fake = fakeHost(over);
	const evals = new AgentEvals(fake.host, undefined, () => at);
	evals.loadText('tasks.jsonl', TASKS_TEXT);
	await evals.run();
	return { evals, ...fake };
}

const row = (report: AgentEvalReport | null, id: string) => report?.perTask.find((r) => r.id === id);

describe('agent evaluations on the Agent page', () => {
	it('loads every good line of a task file and lists each bad line by number', () => {
		const evals = new AgentEvals(fakeHost().host);
		evals.loadText('mixed.jsonl', `${TASKS_TEXT.trimEnd()}\nnot json\n{"id":"x"}\n`);
		expect(evals.tasks).toHaveLength(8);
		expect(evals.taskErrors.map((e) => e.line)).toEqual([9, 10]);
		expect(evals.taskErrors[0]?.message).toMatch(/^not valid JSON/);
		expect(evals.taskErrors[1]?.message).toContain('task');
		expect(evals.notice).toBe('Loaded 8 tasks from mixed.jsonl; 2 lines skipped (listed below).');
	});

	it('loads the demo task set: four tasks over the demo documents, every line valid', async () => {
		const evals = new AgentEvals(fakeHost().host);
		await evals.loadDemo();
		expect(evals.tasks.map((t) => t.id)).toEqual(['demo-leave', 'demo-sync-conflict', 'demo-release-attachments', 'demo-abroad']);
		expect(evals.taskErrors).toEqual([]);
		expect(new Set(evals.tasks.map((t) => t.trajectory))).toEqual(new Set(['exact', 'in_order', 'any_order']));
	});

	it('runs every task under the deny-by-default policy: the side-effecting call is denied by the policy, never run', async () => {
		const { evals } = await evaluated();
		const report = evals.report!;
		expect(report.status).toBe('complete');
		expect(report.system.approval).toEqual({ policy: 'deny', allow: [] });
		const denied = row(report, 't4-denied')!;
		expect(denied.calls.map((c) => [c.name, c.status, c.approval?.by])).toEqual([['delete_note', 'denied', 'policy:deny']]);
		expect(denied.approvalsAsked).toBe(1);
		expect(report.aggregate.approvalsAsked).toBe(1);
		expect(report.aggregate.tasks).toBe(8);
		expect(evals.notice).toBe(`Evaluated 8 tasks: ${report.aggregate.taskSuccess.passed} of ${report.aggregate.taskSuccess.n} succeeded.`);
	});

	it('approves exactly the side-effecting tools the user ticks, recorded as an allow-list policy', async () => {
		const fake = fakeHost();
		const evals = new AgentEvals(fake.host);
		expect(evals.sideEffectingTools().map((t) => t.definition.name)).toEqual(['delete_note']);
		evals.setAllowed('delete_note', true);
		evals.setAllowed('no_such_tool', true);
		evals.loadText('tasks.jsonl', TASKS_TEXT);
		await evals.run();
		const report = evals.report!;
		expect(report.system.approval).toEqual({ policy: 'allow', allow: ['delete_note'] });
		expect(row(report, 't4-denied')!.calls.map((c) => [c.status, c.approval?.decision, c.approval?.by])).toEqual([
			['ok', 'approve', 'policy:allow-list']
		]);
	});

	it('exports a report that is valid against schemas/agent-eval-report.v1.schema.json and parses as assay.agent-eval-report/v1', async () => {
		const { evals, saved } = await evaluated();
		evals.exportReport();
		expect(saved).toHaveLength(1);
		expect(saved[0]!.type).toBe('application/json');
		expect(saved[0]!.text.endsWith('}\n')).toBe(true);
		const value = JSON.parse(saved[0]!.text) as unknown;
		expect(validateReport(value)).toBe(true);
		expect(parseAgentReport(value).schema).toBe('assay.agent-eval-report/v1');
		expect(saved[0]!.text).toBe(`${JSON.stringify(evals.report, null, 2)}\n`);
	});

	it('a review overrides task success, keeps the automatic verdict, recomputes the aggregate and is exported', async () => {
		const { evals, saved } = await evaluated();
		const before = evals.report!.aggregate.taskSuccess;
		const passing = evals.report!.perTask.find((r) => r.metrics['task-success'] === 1)!;
		evals.review(passing.id, { pass: false, notes: '  cites the wrong document ' });
		const after = evals.report!;
		expect(row(after, passing.id)!.metrics['task-success']).toBe(0);
		expect(row(after, passing.id)!.review).toEqual({
			pass: false,
			notes: 'cites the wrong document',
			reviewedAt: '2026-12-02T16:00:00.000Z',
			automaticTaskSuccess: true
		});
		expect(after.aggregate.taskSuccess.passed).toBe(before.passed - 1);
		expect(after.aggregate.taskSuccess.n).toBe(before.n);
		expect(after.aggregate.means['task-success']).toEqual({ mean: (before.passed - 1) / before.n, n: before.n });
		// The tool metrics are the run's own.
		expect(row(after, passing.id)!.metrics['tool-recall']).toBe(passing.metrics['tool-recall']);
		const xml = evals.junitXml()!;
		expect(xml).toContain('<failure message="reviewed as fail: cites the wrong document" type="review">');
		evals.exportReport();
		const exported = JSON.parse(saved[0]!.text) as AgentEvalReport;
		expect(validateReport(exported)).toBe(true);
		expect(row(exported, passing.id)!.review?.pass).toBe(false);
		// Removing the review restores the automatic verdict.
		evals.review(passing.id, null);
		expect(evals.report!.aggregate.taskSuccess).toEqual(before);
		expect(row(evals.report, passing.id)!.review).toBeUndefined();
	});

	it('gates against a baseline with agent-metric rules: a review that drops task success by more than 0.1 fails the gate', async () => {
		const { evals } = await evaluated();
		evals.useAsBaseline();
		evals.runGate();
		expect(evals.gateError).toBeNull();
		expect(evals.gate?.verdict).toBe('PASS');
		expect(evals.gate?.metrics.map((m) => m.metric)).toEqual(['task-success', 'tool-recall']);
		const passing = evals.report!.perTask.find((r) => r.metrics['task-success'] === 1)!;
		evals.review(passing.id, { pass: false, notes: '' });
		evals.runGate();
		expect(evals.gate?.verdict).toBe('FAIL');
		expect(evals.gate?.metrics[0]).toMatchObject({ metric: 'task-success', pass: false, absoluteDrop: 1 / 8 });
		expect(evals.junitXml()).toContain('<testsuite name="assay.gate" tests="2" failures="1"');
		evals.gateText = '{"metrics": {"ndcg@10": {"maxDrop": 0.02}}}';
		evals.runGate();
		expect(evals.gate).toBeNull();
		expect(evals.gateError).toContain('"ndcg@10" names no agent metric');
	});

	it('refuses a baseline file that is not an agent eval report, naming the fields that are wrong', async () => {
		const { evals } = await evaluated();
		await evals.loadBaseline(new File(['{"schema": "assay.eval-report/v2"}'], 'other.json'));
		expect(evals.baseline).toBeNull();
		expect(evals.error).toContain('Not an agent eval report');
		expect(evals.error).toContain('schema');
		await evals.loadBaseline(new File([evals.reportJson()!], 'base.json'));
		expect(evals.baseline?.name).toBe('base.json');
	});

	it('cancel stops after the task in flight: that task ends cancelled, later ones are not run and the report is incomplete', async () => {
		let requests = 0;
		let evals: AgentEvals | null = null;
		const fake = fakeHost({
			model: () =>
				fixtureModel(() => {
					if (++requests === 2) evals?.cancel();
				})
		});
		evals = new AgentEvals(fake.host);
		evals.loadText('tasks.jsonl', TASKS_TEXT);
		await evals.run();
		const report = evals.report!;
		expect(report.status).toBe('incomplete');
		expect(report.incomplete?.code).toBe('CANCELLED');
		expect(report.perTask.map((r) => [r.id, r.stopReason])).toEqual([['t1-lift', 'cancelled']]);
		expect(evals.result?.notRun).toHaveLength(7);
		expect(evals.running).toBe(false);
		expect(evals.junitXml()).toContain('skipped="7"');
	});

	it('keeps the last evaluation of each workspace while the page is open', async () => {
		const { evals, state } = await evaluated();
		const id = evals.report!.id;
		state.workspaceId = 'ws2';
		expect(evals.report).toBeNull();
		state.workspaceId = 'ws1';
		expect(evals.report?.id).toBe(id);
	});

	it('shows why a run cannot start (model settings) instead of throwing', async () => {
		const { host } = fakeHost({
			model: () => {
				throw new Error('Set the endpoint URL first.');
			}
		});
		const evals = new AgentEvals(host);
		evals.loadText('tasks.jsonl', TASKS_TEXT);
		await evals.run();
		expect(evals.error).toContain('Set the endpoint URL first.');
		expect(evals.report).toBeNull();
		expect(evals.running).toBe(false);
	});

	it('with the judge ticked, the judge role’s model grades each final answer against its reference and is named in the report', async () => {
		const judge = new ScriptedChatModel(
			'judge-model',
			() => ({ tokens: ['{"score": 2, "reason": "misses the point"}'] }),
			async () => {}
		);
		const fake = fakeHost({ judgeModel: () => judge });
		const evals = new AgentEvals(fake.host);
		evals.loadText('tasks.jsonl', TASKS_TEXT);
		evals.useJudge = true;
		evals.passThreshold = 3;
		await evals.run();
		const report = evals.report!;
		expect(report.judge).toEqual({ modelId: 'judge-model', rubric: 'correctness', passThreshold: 3 });
		// t1-lift has a reference answer and a final answer: graded 2 < 3, so it fails on the judge.
		expect(row(report, 't1-lift')!.judge).toMatchObject({ ok: true, score: 2, pass: false });
		expect(row(report, 't1-lift')!.metrics['task-success']).toBe(0);
	});
});
