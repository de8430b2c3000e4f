import { describe, expect, it } from 'vitest';
import { BasicTracer } from '../../../../src/lib/tracing/tracer.ts';
import {
	formatSystemPromptFile,
	parseSystemPromptFile,
	renderSystemPrompt,
	ScriptedChatModel,
	type ChatScript
} from '../../../../src/lib/generation/index.ts';
import { AssaySystem } from '../../../../src/lib/evals/system/assay-system.ts';
import { isUnreachable } from '../../../../src/lib/evals/system/unreachable.ts';
import type { SystemUnderTest } from '../../../../src/lib/evals/system/types.ts';
import { AssayError } from '../../../../src/lib/shared/errors.ts';
import { cases, hits, makeRun, tickingClock, words } from '../answers/fixtures.ts';

function system(script: ChatScript, promptFile?: string) {
	const model = new ScriptedChatModel(
		'tiny-1b',
		() => script,
		async () => {}
	);
	const queries: string[] = [];
	const base = makeRun().config;
	const prompt = promptFile !== undefined ? parseSystemPromptFile(promptFile) : base.prompt;
	const sut = new AssaySystem({
		config: { ...base, prompt },
		model,
		retrieve: async (q) => (queries.push(q), hits),
		tokenizer: words,
		tracer: new BasicTracer([], () => 0),
		clock: tickingClock(),
		corpusIdentity: { corpus: 'kites', sha256: 'abc' },
		now: () => 5
	});
	return { sut: sut as SystemUnderTest & AssaySystem, model, queries };
}

async function thrown(p: Promise<unknown>): Promise<AssayError> {
	try {
		await p;
	} catch (e) {
		return e as AssayError;
	}
	throw new Error('expected a rejection');
}

describe('AssaySystem (the assay system type)', () => {
	it('answers a case through retrieve → prompt → model and returns the top-k retrieved chunks as ranked contexts with text', async () => {
		const { sut, queries } = system({ tokens: ['Yes', ' [1].'], usage: { inputTokens: 40, outputTokens: 3 } });
		const out = await sut.answer({ case: cases[0]!, repeat: 0, seed: 7 });
		expect(queries).toEqual(['Do kites fly?']);
		expect(out.answer).toBe('Yes [1].');
		expect(out.contexts).toEqual([
			{ documentRef: 'kites.md', score: 3, text: 'Kites fly high.', title: 'Kites' },
			{ documentRef: 'birds.md', score: 2, text: 'Birds sing.', title: 'Birds' },
			{ documentRef: 'wind.md', score: 1, text: 'Wind blows.', title: 'Wind' }
		]);
		expect(out.usage).toEqual({ inputTokens: 40, outputTokens: 3 });
		expect(out.timings).toEqual({ totalMs: 60, ttftMs: 10 });
	});

	it('sends the request seed (base seed + repeat) as the generation seed', async () => {
		const { sut, model } = system({ tokens: ['ok'] });
		await sut.answer({ case: cases[0]!, repeat: 2, seed: 44 });
		expect(model.requests[0]).toMatchObject({ seed: 44, temperature: 0, maxTokens: 50 });
	});

	it('uses the system prompt spec loaded from a prompt file as the system message', async () => {
		const file = formatSystemPromptFile({
			version: 9,
			role: 'You are the kite bot.',
			inputFormat: 'I',
			outputFormat: 'O',
			rules: ['Cite [n].'],
			edgeCases: []
		});
		const { sut, model } = system({ tokens: ['ok'] }, file);
		await sut.answer({ case: cases[1]!, repeat: 0, seed: 1 });
		expect(model.requests[0]!.messages[0]).toEqual({ role: 'system', content: renderSystemPrompt(parseSystemPromptFile(file).spec) });
		expect(sut.ref).toEqual({
			type: 'assay',
			label: 'lexical + v3',
			details: { mode: 'lexical', topK: 3, model: 'tiny-1b', provider: 'scripted', promptVersion: 9 }
		});
	});

	it('has a cache identity that changes with the prompt, the corpus or the retrieval settings but not with the seed', () => {
		const a = system({ tokens: ['x'] }).sut;
		const b = system(
			{ tokens: ['x'] },
			formatSystemPromptFile({ version: 3, role: 'R2', inputFormat: 'I', outputFormat: 'O', rules: [], edgeCases: [] })
		).sut;
		expect(a.cacheIdentity).toMatchObject({ type: 'assay', corpus: { corpus: 'kites', sha256: 'abc' }, mode: 'lexical', topK: 3 });
		expect(JSON.stringify(a.cacheIdentity)).not.toEqual(JSON.stringify(b.cacheIdentity));
		expect(JSON.stringify(a.cacheIdentity)).not.toContain('"seed"');
	});

	it('keeps the full answer record (messages, packed sources, citations) available for the answers table', async () => {
		const { sut, model } = system({ tokens: ['Yes [1] [9].'] });
		const r = await sut.answerRecord({ case: cases[0]!, repeat: 0, seed: 7 });
		expect(r).toMatchObject({
			runId: 'assay-system',
			caseId: 'q1',
			reference: 'Yes, kites fly.',
			citations: { cited: [1], invalid: [9] },
			createdAtMs: 5
		});
		expect(r.messages).toEqual(model.requests[0]!.messages);
	});

	it('turns a failed generation into SYSTEM_REQUEST_FAILED for that case, with the cause and the partial text', async () => {
		const { sut } = system({ tokens: ['par'], error: { name: 'AssayError', code: 'LLM_GENERATION_FAILED', message: 'boom' } });
		const e = await thrown(sut.answer({ case: cases[0]!, repeat: 0, seed: 1 }));
		expect(e.code).toBe('SYSTEM_REQUEST_FAILED');
		expect(e.message).toBe('Assay\'s pipeline failed on case "q1": LLM_GENERATION_FAILED: boom');
		expect(e.details).toEqual({ cause: 'LLM_GENERATION_FAILED', partialText: 'par' });
	});

	it('turns an unreachable model (request failed without an HTTP status) into SYSTEM_UNREACHABLE, but an HTTP error into a case failure', async () => {
		const down = system({
			tokens: [],
			error: { name: 'AssayError', code: 'LLM_REQUEST_FAILED', message: 'Could not reach http://127.0.0.1:9/v1' }
		}).sut;
		expect((await thrown(down.answer({ case: cases[0]!, repeat: 0, seed: 1 }))).code).toBe('SYSTEM_UNREACHABLE');
		const http500 = system({
			tokens: [],
			error: { name: 'AssayError', code: 'LLM_REQUEST_FAILED', message: 'HTTP 500', details: { status: 500 } }
		}).sut;
		expect((await thrown(http500.answer({ case: cases[0]!, repeat: 0, seed: 1 }))).code).toBe('SYSTEM_REQUEST_FAILED');
		expect(isUnreachable({ code: 'CONTEXT_WINDOW_EXCEEDED' })).toBe(false);
	});

	it('never counts a batch capture or a missing batch reply as unreachable: nothing was sent', () => {
		expect(isUnreachable({ code: 'LLM_REQUEST_FAILED' })).toBe(true);
		expect(isUnreachable({ code: 'LLM_REQUEST_FAILED', details: { batch: 'captured' } })).toBe(false);
		expect(isUnreachable({ code: 'LLM_REQUEST_FAILED', details: { batch: 'no-reply' } })).toBe(false);
	});
});
