import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createExecSystem, parseExecOutput, STDERR_TAIL_BYTES } from '../../../src/cli/exec-system.ts';
import type { GoldenCase } from '../../../src/lib/evals/golden/types.ts';

const fixture = fileURLToPath(new URL('../../fixtures/exec-system/answer.mjs', import.meta.url));
const gc = (id: string, extra: Partial<GoldenCase> = {}): GoldenCase => ({
	id,
	query: `query ${id}`,
	relevant: [{ doc: 'd1', grade: 1 }],
	tags: ['t'],
	...extra
});
const ask = (id: string, extra: Partial<GoldenCase> = {}) => ({ case: gc(id, extra), repeat: 1, seed: 43 });
const node = (extra: Record<string, unknown> = {}) =>
	createExecSystem({ type: 'exec', command: process.execPath, args: [fixture], ...extra });

describe('exec system with a node script', () => {
	it('sends the case as JSON on stdin and maps the answer, contexts and usage from stdout', async () => {
		let t = 0;
		const system = await createExecSystem({ type: 'exec', command: process.execPath, args: [fixture] }, { now: () => (t += 5) });
		const out = await system.answer(ask('ok', { reference: 'ref' }));
		expect(out).toEqual({
			answer: 'echo: query ok (repeat 1, seed 43)',
			contexts: [{ text: 'text only' }, { documentRef: 'd1', text: 'passage', score: 1.5 }],
			usage: { inputTokens: 3, outputTokens: 4 },
			timings: { totalMs: 5, ttftMs: null }
		});
		expect(system.ref).toMatchObject({ type: 'exec', details: { command: process.execPath, args: [fixture], envNames: [] } });
	});

	it('the case JSON carries id, query, the golden fields, repeat and seed', async () => {
		const system = await createExecSystem({
			type: 'exec',
			command: process.execPath,
			args: ['-e', "let s='';process.stdin.on('data',c=>s+=c).on('end',()=>process.stdout.write(JSON.stringify({answer:s,contexts:[]})))"]
		});
		const out = await system.answer(ask('x', { reference: 'ref' }));
		expect(JSON.parse(out.answer)).toEqual({
			id: 'x',
			query: 'query x',
			relevant: [{ doc: 'd1', grade: 1 }],
			reference: 'ref',
			tags: ['t'],
			repeat: 1,
			seed: 43
		});
	});

	it('allows log lines before the JSON: the last non-empty line is the result', async () => {
		expect((await (await node()).answer(ask('logs'))).answer).toBe('after logs');
	});

	it('a non-zero exit is SYSTEM_REQUEST_FAILED with the exit code and the last 2 KB of stderr', async () => {
		const error = await (await node()).answer(ask('fail')).catch((e: unknown) => e);
		expect(error).toMatchObject({ code: 'SYSTEM_REQUEST_FAILED', details: { caseId: 'fail', exitCode: 3 } });
		const message = (error as Error).message;
		expect(message).toContain('exited with code 3 on case fail');
		expect(message).toContain('the real reason is at the end');
		expect((error as { details: { stderrTail: string } }).details.stderrTail.length).toBeLessThanOrEqual(STDERR_TAIL_BYTES);
	});

	it('stdout that is not the result JSON is SYSTEM_REQUEST_FAILED saying what was found', async () => {
		const system = await node();
		await expect(system.answer(ask('badjson'))).rejects.toMatchObject({
			code: 'SYSTEM_REQUEST_FAILED',
			message: expect.stringContaining('not JSON ({"answer", "contexts"} expected): "this is not json"')
		});
		await expect(system.answer(ask('noanswer'))).rejects.toMatchObject({
			code: 'SYSTEM_REQUEST_FAILED',
			message: expect.stringContaining('"answer" is not a string')
		});
	});

	it('a case past timeoutMs is stopped (SIGTERM, then SIGKILL for a process that ignores it) and fails alone', async () => {
		const system = await node({ timeoutMs: 300, killGraceMs: 100 });
		for (const id of ['hang', 'stubborn']) {
			await expect(system.answer(ask(id))).rejects.toMatchObject({
				code: 'SYSTEM_REQUEST_FAILED',
				details: { timeoutMs: 300 },
				message: expect.stringContaining(`did not finish case ${id} within 300 ms`)
			});
		}
		expect((await system.answer(ask('other'))).answer).toBe('default');
	});

	it('a flood of stdout is cut at maxOutputBytes', async () => {
		const system = await node({ maxOutputBytes: 256 * 1024 });
		await expect(system.answer(ask('flood'))).rejects.toMatchObject({
			code: 'SYSTEM_REQUEST_FAILED',
			details: { maxOutputBytes: 256 * 1024 }
		});
	});

	it('a command that does not exist, or is not executable, is SYSTEM_UNREACHABLE', async () => {
		const missing = await createExecSystem({ type: 'exec', command: 'assay-no-such-command-4f2a', args: [] });
		await expect(missing.answer(ask('ok'))).rejects.toMatchObject({
			code: 'SYSTEM_UNREACHABLE',
			details: { errno: 'ENOENT' },
			message: expect.stringContaining('was not found')
		});
		const notExecutable = await createExecSystem({ type: 'exec', command: fixture });
		await expect(notExecutable.answer(ask('ok'))).rejects.toMatchObject({ code: 'SYSTEM_UNREACHABLE', details: { errno: 'EACCES' } });
	});

	it('never starts a shell: shell syntax in args is passed literally, and sh -c works when written', async () => {
		const literal = await createExecSystem({
			type: 'exec',
			command: process.execPath,
			args: ['-e', 'process.stdout.write(JSON.stringify({answer: process.argv[1], contexts: []}))', '$(echo injected); ls']
		});
		expect((await literal.answer(ask('x'))).answer).toBe('$(echo injected); ls');
		const shell = await createExecSystem({ type: 'exec', command: 'sh', args: ['-c', `"${process.execPath}" "${fixture}"`] });
		expect((await shell.answer(ask('ok'))).answer).toBe('echo: query ok (repeat 1, seed 43)');
	});

	it('an abort stops the process and rejects with the abort reason', async () => {
		const system = await node({ timeoutMs: 60_000 });
		const ac = new AbortController();
		const pending = system.answer({ ...ask('hang'), signal: ac.signal });
		setTimeout(() => ac.abort(), 50);
		await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
	});

	it('records env names, never values; config errors name the key', async () => {
		const system = await createExecSystem({ type: 'exec', command: 'x', env: { API_KEY: 'secret-value' } });
		expect(JSON.stringify([system.ref, system.cacheIdentity])).not.toContain('secret-value');
		await expect(createExecSystem({ type: 'exec', command: '', args: 'not-an-array' } as never)).rejects.toThrow(
			/system\.command: .*system\.args/
		);
	});
});

describe('parseExecOutput', () => {
	it('rejects contexts without id or text', () => {
		expect(() => parseExecOutput('{"answer":"a","contexts":[{}]}')).toThrow(/contexts\[0\]: the context has neither/);
	});
});
