import { DEFAULT_PRICE_TABLE, costOfPico, priceFor, type ModelPrice } from '../../../../src/lib/cost/index.ts';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020.js';
import { z } from '../../../../src/lib/shared/zod.ts';
import { CfworkerSchemaValidator } from '../../../../src/lib/adapters/json-schema-validator.ts';
import { allowListPolicy, denyAllPolicy } from '../../../../src/lib/agents/approval.ts';
import { DEFAULT_AGENT_LIMITS } from '../../../../src/lib/agents/loop.ts';
import { AssayError } from '../../../../src/lib/shared/errors.ts';
import {
	AgentEvalConfigSchema,
	AgentEvalReportSchema,
	agentGateView,
	agentTasksHash,
	buildAgentReport,
	parseAgentEvalConfig,
	parseAgentReport,
	runAgentEval,
	type AgentEvalReport
} from '../../../../src/lib/evals/agents/index.ts';
import { parseGateConfig, runGate } from '../../../../src/lib/evals/gate/index.ts';
import { formatAgentJunit } from '../../../../src/cli/eval/agent-junit.ts';
import { FIXTURE_TURNS, fixtureTasks, fixtureTools, turnScriptedModel } from '../../../support/agent-fixture.ts';
import { ScriptedChatModel } from '../../../../src/lib/generation/scripted.ts';

const validator = new CfworkerSchemaValidator();

/** One scripted model that plays each fixture task's turns (the task is the first user message). */
function fixtureModel() {
	const byText = new Map(fixtureTasks().map((t) => [t.task, turnScriptedModel(FIXTURE_TURNS[t.id] ?? [])]));
	return new ScriptedChatModel(
		'scripted-agent',
		(r) => {
			const model = byText.get(r.messages.find((m) => m.role === 'user')?.content ?? '');
			const turns = FIXTURE_TURNS[fixtureTasks().find((t) => byText.get(t.task) === model)?.id ?? ''] ?? [];
			return turns[Math.min(r.messages.filter((m) => m.role === 'assistant').length, turns.length - 1)] ?? { tokens: [] };
		},
		async () => {}
	);
}

async function fixtureReport(
	over: Partial<Parameters<typeof runAgentEval>[0]> = {},
	model: { modelId: string; provider: string } = { modelId: 'scripted-agent', provider: 'scripted' }
): Promise<AgentEvalReport> {
	const tasks = fixtureTasks();
	const run = await runAgentEval({
		tasks,
		model: fixtureModel(),
		tools: () => fixtureTools(),
		approval: denyAllPolicy,
		validator,
		clock: () => 5,
		...over
	});
	return buildAgentReport({
		id: 'r1',
		createdAt: '2026-12-02T00:00:00.000Z',
		appVersion: '0.0.0-test',
		tasksName: 'tasks.jsonl',
		contentHash: await agentTasksHash(tasks),
		tasks,
		run,
		system: {
			label: 'fixture agent',
			...model,
			tools: fixtureTools().map((t) => t.definition),
			approval: { policy: 'deny', allow: [] },
			limits: DEFAULT_AGENT_LIMITS
		},
		judge: null
	});
}

describe('the agent eval runner and report', () => {
	it('costs each task and the run from its tokens when the model is priced, and says why when it is in-browser', async () => {
		const priced = await fixtureReport({}, { modelId: 'gpt-4o-mini-2024-07-18', provider: 'openai-compatible' });
		const expected = priced.perTask.map((t) =>
			t.usage ? Number(costOfPico(t.usage, priceFor('gpt-4o-mini', DEFAULT_PRICE_TABLE) as ModelPrice)) / 1e12 : null
		);
		expect(priced.perTask.map((t) => t.costUsd)).toEqual(expected);
		const ran = priced.perTask.filter((t) => t.usage !== null).length;
		expect(priced.aggregate.cost).toMatchObject({ currency: 'USD', pricedTasks: ran, unpricedTasks: 8 - ran });
		expect(priced.aggregate.cost?.totalUsd).toBeCloseTo(
			expected.reduce((s: number, x) => s + (x ?? 0), 0),
			12
		);
		const local = await fixtureReport();
		expect(local.aggregate.cost).toMatchObject({ totalUsd: null, pricedTasks: 0, reasons: ['in-browser model: time only'] });
	});

	it('runs the fixture through the loop with an injected tool provider and reports the hand-computed aggregates', async () => {
		const report = await fixtureReport();
		expect(parseAgentReport(JSON.parse(JSON.stringify(report)))).toEqual(report);
		expect(report.status).toBe('complete');
		expect(report.tasks).toMatchObject({ count: 8, evaluated: 8 });
		expect(report.aggregate.means['tool-recall']).toEqual({ mean: 6 / 7, n: 7 });
		expect(report.aggregate.means['argument-correctness']).toEqual({ mean: 0.7, n: 5 });
		expect(report.aggregate.taskSuccess).toMatchObject({ passed: 6, n: 8, rate: 0.75 });
		expect(report.perTask[3]?.calls[0]).toMatchObject({
			name: 'delete_note',
			status: 'denied',
			approval: { decision: 'deny', by: 'policy:deny' }
		});
		expect(report.perTask[2]?.calls[0]?.argumentsJson).toBe('{"document_id": 12');
		expect(report.perTask[6]?.metrics).toEqual({ 'task-success': 1 });
	});

	it("records a tool provider failure as that task's error and stops the run when the model is unreachable", async () => {
		const failing = await fixtureReport({
			tools: (t) => {
				if (t.id === 't2-greedy') throw new AssayError('DATASET_INVALID', 'the index is corrupt');
				return fixtureTools();
			}
		});
		expect(failing.perTask[1]).toMatchObject({
			id: 't2-greedy',
			error: { code: 'DATASET_INVALID', message: 'the index is corrupt' },
			metrics: {}
		});
		expect(failing.aggregate).toMatchObject({ tasks: 8, scored: 7, errors: 1 });
		const down = await fixtureReport({
			model: new ScriptedChatModel('down', {
				tokens: [],
				error: { name: 'AssayError', code: 'LLM_REQUEST_FAILED', message: 'connection refused' }
			})
		});
		expect(down.status).toBe('incomplete');
		expect(down.incomplete).toEqual({
			reason: 'the model was unreachable on task "t1-lift": connection refused',
			code: 'LLM_REQUEST_FAILED',
			notRun: 8
		});
		expect(down.perTask).toEqual([]);
	});

	it('lets an allow-listed side-effecting tool run', async () => {
		const report = await fixtureReport({ approval: () => allowListPolicy(['delete_note']) });
		expect(report.perTask[3]?.calls[0]).toMatchObject({ status: 'ok', approval: { decision: 'approve' } });
	});

	it('gates agent metrics with the existing gate: floors on the candidate alone, drops against a baseline', async () => {
		const report = await fixtureReport();
		const floors = runGate(
			agentGateView(report),
			agentGateView(report),
			parseGateConfig({ metrics: { 'task-success': { min: 0.8 }, 'tool-recall': { min: 0.8 } } })
		);
		expect(floors.metrics.map((m) => [m.metric, m.candidateMean, m.pass])).toEqual([
			['task-success', 0.75, false],
			['tool-recall', 6 / 7, true]
		]);
		const better = await fixtureReport({ approval: () => allowListPolicy(['delete_note']) });
		// With the note deleted t4's answer still lacks "deleted": success unchanged; the drop rule compares per task.
		const drop = runGate(agentGateView(better), agentGateView(report), parseGateConfig({ metrics: { 'tool-precision': { maxDrop: 0 } } }));
		expect(drop.verdict).toBe('PASS');
		expect(drop.metrics[0]?.queryCount).toBe(7);
	});

	it('writes JUnit with a failure per unsuccessful task and an error per task that could not run', async () => {
		const report = await fixtureReport({
			tools: (t) => {
				if (t.id === 't6-no-tools') throw new AssayError('DATASET_INVALID', 'no <index> & "tools"');
				return fixtureTools();
			}
		});
		const xml = formatAgentJunit(report, { skipped: 'not evaluated: no baseline' }, ['later-task'], 1500);
		expect(xml).toContain('<testsuites name="assay eval: fixture agent" tests="10" failures="2" errors="2" skipped="1" time="1.500">');
		expect(xml).toContain('<failure message="no final answer: max_steps (stopped after 2 steps (maxSteps))" type="agent">');
		expect(xml).toContain('<error message="DATASET_INVALID: no &lt;index&gt; &amp; &quot;tools&quot;" type="DATASET_INVALID">');
		expect(xml).toContain(
			'<testcase name="later-task" classname="assay.agent.tasks" time="0.000">\n      <skipped message="not run: the run stopped before this task">'
		);
	});
});

describe('the agent eval schemas', () => {
	it('schemas/agent-eval-report.v1.schema.json is the JSON Schema of the zod report schema and accepts a report', async () => {
		const file = JSON.parse(
			readFileSync(new URL('../../../../schemas/agent-eval-report.v1.schema.json', import.meta.url), 'utf8')
		) as Record<string, unknown>;
		const generated = z.toJSONSchema(AgentEvalReportSchema, { target: 'draft-2020-12', io: 'output' }) as Record<string, unknown>;
		const { $id: _id, title: _t, description: _d, ...rest } = file;
		expect(rest).toEqual(generated);
		const validate = new Ajv2020({ strict: false }).compile(file);
		expect(validate(JSON.parse(JSON.stringify(await fixtureReport())))).toBe(true);
	});

	it('schemas/agent-eval-config.v1.schema.json is the JSON Schema of the zod config schema', () => {
		const file = JSON.parse(
			readFileSync(new URL('../../../../schemas/agent-eval-config.v1.schema.json', import.meta.url), 'utf8')
		) as Record<string, unknown>;
		const generated = z.toJSONSchema(AgentEvalConfigSchema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
		const { $id: _id, title: _t, description: _d, ...rest } = file;
		expect(rest).toEqual(generated);
	});

	it('parses a full agent config and names each problem of a bad one by key path', () => {
		const good = {
			tasks: 'tasks.jsonl',
			system: {
				type: 'agent',
				model: { baseUrl: 'http://127.0.0.1:8000/v1', model: 'qwen3', apiKeyEnv: 'KEY' },
				tools: { builtin: { dataset: 'cranfield' } },
				mcp: [{ url: 'http://127.0.0.1:3001/mcp', label: 'shop', tokenEnv: 'SHOP_TOKEN', tools: ['lookup_order'] }],
				approval: { policy: 'allow', allow: ['shop__delete_order'] },
				limits: { maxSteps: 4, toolTimeoutMs: 1000 }
			},
			gate: { rules: [{ metric: 'task-success', min: 0.8 }] }
		};
		expect(parseAgentEvalConfig(good).system.limits).toEqual({ maxSteps: 4, toolTimeoutMs: 1000 });
		const bad = {
			tasks: 'tasks.jsonl',
			system: {
				type: 'agent',
				model: { baseUrl: 'ftp://x', model: 'm' },
				tools: { builtin: { dataset: 'a', folder: 'b' } },
				approval: { policy: 'allow' },
				extra: 1
			}
		};
		let message = '';
		try {
			parseAgentEvalConfig(bad);
		} catch (error) {
			message = (error as Error).message;
		}
		expect(message).toContain('system: unknown key "extra"');
		expect(message).toContain('system.model.baseUrl: expected an http(s) URL, e.g. "http://127.0.0.1:8000/v1"');
		expect(message).toContain('system.tools.builtin: give exactly one of "dataset" or "folder"');
		expect(message).toContain('system.approval: policy "allow" needs "allow"');
	});
});
