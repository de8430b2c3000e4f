/**
 * A scripted OpenAI-compatible judge on 127.0.0.1 for `assay eval` tests: streams a rubric
 * verdict `{"score", "reason"}` chosen by `score(question, call)` — `call` counts the requests
 * that named this question (1-based) — and counts requests. Not a test file.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeJudge {
	/** Base URL up to `/v1`. */
	readonly baseUrl: string;
	readonly requests: () => number;
	readonly stop: () => Promise<void>;
}

const sse = (obj: unknown) => `data: ${JSON.stringify(obj)}\n\n`;

/** Start the judge; `questions` are the golden queries it recognises in a prompt. */
export async function startFakeJudge(
	questions: readonly string[],
	score: (question: string | null, call: number) => number
): Promise<FakeJudge> {
	let total = 0;
	const calls = new Map<string, number>();
	const server = createServer((req, res) => {
		let body = '';
		req.on('data', (c: Buffer) => (body += c.toString()));
		req.on('end', () => {
			total++;
			const prompt = JSON.stringify((JSON.parse(body) as { messages?: unknown }).messages ?? '');
			const question = questions.find((q) => prompt.includes(JSON.stringify(q).slice(1, -1))) ?? null;
			const call = (calls.get(question ?? '') ?? 0) + 1;
			calls.set(question ?? '', call);
			const s = score(question, call);
			res.writeHead(200, { 'content-type': 'text/event-stream' });
			res.end(
				sse({ choices: [{ index: 0, delta: { content: JSON.stringify({ score: s, reason: `scripted ${s}` }) }, finish_reason: null }] }) +
					sse({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }) +
					'data: [DONE]\n\n'
			);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}/v1`,
		requests: () => total,
		stop: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}
