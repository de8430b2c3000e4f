import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cacheEvalCommand } from '../../../src/cli/cache-eval-command.ts';
import { parseCachePairs } from '../../../src/lib/cache/cache-quality.ts';
import type { ChatModel } from '../../../src/lib/generation/types.ts';

const PAIRS = fileURLToPath(new URL('../../fixtures/cache/negation-pairs.jsonl', import.meta.url));
const MODELS = fileURLToPath(new URL('../../fixtures/models/', import.meta.url));
const references = new Map(
	parseCachePairs(readFileSync(PAIRS, 'utf8')).flatMap((p) => [
		[p.first.question, p.first.reference] as const,
		[p.second.question, p.second.reference] as const
	])
);
/** A model that answers every pair question with its reference (usage 40 + 8 tokens), counting requests. */
function oracle(): ChatModel & { requests: number } {
	const m = {
		modelId: 'oracle',
		provider: 'test',
		requests: 0,
		async *stream(request: Parameters<ChatModel['stream']>[0]) {
			m.requests++;
			yield { type: 'token' as const, text: references.get(request.messages.at(-1)!.content) ?? '' };
			yield { type: 'usage' as const, usage: { inputTokens: 40, outputTokens: 8 } };
			yield { type: 'done' as const, finishReason: 'stop' as const };
		}
	};
	return m;
}

describe('assay cache-eval', () => {
	it('fails a loose semantic threshold on the negation fixture with the fixture embedding model, and passes the exact control', async () => {
		const out: string[] = [];
		const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t) };
		const file = join(mkdtempSync(join(tmpdir(), 'cache-eval-')), 'report.json');
		const args = ['--pairs', PAIRS, '--embed-model', 'static-embed', '--embed-models-dir', MODELS, '--out', file];
		const model = oracle();
		expect(await cacheEvalCommand([...args, '--threshold', '0.5'], io, { model })).toBe(1);
		const report = JSON.parse(readFileSync(file, 'utf8')) as { schema: string; wrongHits: number; hits: number; questions: number };
		expect(report.schema).toBe('assay.cache-quality/v1');
		expect(report.questions).toBe(10);
		expect(report.wrongHits).toBeGreaterThan(0);
		expect(model.requests).toBe(10 + report.questions - report.hits);
		expect(out.join('')).toMatch(/✗ "Is remote work not allowed\?" served the answer of "Is remote work allowed\?"/);

		expect(await cacheEvalCommand([...args, '--mode', 'exact'], io, { model: oracle() })).toBe(0);
		expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ mode: 'exact', hits: 0, wrongHits: 0, wrongHitRate: 0 });
	});
});
