/**
 * Prompt layout for caching, measured: Assay's layout (stable content first — system prompt,
 * few-shot examples, then the sources, then the question; `assemblePrompt`) against a
 * question-first layout of the same text (question and sources, then the instructions and
 * examples), on the latency-model server with prefix caching (16-word KV blocks, TTFT =
 * 30 ms + 0.1 ms · uncached prompt word). Each layout answers the same 12 questions, each with
 * its own 3 sources, at concurrency 1 after one warm-up question of its own. Printed: p50 TTFT
 * of each layout, the ratio, and the prefix words the server served from its cache.
 *
 *   npx tsx bench/serving/prompt-layout.ts        (npm run bench:prompt-layout)
 *
 * Writes bench/out/prompt-layout.json. Not part of the test suite. WebLLM's KV reuse across
 * turns needs a GPU and a downloaded model: not measured here.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createOpenAiStreamingClient, realClock, runServingPoint, type ServingRequest } from '../../src/lib/bench/serving/index.ts';
import { assemblePrompt, DEFAULT_SYSTEM_PROMPT, EstimateTokenizer } from '../../src/lib/generation/index.ts';
import type { ChatMessage } from '../../src/lib/generation/types.ts';
import { startLatencyModelServer } from '../../tests/support/latency-model-server.ts';

const words = (n: number, seed: number) => Array.from({ length: n }, (_, i) => `w${(seed * 7919 + i * 104729) % 100000}`).join(' ');
const fewShot = [0, 1].map((k) => ({
	question: `Example question ${k}: ${words(12, 900 + k)}?`,
	sources: [{ title: `Example ${k}`, text: words(120, 950 + k) }],
	answer: `Example answer ${k} [1]. ${words(30, 980 + k)}`
}));
const tokenizer = new EstimateTokenizer();

function assembled(i: number): ChatMessage[] {
	return assemblePrompt({
		spec: DEFAULT_SYSTEM_PROMPT,
		fewShot,
		question: `Question ${i}: ${words(15, i)}?`,
		chunks: [0, 1, 2].map((j) => ({ chunkId: `c${i}-${j}`, title: `Doc ${i}.${j}`, text: words(90, 100 * i + j) })),
		contextWindowTokens: 8192,
		reserveOutputTokens: 64,
		tokenizer
	}).messages;
}

const join2 = (ms: readonly ChatMessage[]) => ms.map((m) => `${m.role}: ${m.content}`).join('\n\n');
/** Stable first: the messages in Assay's order. */
const stableFirst = (i: number) => join2(assembled(i));
/** Variable first: the last user message (sources and question) before the instructions and examples. */
const variableFirst = (i: number) => {
	const ms = assembled(i);
	return join2([ms[ms.length - 1]!, ...ms.slice(0, -1)]);
};
const request = (prompt: string): ServingRequest => ({ prompt, promptTokens: prompt.split(/\s+/).length, outputTokens: 4 });

const server = await startLatencyModelServer({
	ttftBaseMs: 30,
	ttftPerPromptTokenMs: 0.1,
	tpotBaseMs: 8,
	tpotPerConcurrentMs: 2,
	prefixCache: true
});
const client = createOpenAiStreamingClient({ baseUrl: server.baseUrl, model: 'latency-model' });
const results: Record<string, { p50TtftMs: number; meanPromptWords: number; cachedPromptWords: number }> = {};
for (const [name, layout, offset] of [
	['stable first (Assay)', stableFirst, 0],
	['variable first', variableFirst, 1000]
] as const) {
	const before = server.stats.cachedPromptTokens;
	const requests = Array.from({ length: 12 }, (_, i) => request(layout(offset + i + 1)));
	const point = await runServingPoint({
		client,
		clock: realClock,
		requests,
		requestRate: Infinity,
		maxConcurrency: 1,
		warmup: 1,
		warmupRequest: request(layout(offset + 500))
	});
	results[name] = {
		p50TtftMs: point.metrics.ttftMs.p50,
		meanPromptWords: point.requested.promptTokens,
		cachedPromptWords: server.stats.cachedPromptTokens - before
	};
}
await server.close();
const a = results['stable first (Assay)']!;
const b = results['variable first']!;
const lines = [
	'prompt layout and prefix caching (latency-model server, 16-word blocks, concurrency 1, 12 questions + 1 warm-up)',
	...Object.entries(results).map(
		([k, r]) =>
			`  ${k.padEnd(22)} p50 TTFT ${r.p50TtftMs.toFixed(1).padStart(7)} ms   mean prompt ${r.meanPromptWords.toFixed(0)} words   served from cache ${r.cachedPromptWords} words`
	),
	`  TTFT ratio stable/variable: ${(a.p50TtftMs / b.p50TtftMs).toFixed(3)}`
];
console.log(lines.join('\n'));
const out = join(import.meta.dirname, '..', 'out');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'prompt-layout.json'), `${JSON.stringify({ results, ratio: a.p50TtftMs / b.p50TtftMs }, null, 2)}\n`);
