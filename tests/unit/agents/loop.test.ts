import { describe, expect, it } from 'vitest';
import { CfworkerSchemaValidator } from '../../../src/lib/adapters/json-schema-validator.ts';
import { allowListPolicy, denyAllPolicy, ManualApprovals } from '../../../src/lib/agents/approval.ts';
import { runAgent, TOOL_RESULT_MAX_CHARS } from '../../../src/lib/agents/loop.ts';
import type { AgentRunInput, Tool, ToolEffect } from '../../../src/lib/agents/types.ts';
import { ScriptedChatModel, type ChatScript } from '../../../src/lib/generation/scripted.ts';
import type { ChatRequest } from '../../../src/lib/generation/types.ts';
import { BasicTracer, InMemorySpanSink } from '../../../src/lib/tracing/tracer.ts';

const noSleep = async () => {};
const validator = new CfworkerSchemaValidator();

/** A tool that records its calls and answers with `answer(args)`. */
function tool(name: string, effect: ToolEffect, answer: (args: Record<string, unknown>) => string, refs: string[] = []) {
	const calls: Record<string, unknown>[] = [];
	const t: Tool = {
		definition: {
			name,
			description: `${name} tool`,
			inputSchema: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'], additionalProperties: false },
			version: 'v1',
			effect,
			source: { kind: 'builtin' }
		},
		run: async (args) => {
			calls.push({ ...args });
			return { content: answer(args), documentRefs: refs };
		}
	};
	return { tool: t, calls };
}

/** A model whose turn is chosen by how many tool results it has seen so far. */
const byTurn = (turns: ChatScript[]) =>
	new ScriptedChatModel(
		'scripted-agent',
		(r: ChatRequest) => turns[Math.min(r.messages.filter((m) => m.role === 'tool').length, turns.length - 1)] ?? { tokens: [] },
		noSleep
	);

const usage = { inputTokens: 100, outputTokens: 10 };
const base = (over: Partial<AgentRunInput>): AgentRunInput => ({
	task: 'What is the lift of a flat plate?',
	model: byTurn([{ tokens: ['done'] }]),
	tools: [],
	approval: denyAllPolicy(),
	validator,
	...over
});

describe('the agent loop', () => {
	it('searches, reads and answers, recording each step, its calls and the cited documents', async () => {
		const search = tool('search', 'read-only', () => '[1] doc-7', ['doc-7']);
		const read = tool('read', 'read-only', () => 'The lift is 2πα.');
		const model = new ScriptedChatModel(
			'scripted-agent',
			(r) => {
				const results = r.messages.filter((m) => m.role === 'tool').length;
				if (results === 0)
					return { tokens: ['I will search.'], toolCalls: [{ name: 'search', arguments: { q: 'flat plate lift' } }], usage };
				if (results === 1) return { tokens: [], toolCalls: [{ name: 'read', arguments: { q: 'doc-7' } }], usage };
				return { tokens: ['The lift is 2πα [doc-7].'], usage };
			},
			noSleep
		);
		const sink = new InMemorySpanSink();
		const run = await runAgent(base({ model, tools: [search.tool, read.tool], tracer: new BasicTracer([sink]) }));
		expect(run.stopReason).toBe('final_answer');
		expect(run.stopDetail).toBe('answered after 3 steps');
		expect(run.answer).toBe('The lift is 2πα [doc-7].');
		expect(run.steps.map((s) => s.calls.map((c) => `${c.name}:${c.status}`))).toEqual([['search:ok'], ['read:ok'], []]);
		expect(search.calls).toEqual([{ q: 'flat plate lift' }]);
		expect(run.usage).toEqual({ inputTokens: 300, outputTokens: 30 });
		expect(run.documentRefs).toEqual(['doc-7']);
		// The second request carried the first result as delimited data in a tool message.
		const second = model.requests[1];
		expect(second?.messages.at(-1)).toEqual({
			role: 'tool',
			toolCallId: 'call_1',
			name: 'search',
			content: '<tool_result name="search" untrusted="true">\n[1] doc-7\n</tool_result>'
		});
		expect(second?.tools?.map((t) => t.name)).toEqual(['search', 'read']);
		expect(sink.spans.map((s) => s.name).sort()).toEqual(
			[
				'chat scripted-agent',
				'chat scripted-agent',
				'chat scripted-agent',
				'execute_tool read',
				'execute_tool search',
				'invoke_agent assay-agent'
			].sort()
		);
		const root = sink.spans.find((s) => s.name.startsWith('invoke_agent'));
		expect(root?.attributes).toMatchObject({
			'gen_ai.operation.name': 'invoke_agent',
			'gen_ai.usage.input_tokens': 300,
			'assay.agent.stop_reason': 'final_answer',
			'assay.agent.steps': 3
		});
		const exec = sink.spans.find((s) => s.name === 'execute_tool search');
		expect(exec?.parentSpanId).toBe(root?.spanId);
		expect(exec?.attributes).toMatchObject({ 'gen_ai.tool.name': 'search', 'gen_ai.tool.call.id': 'call_1', 'assay.tool.status': 'ok' });
	});

	it('returns malformed and schema-invalid calls to the model as tool errors, and the model recovers', async () => {
		const search = tool('search', 'read-only', () => 'hit');
		const model = byTurn([
			{ tokens: [], toolCalls: [{ name: 'search', arguments: '{"q": ' }] },
			{ tokens: [], toolCalls: [{ name: 'search', arguments: { query: 'x' } }] },
			{ tokens: [], toolCalls: [{ name: 'nope', arguments: { q: 'x' } }] },
			{ tokens: [], toolCalls: [{ name: 'search', arguments: { q: 'x' } }] },
			{ tokens: ['answer'] }
		]);
		const run = await runAgent(base({ model, tools: [search.tool] }));
		expect(run.stopReason).toBe('final_answer');
		expect(run.steps.map((s) => s.calls[0]?.status ?? 'answer')).toEqual(['invalid', 'invalid', 'invalid', 'ok', 'answer']);
		expect(run.steps[0]?.calls[0]?.result.content).toMatch(/^Invalid call to search: the arguments are not valid JSON/);
		expect(run.steps[1]?.calls[0]?.result.content).toMatch(/^Invalid arguments for search: /);
		expect(run.steps[2]?.calls[0]?.result.content).toBe('There is no tool named "nope". Available: search.');
		expect(search.calls).toEqual([{ q: 'x' }]);
	});

	it('asks each turn for no more tokens than the budget has left (and at least one)', async () => {
		const search = tool('search', 'read-only', () => 'hit');
		let n = 0;
		const model = new ScriptedChatModel(
			'm',
			() => ({ tokens: [], toolCalls: [{ name: 'search', arguments: { q: `q${n++}` } }], usage: { inputTokens: 100, outputTokens: 10 } }),
			noSleep
		);
		await runAgent(base({ model, tools: [search.tool], limits: { maxTotalTokens: 300, maxTokensPerStep: 512 } }));
		// 300 left, then 190, then 80; the fourth turn never starts (330 ≥ 300).
		expect(model.requests.map((r) => r.maxTokens)).toEqual([300, 190, 80]);
	});

	it('stops at maxSteps, the token budget, the time budget, a long step, a repeated call, a model error and a cancel, each with its reason', async () => {
		const search = tool('search', 'read-only', () => 'hit');
		let n = 0;
		const fresh = () =>
			new ScriptedChatModel('m', () => ({ tokens: [], toolCalls: [{ name: 'search', arguments: { q: `q${n++}` } }], usage }), noSleep);
		const steps = await runAgent(base({ model: fresh(), tools: [search.tool], limits: { maxSteps: 2 } }));
		expect([steps.stopReason, steps.stopDetail, steps.steps.length]).toEqual(['max_steps', 'stopped after 2 steps (maxSteps)', 2]);

		const tokens = await runAgent(base({ model: fresh(), tools: [search.tool], limits: { maxTotalTokens: 220 } }));
		expect([tokens.stopReason, tokens.stopDetail]).toEqual(['token_budget', 'stopped after 220 tokens, budget 220 (maxTotalTokens)']);

		let now = 0;
		const clock = () => (now += 400);
		const time = await runAgent(base({ model: fresh(), tools: [search.tool], clock, limits: { maxDurationMs: 1000 } }));
		expect([time.stopReason, time.stopDetail]).toEqual(['time_budget', 'stopped after 1000 ms (maxDurationMs)']);

		const long = await runAgent(base({ model: byTurn([{ tokens: ['a', 'b', 'c'] }]), limits: { maxTokensPerStep: 2 } }));
		expect([long.stopReason, long.stopDetail]).toEqual([
			'step_length',
			'step 1 reached 2 tokens (maxTokensPerStep) without a call or an answer'
		]);

		const same = new ScriptedChatModel('m', () => ({ tokens: [], toolCalls: [{ name: 'search', arguments: { q: 'same' } }] }), noSleep);
		const repeated = await runAgent(base({ model: same, tools: [search.tool] }));
		expect(repeated.stopReason).toBe('repeated_call');
		expect(repeated.stopDetail).toBe('the model repeated the call search({"q":"same"}) it had already made');
		expect(repeated.steps.flatMap((s) => s.calls)).toHaveLength(1);

		const failing = byTurn([{ tokens: [], error: { name: 'AssayError', code: 'LLM_REQUEST_FAILED', message: 'down' } }]);
		const failed = await runAgent(base({ model: failing }));
		expect([failed.stopReason, failed.stopDetail, failed.error?.code]).toEqual([
			'model_error',
			'the model failed: LLM_REQUEST_FAILED: down',
			'LLM_REQUEST_FAILED'
		]);

		const controller = new AbortController();
		controller.abort();
		const cancelled = await runAgent(base({ signal: controller.signal }));
		expect([cancelled.stopReason, cancelled.stopDetail, cancelled.steps.length]).toEqual(['cancelled', 'cancelled before step 1', 0]);
	});

	it('never runs a side-effecting tool the policy denies, and tells the model it was denied', async () => {
		const del = tool('delete', 'side-effecting', () => 'deleted');
		const model = byTurn([
			{ tokens: [], toolCalls: [{ name: 'delete', arguments: { q: 'order-1' } }] },
			{ tokens: ['I could not delete it.'] }
		]);
		const sink = new InMemorySpanSink();
		const run = await runAgent(base({ model, tools: [del.tool], tracer: new BasicTracer([sink]) }));
		expect(del.calls).toEqual([]);
		expect(run.approvalsAsked).toBe(1);
		const call = run.steps[0]?.calls[0];
		expect(call?.status).toBe('denied');
		expect(call?.result.content).toMatch(/^The call to delete was denied by policy:deny: /);
		expect(sink.spans.find((s) => s.name === 'execute_tool delete')?.attributes).toMatchObject({
			'assay.approval.decision': 'deny',
			'assay.approval.by': 'policy:deny'
		});
	});

	it('records each turn output and each call arguments and result on the spans, unless content capture is off', async () => {
		const search = tool('search', 'read-only', () => 'x'.repeat(9000));
		const script = () =>
			byTurn([{ tokens: ['Looking.'], toolCalls: [{ id: 'c1', name: 'search', arguments: { q: 'lift' } }] }, { tokens: ['done'] }]);
		const sink = new InMemorySpanSink();
		await runAgent(base({ model: script(), tools: [search.tool], tracer: new BasicTracer([sink]) }));
		const exec = sink.spans.find((s) => s.name === 'execute_tool search')!;
		expect(exec.attributes['gen_ai.tool.call.arguments']).toBe('{"q":"lift"}');
		const result = exec.attributes['gen_ai.tool.call.result'] as string;
		expect(result.length).toBe(8000);
		expect(result.endsWith('…')).toBe(true);
		const firstChat = sink.spans.filter((s) => s.name === 'chat scripted-agent')[0]!;
		expect(JSON.parse(firstChat.attributes['gen_ai.output.messages'] as string)).toEqual([
			{
				role: 'assistant',
				parts: [
					{ type: 'text', content: 'Looking.' },
					{ type: 'tool_call', id: 'c1', name: 'search', arguments: '{"q":"lift"}' }
				],
				finish_reason: 'tool_calls'
			}
		]);
		const quiet = new InMemorySpanSink();
		await runAgent(base({ model: script(), tools: [search.tool], tracer: new BasicTracer([quiet]), captureContent: false }));
		for (const span of quiet.spans) {
			expect(Object.keys(span.attributes).filter((k) => /arguments|result|messages/.test(k))).toEqual([]);
		}
	});

	it('runs an allow-listed call, and a person-approved call with edited arguments', async () => {
		const del = tool('delete', 'side-effecting', (a) => `deleted ${String(a.q)}`);
		const script = () => byTurn([{ tokens: [], toolCalls: [{ name: 'delete', arguments: { q: 'order-1' } }] }, { tokens: ['ok'] }]);
		await runAgent(base({ model: script(), tools: [del.tool], approval: allowListPolicy(['delete']) }));
		expect(del.calls).toEqual([{ q: 'order-1' }]);

		const approvals = new ManualApprovals('ana', () => {
			const [pending] = approvals.pending();
			if (pending) queueMicrotask(() => approvals.edit(pending.request.callId, { q: 'order-2' }));
		});
		const run = await runAgent(base({ model: script(), tools: [del.tool], approval: approvals }));
		expect(del.calls).toEqual([{ q: 'order-1' }, { q: 'order-2' }]);
		expect(run.steps[0]?.calls[0]).toMatchObject({ status: 'ok', arguments: { q: 'order-2' }, approval: { decision: 'edit', by: 'ana' } });
	});

	it('stops a tool that outlives its timeout and reports TOOL_TIMEOUT to the model', async () => {
		const slow: Tool = {
			definition: {
				name: 'slow',
				description: 's',
				inputSchema: { type: 'object' },
				version: 'v1',
				effect: 'read-only',
				source: { kind: 'builtin' }
			},
			run: (_args, { signal }) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))))
		};
		const model = byTurn([{ tokens: [], toolCalls: [{ name: 'slow', arguments: {} }] }, { tokens: ['gave up'] }]);
		const run = await runAgent(base({ model, tools: [slow], limits: { toolTimeoutMs: 5 } }));
		expect(run.steps[0]?.calls[0]?.status).toBe('timeout');
		expect(run.steps[0]?.calls[0]?.result.content).toBe('TOOL_TIMEOUT: slow took longer than 5 ms and was stopped.');
		expect(run.stopReason).toBe('final_answer');
	});

	it('ends a run cancelled while an approval waits: the tool never runs and the approval settles as a denial', async () => {
		const del = tool('delete', 'side-effecting', () => 'deleted');
		const controller = new AbortController();
		const approvals = new ManualApprovals('ana', () => {
			if (approvals.pending().length > 0) queueMicrotask(() => controller.abort());
		});
		const model = byTurn([{ tokens: [], toolCalls: [{ name: 'delete', arguments: { q: 'order-1' } }] }, { tokens: ['never'] }]);
		const run = await runAgent(base({ model, tools: [del.tool], approval: approvals, signal: controller.signal }));
		expect(del.calls).toEqual([]);
		expect([run.stopReason, run.stopDetail]).toEqual(['cancelled', 'cancelled during step 1']);
		expect(run.steps[0]?.calls[0]).toMatchObject({ status: 'denied', approval: { decision: 'deny', by: 'system:cancelled' } });
		expect(approvals.pending()).toEqual([]);
	});
});

describe('the agent loop with tools that misbehave', () => {
	const once = (result: () => unknown) => {
		const t = tool('t', 'read-only', () => '');
		const misbehaving: Tool = { ...t.tool, run: async () => result() as never };
		const model = byTurn([{ tokens: [], toolCalls: [{ name: 't', arguments: { q: 'a' } }] }, { tokens: ['done'] }]);
		return runAgent(base({ model, tools: [misbehaving] }));
	};

	it('cuts a huge tool result to TOOL_RESULT_MAX_CHARS with a marker, in the prompt and the record', async () => {
		const run = await once(() => ({ content: 'x'.repeat(TOOL_RESULT_MAX_CHARS + 5000) }));
		const record = run.steps[0]?.calls[0];
		expect(record?.status).toBe('ok');
		expect(record?.result.content).toBe(`${'x'.repeat(TOOL_RESULT_MAX_CHARS)}\n[… cut: 5000 more characters]`);
		const toolMessage = run.messages.find((m) => m.role === 'tool');
		expect(toolMessage?.content.length).toBeLessThan(TOOL_RESULT_MAX_CHARS + 200);
		expect(run.stopReason).toBe('final_answer');
	});

	it('reports what a tool threw when it is not an Error: a string, a number, an error-like object, a plain object as JSON', async () => {
		const thrown = async (value: unknown) => {
			const run = await once(() => {
				throw value;
			});
			return [run.stopReason, run.steps[0]?.calls[0]?.status, run.steps[0]?.calls[0]?.result.content];
		};
		expect(await thrown('boom')).toEqual(['final_answer', 'tool_error', 't failed: boom']);
		expect(await thrown(42)).toEqual(['final_answer', 'tool_error', 't failed: 42']);
		expect(await thrown(undefined)).toEqual(['final_answer', 'tool_error', 't failed: undefined']);
		expect(await thrown({ code: -32603, message: 'Internal error' })).toEqual(['final_answer', 'tool_error', 't failed: Internal error']);
		expect(await thrown({ status: 500, detail: 'db down' })).toEqual([
			'final_answer',
			'tool_error',
			't failed: {"status":500,"detail":"db down"}'
		]);
	});

	it('never throws on a result that is not a ToolResult: non-string content becomes text, no result is a tool error', async () => {
		const objectContent = await once(() => ({ content: { a: 1 }, documentRefs: ['d1', 7] }));
		expect(objectContent.stopReason).toBe('final_answer');
		expect(objectContent.steps[0]?.calls[0]?.result.content).toBe('{"a":1}');
		expect(objectContent.documentRefs).toEqual(['d1']);
		const nothing = await once(() => undefined);
		expect(nothing.steps[0]?.calls[0]?.status).toBe('tool_error');
		expect(nothing.steps[0]?.calls[0]?.result.content).toBe('t failed: it returned no result (undefined).');
	});
});

describe('the agent loop time budget', () => {
	it('aborts a model turn that outlives maxDurationMs and stops with time_budget, not a late answer', async () => {
		const stalls = new ScriptedChatModel('m', { tokens: ['too late'], firstTokenDelayMs: 5_000 });
		const started = Date.now();
		const run = await runAgent(base({ model: stalls, limits: { maxDurationMs: 100 } }));
		expect(Date.now() - started).toBeLessThan(2_000);
		expect(run.stopReason).toBe('time_budget');
		expect(run.stopDetail).toBe('stopped during step 1 after 100 ms (maxDurationMs): the model had not finished its turn');
		expect(run.answer).toBe('');
	});
});

describe('the agent loop call ids', () => {
	it('gives every call of a run its own id when the server repeats or leaves out ids, and pairs each result with its call', async () => {
		const search = tool('search', 'read-only', (a) => `hit for ${String(a.q)}`);
		const turns: ChatScript[] = [
			{
				tokens: [],
				toolCalls: [
					{ id: 'call_0', name: 'search', arguments: { q: 'a' } },
					{ id: 'call_0', name: 'search', arguments: { q: 'b' } },
					{ id: '', name: 'search', arguments: { q: 'c' } }
				]
			},
			{ tokens: [], toolCalls: [{ id: 'call_0', name: 'search', arguments: { q: 'd' } }] },
			{ tokens: ['done'] }
		];
		// The turn is chosen by how many assistant turns the conversation holds.
		const model = new ScriptedChatModel(
			'm',
			(r) => turns[Math.min(r.messages.filter((m) => m.role === 'assistant').length, 2)] as ChatScript,
			noSleep
		);
		const run = await runAgent(base({ model, tools: [search.tool] }));
		const ids = run.steps.flatMap((s) => s.calls.map((c) => c.id));
		expect(ids).toEqual(['call_0', 'call_0_2', 'call', 'call_0_3']);
		const asked = run.messages.flatMap((m) => (m.role === 'assistant' ? (m.toolCalls ?? []).map((c) => c.id) : []));
		const answered = run.messages.flatMap((m) => (m.role === 'tool' ? [m.toolCallId] : []));
		expect(asked).toEqual(ids);
		expect(answered).toEqual(ids);
		const b = run.messages.find((m) => m.role === 'tool' && m.toolCallId === 'call_0_2');
		expect(b?.content).toContain('hit for b');
	});
});

describe('the agent loop with a tool schema the validator cannot use', () => {
	it('refuses the call as invalid (never runs it unchecked) and goes on, instead of throwing', async () => {
		const t = tool('broken', 'read-only', () => 'ran');
		const broken: Tool = {
			...t.tool,
			definition: { ...t.tool.definition, inputSchema: { type: 'object', properties: { q: { $ref: '#/$defs/missing' } } } }
		};
		const model = byTurn([{ tokens: [], toolCalls: [{ name: 'broken', arguments: { q: 'a' } }] }, { tokens: ['done'] }]);
		const run = await runAgent(base({ model, tools: [broken] }));
		expect(run.stopReason).toBe('final_answer');
		expect(run.steps[0]?.calls[0]?.status).toBe('invalid');
		expect(run.steps[0]?.calls[0]?.result.content).toMatch(
			/^Invalid arguments for broken: the tool's input schema cannot be checked \(.*Unresolved \$ref/
		);
		expect(t.calls).toEqual([]);
	});
});

describe('the agent loop with the same call twice in one step', () => {
	it('runs it once, answers the twin as a duplicate, still runs the step’s other calls and goes on', async () => {
		const search = tool('search', 'read-only', (a) => `hit for ${String(a.q)}`);
		const model = byTurn([
			{
				tokens: [],
				toolCalls: [
					{ name: 'search', arguments: { q: 'a' } },
					{ name: 'search', arguments: { q: 'a' } },
					{ name: 'search', arguments: { q: 'b' } }
				]
			},
			{ tokens: ['done'] }
		]);
		const run = await runAgent(base({ model, tools: [search.tool] }));
		expect(run.stopReason).toBe('final_answer');
		expect(search.calls).toEqual([{ q: 'a' }, { q: 'b' }]);
		const calls = run.steps[0]?.calls ?? [];
		expect(calls.map((c) => c.status)).toEqual(['ok', 'invalid', 'ok']);
		expect(calls[1]?.result.content).toBe(
			`Duplicate of call ${calls[0]?.id} in this step (same tool, same arguments): it was not run again; its result is above.`
		);
		expect(run.messages.filter((m) => m.role === 'tool')).toHaveLength(3);
	});
});
