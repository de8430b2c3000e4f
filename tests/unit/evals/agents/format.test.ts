import { describe, expect, it } from 'vitest';
import { parseAgentTasksJsonl, satisfies, argumentsSatisfy } from '../../../../src/lib/evals/agents/format.ts';
import { fixtureTasks } from '../../../support/agent-fixture.ts';

describe('the agent-tasks JSONL format', () => {
	it('loads the fixture task set with defaults filled in', () => {
		const tasks = fixtureTasks();
		expect(tasks.map((t) => t.id)).toEqual([
			't1-lift',
			't2-greedy',
			't3-invalid',
			't4-denied',
			't5-steps',
			't6-no-tools',
			't7-free',
			't8-extra'
		]);
		expect(tasks[0]?.trajectory).toBe('in_order');
		expect(tasks[1]?.trajectory).toBe('any_order');
		expect(tasks[4]?.maxSteps).toBe(2);
		expect(tasks[6]?.expectedToolCalls).toBeUndefined();
		expect(tasks[5]?.expectedToolCalls).toEqual([]);
		expect(tasks[0]?.expectedToolCalls?.[1]).toEqual({ name: 'read_chunk', arguments: { chunk_id: { kind: 'equals', value: 'd7#0' } } });
	});

	it('reports each bad line with its number and what is wrong, and still loads the good lines', () => {
		const text = [
			'{"id":"ok-1","task":"a"}',
			'{"id":"x","task":"b"',
			'',
			'{"id":"y","task":"  "}',
			'{"id":"z","task":"c","expectedToolCalls":[{"name":"search","arguments":{"q":{"regex":"("}}}]}',
			'{"id":"w","task":"c","expectedToolCalls":[{"name":"search","arguments":{"k":{"gte":5,"lte":1}}}]}',
			'{"id":"v","task":"c","trajectory":"strict"}',
			'{"id":"ok-1","task":"again"}',
			'{"id":"u","task":"c","extra":1}',
			'{"id":"t","task":"c","checks":[{"id":"a","type":"length","maxChars":9},{"id":"a","type":"length","maxChars":3}]}',
			'{"id":"ok-2","task":"d","expectedToolCalls":[{"name":"search","arguments":{"top_k":{"exists":true}}}]}'
		].join('\r\n');
		const parsed = parseAgentTasksJsonl(text);
		expect(parsed.tasks.map((t) => t.id)).toEqual(['ok-1', 'ok-2']);
		expect(parsed.errors.map((e) => e.line)).toEqual([2, 4, 5, 6, 7, 8, 9, 10]);
		expect(parsed.errors[0]?.message).toMatch(/^not valid JSON/);
		expect(parsed.errors[1]?.message).toBe('task: task must not be empty');
		expect(parsed.errors[2]?.message).toMatch(/^expectedToolCalls\.0\.arguments\.q: "regex" is not a valid regular expression/);
		expect(parsed.errors[3]?.message).toBe('expectedToolCalls.0.arguments.k: "gte" (5) is above "lte" (1)');
		expect(parsed.errors[4]?.message).toBe('trajectory: trajectory must be "exact", "in_order" or "any_order"');
		expect(parsed.errors[5]?.message).toBe('task id "ok-1" appears twice (the first is kept)');
		expect(parsed.errors[6]?.message).toMatch(/Unrecognized key: "extra"/);
		expect(parsed.errors[7]?.message).toBe('check id "a" appears twice in task "t"');
	});

	it('checks every constraint form against argument values', () => {
		const c = (v: unknown) =>
			parseAgentTasksJsonl(JSON.stringify({ id: 'a', task: 'b', expectedToolCalls: [{ name: 'f', arguments: { x: v } }] })).tasks[0]
				?.expectedToolCalls?.[0]?.arguments.x;
		const holds = (v: unknown, value: unknown) => satisfies(c(v) as NonNullable<ReturnType<typeof c>>, value);
		expect(holds({ a: 1, b: [2] }, { b: [2], a: 1 })).toBe(true);
		expect(holds(5, 5.0)).toBe(true);
		expect(holds('5', 5)).toBe(false);
		expect(holds({ equals: { contains: 'x' } }, { contains: 'x' })).toBe(true);
		expect(holds({ contains: 'LIFT' }, 'flat plate lift')).toBe(true);
		expect(holds({ contains: 'lift' }, ['lift'])).toBe(false);
		expect(holds({ regex: '^wing' }, 'wing span')).toBe(true);
		expect(holds({ regex: '^wing' }, 'a wing')).toBe(false);
		expect(holds({ oneOf: ['n1', 'n2'] }, 'n2')).toBe(true);
		expect(holds({ oneOf: ['n1', 'n2'] }, 'n3')).toBe(false);
		expect(holds({ gte: 1, lte: 10 }, 10)).toBe(true);
		expect(holds({ gte: 1, lte: 10 }, 20)).toBe(false);
		expect(holds({ lte: 10 }, '3')).toBe(false);
		expect(holds({ exists: true }, undefined)).toBe(false);
		expect(holds({ exists: false }, undefined)).toBe(true);
		expect(holds({ contains: 'x' }, undefined)).toBe(false);
		expect(argumentsSatisfy({ name: 'f', arguments: { x: { kind: 'exists', value: false } } }, { x: 1 })).toBe(false);
		expect(argumentsSatisfy({ name: 'f', arguments: {} }, { anything: 1 })).toBe(true);
	});
});

describe('schemas/agent-task.v1.schema.json', () => {
	it('accepts every fixture line and refuses a line without a task', async () => {
		const { readFileSync } = await import('node:fs');
		const { default: Ajv } = await import('ajv');
		const schema = JSON.parse(readFileSync(new URL('../../../../schemas/agent-task.v1.schema.json', import.meta.url), 'utf8')) as object;
		const validate = new Ajv({ strict: false }).compile(schema);
		const lines = readFileSync(new URL('../../../fixtures/agents/tasks.jsonl', import.meta.url), 'utf8')
			.trim()
			.split('\n');
		for (const line of lines) expect([line, validate(JSON.parse(line))]).toEqual([line, true]);
		expect(validate({ id: 'a' })).toBe(false);
		expect(validate({ id: 'a', task: 'b', trajectory: 'strict' })).toBe(false);
	});
});
