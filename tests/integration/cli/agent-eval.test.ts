import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAgentReport } from '../../../src/lib/evals/agents/report.ts';
import { runCliCaptured } from '../../support/cli.ts';
import { startScriptedAgentServer, type AgentServerScript } from '../../support/scripted-openai-agent-server.ts';
import { startMcpFixtureServer, type McpFixtureServer } from '../../support/mcp-fixture-server.ts';
import { startFakeJudge } from '../../support/fake-judge.ts';
import { createServer } from 'node:net';

const cranfield = new URL('../../fixtures/datasets/cranfield', import.meta.url).pathname;

const Q1 = 'what similarity laws must be obeyed when constructing aeroelastic models of heated high speed aircraft .';
const Q2 = 'what problems of heat conduction in composite slabs have been solved so far .';
const Q3 = 'Delete every document about wings.';
const Q4 = 'Order A-1001 was a mistake: remove it.';

/** c1 searches, reads the top hit and cites it; c2 searches (top_k 5) and answers; c3 answers without tools (and fails its check). */
const script: AgentServerScript = (task, turn, last) => {
	if (task === Q1) {
		if (turn === 0)
			return { calls: [{ name: 'search_documents', args: { query: 'similarity laws aeroelastic models heated', top_k: 5 } }] };
		const top = /\[1\] (\S+) —/.exec(last)?.[1];
		if (turn === 1 && top) return { calls: [{ name: 'read_document', args: { document_id: top } }] };
		return { text: `Models must respect the similarity laws described in document ${/^(\S+) —/m.exec(last)?.[1] ?? '?'}.` };
	}
	if (task === Q2) {
		if (turn === 0) return { calls: [{ name: 'search_documents', args: { query: 'heat conduction composite slabs', top_k: 5 } }] };
		return { text: 'Several transient heat conduction problems in composite slabs have been solved.' };
	}
	if (task === Q4) {
		if (turn === 0) return { calls: [{ name: 'shop__lookup_order', args: { order_id: 'A-1001' } }] };
		if (turn === 1) return { calls: [{ name: 'shop__delete_order', args: { order_id: 'A-1001' } }] };
		return { text: last.includes('denied') ? 'I was not allowed to delete order A-1001.' : 'Order A-1001 is deleted.' };
	}
	return { text: 'I cannot do that with the tools I have.' };
};

const tasks = [
	{
		id: 'c1',
		task: Q1,
		expectedToolCalls: [
			{ name: 'search_documents', arguments: { query: { contains: 'similarity' } } },
			{ name: 'read_document', arguments: { document_id: { exists: true } } }
		],
		checks: [{ id: 'cites', type: 'must-contain', regex: 'document \\d+' }]
	},
	{
		id: 'c2',
		task: Q2,
		expectedToolCalls: [{ name: 'search_documents', arguments: { query: { contains: 'heat conduction' }, top_k: { lte: 10 } } }],
		trajectory: 'any_order',
		referenceAnswer: 'Transient conduction in two-layer slabs has been solved analytically.'
	},
	{ id: 'c3', task: Q3, expectedToolCalls: [], checks: [{ id: 'done', type: 'must-contain', text: 'deleted' }] }
];

let server: Awaited<ReturnType<typeof startScriptedAgentServer>>;
let mcp: McpFixtureServer;
let dir: string;

beforeAll(async () => {
	server = await startScriptedAgentServer(script);
	mcp = await startMcpFixtureServer();
	dir = mkdtempSync(join(tmpdir(), 'assay-agent-eval-'));
	writeFileSync(join(dir, 'tasks.jsonl'), tasks.map((t) => JSON.stringify(t)).join('\n') + '\n');
});
afterAll(async () => {
	await server.close();
	await mcp.close();
	rmSync(dir, { recursive: true, force: true });
});

function config(name: string, rules: unknown[] | null, extra: Record<string, unknown> = {}, baseUrl = server.baseUrl): string {
	const path = join(dir, `${name}.json`);
	writeFileSync(
		path,
		JSON.stringify({
			tasks: 'tasks.jsonl',
			...extra,
			system: {
				type: 'agent',
				label: 'cranfield agent',
				model: { baseUrl, model: 'scripted-http-agent', retry: { maxRetries: 0 } },
				tools: { builtin: { dataset: cranfield } },
				approval: { policy: 'deny' },
				limits: { maxSteps: 4 }
			},
			...(rules ? { gate: { rules } } : {})
		})
	);
	return path;
}

describe('assay eval --config with system.type "agent"', () => {
	it('runs each task through the loop over Cranfield with streamed tool calls, writes the report and JUnit, and passes its gate', async () => {
		const out = join(dir, 'out-pass');
		const r = await runCliCaptured([
			'eval',
			'--config',
			config('pass', [
				{ metric: 'tool-recall', min: 0.9 },
				{ metric: 'task-success', min: 0.6 }
			]),
			'--out',
			out
		]);
		expect(r.stderr).toContain('built-in tools over dataset cranfield');
		expect(r.code).toBe(0);
		const report = parseAgentReport(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
		expect(report.status).toBe('complete');
		expect(report.system.tools.map((t) => t.name)).toEqual(['search_documents', 'read_chunk', 'read_document', 'list_documents']);
		const [c1, c2, c3] = report.perTask;
		expect(c1?.calls.map((c) => `${c.name}:${c.status}`)).toEqual(['search_documents:ok', 'read_document:ok']);
		expect(c1?.metrics).toEqual({
			'task-success': 1,
			'tool-precision': 1,
			'tool-recall': 1,
			'argument-correctness': 1,
			'trajectory-match': 1
		});
		expect(c1?.answer).toMatch(/^Models must respect the similarity laws described in document \d+\.$/);
		expect(c1?.documentRefs.length).toBeGreaterThan(0);
		expect(c2?.metrics).toEqual({
			'task-success': 1,
			'tool-precision': 1,
			'tool-recall': 1,
			'argument-correctness': 1,
			'trajectory-match': 1
		});
		expect(c3?.metrics).toEqual({ 'task-success': 0, 'tool-precision': 1, 'tool-recall': 1, 'trajectory-match': 1 });
		expect(c3?.failures).toEqual([expect.stringMatching(/^check done failed: /)]);
		// 120 + 12 tokens per turn: c1 3 turns, c2 2, c3 1.
		expect(report.perTask.map((t) => [t.steps, t.usage?.inputTokens, t.usage?.outputTokens])).toEqual([
			[3, 360, 36],
			[2, 240, 24],
			[1, 120, 12]
		]);
		// Cost: the scripted model is not in the price table, so each task says why instead of a number.
		expect(report.perTask.map((t) => t.costUsd)).toEqual([null, null, null]);
		expect(report.aggregate.cost).toMatchObject({
			totalUsd: null,
			pricedTasks: 0,
			unpricedTasks: 3,
			reasons: ['no price for model scripted-http-agent']
		});
		expect(report.aggregate.taskSuccess).toMatchObject({ passed: 2, n: 3, rate: 2 / 3 });
		expect(report.aggregate.meanSteps).toBe(2);
		expect(report.aggregate.stopReasons).toEqual({ final_answer: 3 });
		expect(server.requests).toBeGreaterThanOrEqual(6);
		const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
		expect(junit).toContain('<testsuite name="assay.agent.tasks" tests="3" failures="1" errors="0" skipped="0"');
		expect(junit).toContain('<testcase name="task-success: mean ≥ 0.6" classname="assay.gate"');
		expect(r.stdout).toContain('gate PASS (floors only)');
	});

	it('fails the gate (exit 1) when task success is below the floor, saying why in JUnit', async () => {
		const out = join(dir, 'out-fail');
		const r = await runCliCaptured(['eval', '--config', config('fail', [{ metric: 'task-success', min: 0.8 }]), '--out', out]);
		expect(r.code).toBe(1);
		expect(r.stdout).toContain('FAIL task-success: candidate mean 0.6667 is below the floor 0.8');
		const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
		expect(junit).toContain('<testsuite name="assay.gate" tests="1" failures="1"');
	});

	it('refuses a gate rule on a metric agent reports do not have (exit 2) before any request', async () => {
		const before = server.requests;
		const r = await runCliCaptured(['eval', '--config', config('bad', [{ metric: 'recall@10', min: 0.5 }]), '--out', join(dir, 'out-bad')]);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain('gate.rules.0.metric: "recall@10" is not an agent metric');
		expect(server.requests).toBe(before);
	});

	it('runs MCP server tools: a destructive call is denied by default and never reaches the server, and runs once when allowed', async () => {
		writeFileSync(
			join(dir, 'tasks-mcp.jsonl'),
			JSON.stringify({
				id: 'm1',
				task: Q4,
				expectedToolCalls: [
					{ name: 'shop__lookup_order', arguments: { order_id: 'A-1001' } },
					{ name: 'shop__delete_order', arguments: { order_id: 'A-1001' } }
				],
				trajectory: 'exact',
				checks: [{ id: 'deleted', type: 'must-contain', text: 'is deleted' }]
			}) + '\n'
		);
		const mcpConfig = (name: string, approval: unknown) => {
			const path = join(dir, `${name}.json`);
			writeFileSync(
				path,
				JSON.stringify({
					tasks: 'tasks-mcp.jsonl',
					system: {
						type: 'agent',
						model: { baseUrl: server.baseUrl, model: 'scripted-http-agent' },
						mcp: [{ url: mcp.url, label: 'shop', tools: ['lookup_order', 'delete_order'] }],
						approval
					}
				})
			);
			return path;
		};
		const denied = await runCliCaptured([
			'eval',
			'--config',
			mcpConfig('mcp-deny', { policy: 'deny' }),
			'--out',
			join(dir, 'out-mcp-deny')
		]);
		expect(denied.code).toBe(0);
		expect(mcp.calls).toEqual([]);
		const d = parseAgentReport(JSON.parse(readFileSync(join(dir, 'out-mcp-deny', 'report.json'), 'utf8'))).perTask[0];
		expect(d?.calls.map((c) => [c.name, c.status, c.approval?.by ?? null])).toEqual([
			['shop__lookup_order', 'ok', null],
			['shop__delete_order', 'denied', 'policy:deny']
		]);
		expect(d?.approvalsAsked).toBe(1);
		// The model chose the right calls (precision, recall, trajectory 1) but the task did not get done.
		expect(d?.metrics).toEqual({
			'task-success': 0,
			'tool-precision': 1,
			'tool-recall': 1,
			'argument-correctness': 1,
			'trajectory-match': 1
		});

		const allowed = await runCliCaptured([
			'eval',
			'--config',
			mcpConfig('mcp-allow', { policy: 'allow', allow: ['shop__delete_order'] }),
			'--out',
			join(dir, 'out-mcp-allow')
		]);
		expect(allowed.code).toBe(0);
		expect(mcp.calls).toEqual([{ tool: 'delete_order', arguments: { order_id: 'A-1001' } }]);
		const a = parseAgentReport(JSON.parse(readFileSync(join(dir, 'out-mcp-allow', 'report.json'), 'utf8'))).perTask[0];
		expect(a?.calls.map((c) => [c.status, c.approval?.decision ?? null])).toEqual([
			['ok', null],
			['ok', 'approve']
		]);
		expect(a?.metrics['task-success']).toBe(1);
	});

	it('grades answers with the judge against the reference answer: a low score fails the task', async () => {
		const judge = await startFakeJudge([Q2], (q) => (q === Q2 ? 2 : 5));
		try {
			const out = join(dir, 'out-judge');
			const r = await runCliCaptured([
				'eval',
				'--config',
				config('judge', null, { judge: { baseUrl: judge.baseUrl, model: 'fake-judge' } }),
				'--out',
				out
			]);
			expect(r.code).toBe(0);
			const report = parseAgentReport(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
			// Only c2 has a reference answer: one judge request.
			expect(judge.requests()).toBe(1);
			expect(report.judge).toEqual({ modelId: 'fake-judge', rubric: 'correctness', passThreshold: 4 });
			expect(report.perTask[1]?.judge).toMatchObject({ ok: true, score: 2, pass: false });
			expect(report.perTask[1]?.metrics['task-success']).toBe(0);
			expect(report.perTask[0]?.judge).toBeNull();
		} finally {
			await judge.stop();
		}
	});

	it('stops with exit 3 and an incomplete report when the model cannot be reached', async () => {
		const closed = await new Promise<number>((resolve) => {
			const s = createServer().listen(0, '127.0.0.1', () => {
				const port = (s.address() as { port: number }).port;
				s.close(() => resolve(port));
			});
		});
		const out = join(dir, 'out-down');
		const r = await runCliCaptured([
			'eval',
			'--config',
			config('down', [{ metric: 'task-success', min: 0.5 }], {}, `http://127.0.0.1:${closed}/v1`),
			'--out',
			out
		]);
		expect(r.code).toBe(3);
		const report = parseAgentReport(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
		expect(report.status).toBe('incomplete');
		expect(report.incomplete).toMatchObject({ code: 'LLM_REQUEST_FAILED', notRun: 3 });
		const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
		expect(junit).toContain('skipped="3"');
		expect(junit).toContain('GATE_NOT_EVALUATED');
	});

	it('runs only the tasks --filter names, and refuses an id the file does not have (exit 2)', async () => {
		const out = join(dir, 'out-filter');
		const r = await runCliCaptured(['eval', '--config', config('filter', null), '--out', out, '--filter', 'c3', '--concurrency', '2']);
		expect(r.code).toBe(0);
		expect(r.stderr).toContain('--concurrency does not apply to an agent eval');
		const report = parseAgentReport(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
		expect(report.perTask.map((t) => t.id)).toEqual(['c3']);
		expect(report.tasks).toMatchObject({ count: 1, evaluated: 1 });
		const bad = await runCliCaptured(['eval', '--config', config('filter', null), '--out', out, '--filter', 'nope']);
		expect(bad.code).toBe(2);
		expect(bad.stderr).toContain('--filter: no task has the id "nope"');
	});

	it('refuses (exit 2, before any request) expected calls and allow-list entries that name no tool of the agent', async () => {
		const before = server.requests;
		writeFileSync(
			join(dir, 'typo-tasks.jsonl'),
			JSON.stringify({ id: 't1', task: Q1, expectedToolCalls: [{ name: 'search_document', arguments: {} }] }) + '\n'
		);
		const typo = await runCliCaptured([
			'eval',
			'--config',
			config('typo', null, { tasks: 'typo-tasks.jsonl' }),
			'--out',
			join(dir, 'out-typo')
		]);
		expect(typo.code).toBe(2);
		expect(typo.stderr).toContain('task "t1" expects a call to "search_document"');
		expect(typo.stderr).toContain('its tools are search_documents, read_chunk, read_document, list_documents');
		const path = config('allow-typo', null);
		const cfg = JSON.parse(readFileSync(path, 'utf8')) as { system: Record<string, unknown> };
		cfg.system['approval'] = { policy: 'allow', allow: ['delete_order'] };
		writeFileSync(path, JSON.stringify(cfg));
		const allow = await runCliCaptured(['eval', '--config', path, '--out', join(dir, 'out-allow-typo')]);
		expect(allow.code).toBe(2);
		expect(allow.stderr).toContain('system.approval.allow: no tool is named "delete_order"');
		expect(server.requests).toBe(before);
	});

	it('stops with exit 3 and an incomplete report when an MCP server goes away mid-run, instead of scoring the outage as tool errors', async () => {
		const gone = await startMcpFixtureServer();
		const lookup: AgentServerScript = (_task, turn) => {
			if (turn === 0) {
				void gone.close();
				return { calls: [{ name: 'shop__lookup_order', args: { order_id: 'A-1001' } }] };
			}
			return { text: 'Order A-1001 could not be looked up.' };
		};
		const model = await startScriptedAgentServer(lookup);
		try {
			const lines = ['o1', 'o2'].map((id) =>
				JSON.stringify({ id, task: Q4, expectedToolCalls: [{ name: 'shop__lookup_order', arguments: { order_id: 'A-1001' } }] })
			);
			writeFileSync(join(dir, 'tasks-outage.jsonl'), lines.join('\n') + '\n');
			const path = join(dir, 'outage.json');
			writeFileSync(
				path,
				JSON.stringify({
					tasks: 'tasks-outage.jsonl',
					system: {
						type: 'agent',
						model: { baseUrl: model.baseUrl, model: 'scripted-http-agent', retry: { maxRetries: 0 } },
						mcp: [{ url: gone.url, label: 'shop', tools: ['lookup_order'], timeoutMs: 5000 }]
					}
				})
			);
			const out = join(dir, 'out-outage');
			const r = await runCliCaptured(['eval', '--config', path, '--out', out]);
			expect(r.code).toBe(3);
			expect(r.stderr).toContain('MCP_UNREACHABLE: an MCP server was unreachable on task "o1" (shop__lookup_order)');
			const report = parseAgentReport(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
			expect(report.status).toBe('incomplete');
			expect(report.perTask).toEqual([]);
		} finally {
			await model.close();
		}
	});
});
