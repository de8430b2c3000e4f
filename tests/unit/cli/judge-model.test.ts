import { describe, expect, it } from 'vitest';
import { UnreachableAsSystemError } from '../../../src/cli/eval/judge-model.ts';
import type { ChatModel, ModelStreamEvent } from '../../../src/lib/generation/types.ts';

const failing = (details?: Record<string, unknown>): ChatModel => ({
	modelId: 'j',
	provider: 'openai-compatible',
	async *stream() {
		yield { type: 'error', error: { name: 'AssayError', code: 'LLM_REQUEST_FAILED', message: 'boom', ...(details ? { details } : {}) } };
	}
});

async function events(model: ChatModel): Promise<ModelStreamEvent[]> {
	const out: ModelStreamEvent[] = [];
	for await (const e of model.stream({ messages: [], maxTokens: 16 })) out.push(e);
	return out;
}

describe('the judge model of assay eval', () => {
	it('re-codes a judge that cannot be reached (no HTTP status) as SYSTEM_UNREACHABLE, so the run stops', async () => {
		expect(await events(new UnreachableAsSystemError(failing({ retryExhausted: true, lastStatus: 503 })))).toEqual([{ type: 'error', error: { name: 'AssayError', code: 'SYSTEM_UNREACHABLE', message: 'The judge could not be reached: boom', details: { retryExhausted: true, lastStatus: 503 } } }]);
	});

	it('keeps an HTTP error the judge answered as a per-verdict LLM_REQUEST_FAILED', async () => {
		expect((await events(new UnreachableAsSystemError(failing({ status: 401 }))))[0]).toMatchObject({ error: { code: 'LLM_REQUEST_FAILED' } });
	});
});
