import { describe, expect, it } from 'vitest';
import { AssayError } from '../../../src/lib/shared/errors.ts';
import { assemblePrompt, renderSystemPrompt, DEFAULT_SYSTEM_PROMPT, type PromptInput, type SystemPromptSpec, type Tokenizer } from '../../../src/lib/generation/index.ts';

/** Exact test tokenizer: one token per whitespace-separated word. */
const words: Tokenizer = { exact: true, countTokens: (s) => s.split(/\s+/).filter(Boolean).length };
const spec: SystemPromptSpec = { version: 1, role: 'R', inputFormat: 'I', outputFormat: 'O', rules: [], edgeCases: [] };
const chunk = (id: string, title: string, text: string) => ({ chunkId: id, documentId: `doc-${id}`, title, text });
const twenty = Array.from({ length: 20 }, (_, i) => `w${i}`).join(' ');

function input(over: Partial<PromptInput> = {}): PromptInput {
	return {
		spec,
		question: 'why?',
		chunks: [chunk('A', 'a', 'one two three'), chunk('B', 'b', twenty), chunk('C', 'c', 'x y')],
		contextWindowTokens: 40,
		reserveOutputTokens: 10,
		tokenizer: words,
		...over
	};
}

describe('assemblePrompt', () => {
	it('packs chunks in rank order, skips one that does not fit and numbers the packed ones contiguously', () => {
		const p = assemblePrompt(input());
		expect(p.sources.map((s) => [s.n, s.chunkId, s.tokens])).toEqual([[1, 'A', 6], [2, 'C', 5]]);
		expect(p.droppedChunkIds).toEqual(['B']);
		expect(p.promptTokens).toBe(29);
		expect(p.budgetTokens).toBe(30);
	});

	it('puts the numbered sources and the question in the last user message', () => {
		const p = assemblePrompt(input());
		expect(p.messages).toEqual([
			{ role: 'system', content: 'R\n\nInput: I\n\nOutput: O' },
			{ role: 'user', content: 'Sources:\n[1] a\none two three\n\n[2] c\nx y\n\nQuestion: why?' }
		]);
	});

	it('keeps every message before the last identical across questions so the engine can reuse its cache', () => {
		const fewShot = [{ question: 'q?', sources: [{ title: 't', text: 'u' }], answer: 'v [1]' }];
		const a = assemblePrompt(input({ fewShot, contextWindowTokens: 80 }));
		const b = assemblePrompt(input({ fewShot, contextWindowTokens: 80, question: 'how?', chunks: [chunk('Z', 'z', 'zzz')] }));
		expect(a.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
		expect(a.messages.slice(0, 3)).toEqual(b.messages.slice(0, 3));
		expect(a.messages[1]!.content).toBe('Sources:\n[1] t\nu\n\nQuestion: q?');
	});

	it('fails with CONTEXT_WINDOW_EXCEEDED when the prompt without sources leaves no room', () => {
		expect(() => assemblePrompt(input({ contextWindowTokens: 20, reserveOutputTokens: 3 }))).toThrowError(expect.objectContaining({ code: 'CONTEXT_WINDOW_EXCEEDED' }) as AssayError);
	});

	it('fits exactly at the budget boundary (18 base tokens in a budget of 18)', () => {
		const p = assemblePrompt(input({ contextWindowTokens: 21, reserveOutputTokens: 3 }));
		expect(p.sources).toEqual([]);
		expect(p.droppedChunkIds).toEqual(['A', 'B', 'C']);
		expect(p.messages.at(-1)!.content).toBe('Sources:\n(no sources)\n\nQuestion: why?');
	});

	it('rejects a reserve that is not below the window', () => {
		expect(() => assemblePrompt(input({ contextWindowTokens: 10, reserveOutputTokens: 10 }))).toThrowError(expect.objectContaining({ code: 'CONFIG_INVALID' }) as AssayError);
	});
});

describe('renderSystemPrompt', () => {
	it('renders rules numbered and edge cases bulleted, dropping blank items', () => {
		expect(renderSystemPrompt({ ...spec, rules: ['a', ' ', 'b'], edgeCases: ['c'] })).toBe('R\n\nInput: I\n\nOutput: O\n\nRules:\n1. a\n2. b\n\nEdge cases:\n- c');
	});

	it('asks for [n] citations in the default spec', () => {
		expect(renderSystemPrompt(DEFAULT_SYSTEM_PROMPT)).toContain('[n]');
	});
});
