import { describe, expect, it } from 'vitest';
import { BenchDesk } from '../../../src/lib/app/bench.svelte.ts';
import type { AppCore } from '../../../src/lib/app/app-core.svelte.ts';
import { Jobs } from '../../../src/lib/app/shell/jobs.svelte.ts';
import { DEFAULT_ENDPOINT } from '../../../src/lib/app/ask-endpoint.ts';
import { ScriptedChatModel } from '../../../src/lib/generation/scripted.ts';
import type { ChatModel } from '../../../src/lib/generation/types.ts';
import { VirtualClock } from '../../support/virtual-clock.ts';

/** The part of the app context the desk uses: profiles, the in-browser engine holding `model`, jobs. */
function fakeApp(model: ChatModel | null, jobs = new Jobs(() => 0)): AppCore {
	const profile = { id: 'p-1', name: 'Default', endpoint: { ...DEFAULT_ENDPOINT } };
	return {
		llm: { loaded: model },
		profiles: { profiles: [profile], profileFor: () => profile },
		jobs,
		startLlm: () => {}
	} as unknown as AppCore;
}

describe('the Benchmarks page state', () => {
	it('benchmarks the in-browser model at concurrency 1 whatever the form says, one point per prompt length, and holds the report', async () => {
		const clock = new VirtualClock();
		const model = new ScriptedChatModel(
			'webllm-model',
			(r) => ({ tokens: ['a', 'b', 'c'], firstTokenDelayMs: r.messages[0]!.content.split(' ').length, tokenDelayMs: 5 }),
			(ms) => clock.sleepMs(ms)
		);
		const jobs = new Jobs(() => 0);
		const desk = new BenchDesk(fakeApp(model, jobs), clock);
		Object.assign(desk.form, { concurrency: '4,8', promptTokens: '8,32', outputTokens: '3', requests: 2, warmup: 1 });
		desk.setTarget('webllm');
		await desk.run();
		expect(desk.error).toBeNull();
		expect(desk.notice).toBe('Done: 2 of 2 points, 0 failed requests.');
		const report = desk.shown!.report;
		expect(report.target).toEqual({ baseUrl: 'in-browser (WebLLM)', endpoint: '/v1/chat/completions', model: 'webllm-model' });
		expect(report.points.map((p) => [p.concurrency, p.promptTokens, p.completed, p.ttftMs.p50, p.tpotMs.p50])).toEqual([
			[1, 8, 2, 8, 5],
			[1, 32, 2, 32, 5]
		]);
		// 2 points × (1 warm-up + 2 measured) requests, each limited to the output length.
		expect(model.requests).toHaveLength(6);
		expect(model.requests.every((r) => r.maxTokens === 3)).toBe(true);
		expect(desk.progress.map((p) => [p.status, p.done, p.total])).toEqual([
			['done', 3, 3],
			['done', 3, 3]
		]);
		expect(jobs.items.map((j) => [j.kind, j.status, j.done, j.total])).toEqual([['bench', 'done', 2, 2]]);
	});

	it('refuses to run the in-browser model before one is loaded, and a bad concurrency list for an endpoint', async () => {
		const desk = new BenchDesk(fakeApp(null), new VirtualClock());
		desk.setTarget('webllm');
		await desk.run();
		expect(desk.error).toMatch(/Load an in-browser model first/);
		desk.setTarget('endpoint');
		desk.form.concurrency = '1,x';
		await desk.run();
		expect(desk.error).toMatch(/Concurrency takes a comma list/);
		expect(desk.reports).toEqual([]);
	});

	it('Stop keeps the points already finished and says so', async () => {
		const clock = new VirtualClock();
		let desk: BenchDesk | null = null;
		let calls = 0;
		const model = new ScriptedChatModel(
			'm',
			() => {
				// The third request is the second point's warm-up (each point: its warm-up, then one measured request).
				if (++calls === 3) desk!.stop();
				return { tokens: ['a', 'b'], firstTokenDelayMs: 10, tokenDelayMs: 5 };
			},
			(ms) => clock.sleepMs(ms)
		);
		desk = new BenchDesk(fakeApp(model), clock);
		Object.assign(desk.form, { promptTokens: '8,16,32', requests: 1, warmup: 1 });
		desk.setTarget('webllm');
		await desk.run();
		expect(desk.notice).toBe('Stopped: 1 of 3 points, 0 failed requests.');
		expect(desk.shown!.name).toMatch(/^Stopped run/);
		expect(desk.shown!.report.points.map((p) => p.promptTokens)).toEqual([8]);
	});

	it('holds opened reports and compares the second with the first; a file that is not a report is refused', async () => {
		const clock = new VirtualClock();
		const model = new ScriptedChatModel('m', { tokens: ['a', 'b'], firstTokenDelayMs: 10, tokenDelayMs: 5 }, (ms) => clock.sleepMs(ms));
		const runner = new BenchDesk(fakeApp(model), clock);
		Object.assign(runner.form, { promptTokens: '8', requests: 1, warmup: 0 });
		runner.setTarget('webllm');
		await runner.run();
		const json = JSON.stringify(runner.shown!.report);
		const desk = new BenchDesk(fakeApp(null), new VirtualClock());
		await desk.open(new File([json], 'a.json'));
		await desk.open(new File([json], 'b.json'));
		expect([desk.shown?.name, desk.compared?.name]).toEqual(['a.json', 'b.json']);
		expect(desk.compared!.report).toEqual(runner.shown!.report);
		await desk.open(new File(['{"schema":"x"}'], 'bad.json'));
		expect(desk.error).toMatch(/Not a serving benchmark report/);
		await desk.open(new File(['not json'], 'worse.json'));
		expect(desk.error).toMatch(/worse.json is not JSON/);
		expect(desk.reports).toHaveLength(2);
	});
});
