import { beforeAll, describe, expect, it } from 'vitest';
import { hermesStructuralTag } from '../../../src/lib/agents/hermes.ts';
import { loadWebLlmXgrammar, type WebXgrammar } from '../../support/webllm-xgrammar.ts';

// The structural tag compiled and matched by the xgrammar build inside @mlc-ai/web-llm 0.2.86
// (CPU wasm): what a real WebLLM engine would let the model write. No model runs: a
// one-character-per-token vocabulary stands in for the tokenizer.
const tools = [
	{
		name: 'search_documents',
		description: 'Search.',
		parameters: {
			type: 'object',
			properties: { query: { type: 'string' }, top_k: { type: 'integer', minimum: 1, maximum: 20 } },
			required: ['query']
		}
	},
	{
		name: 'read_chunk',
		description: 'Read.',
		parameters: { type: 'object', properties: { chunk_id: { type: 'string' } }, required: ['chunk_id'] }
	}
];
const call = (name: string, args: string) => `<tool_call>\n{"name": "${name}", "arguments": ${args}}\n</tool_call>`;

let xg: WebXgrammar;
let info: unknown;
const STOP = 97; // 95 printable ASCII characters, newline, tab, then the stop token.
beforeAll(async () => {
	xg = await loadWebLlmXgrammar();
	const vocab = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).concat(['\n', '\t', '</s>']);
	info = await xg.TokenizerInfo.createTokenizerInfo(vocab, 'raw', false, vocab.length, [STOP]);
});

/** Whether the grammar lets the model write exactly `text` and then stop. */
async function accepts(text: string, toolChoice: 'auto' | 'required' = 'auto'): Promise<boolean> {
	const compiler = await xg.GrammarCompiler.createGrammarCompiler(info);
	const grammar = await compiler.compileStructuralTag(hermesStructuralTag(tools, toolChoice).structural_tag);
	const matcher = await xg.GrammarMatcher.createGrammarMatcher(grammar);
	try {
		return matcher._acceptString(text) && matcher.acceptToken(STOP);
	} finally {
		matcher.dispose();
		grammar.dispose();
	}
}

describe("hermesStructuralTag in web-llm's own xgrammar", () => {
	it('compiles, and lets a plain answer through when calls are optional', async () => {
		expect(await accepts('Flutter is covered in [1].')).toBe(true);
	});

	it('lets text then a call valid for its schema through, and two parallel calls', async () => {
		expect(await accepts(`Searching.\n${call('search_documents', '{"query": "wing flutter", "top_k": 5}')}`)).toBe(true);
		expect(await accepts(`${call('read_chunk', '{"chunk_id": "a#1"}')}\n${call('read_chunk', '{"chunk_id": "b#2"}')}`)).toBe(true);
	});

	it('refuses arguments of the wrong type, a missing required argument, a value out of range and an unknown tool', async () => {
		expect(await accepts(call('search_documents', '{"query": 5}'))).toBe(false);
		expect(await accepts(call('read_chunk', '{}'))).toBe(false);
		expect(await accepts(call('search_documents', '{"query": "a", "top_k": 50}'))).toBe(false);
		expect(await accepts(call('delete_order', '{"id": "x"}'))).toBe(false);
	});

	it('with toolChoice required, a plain answer is refused and a call is accepted', async () => {
		expect(await accepts('No call here.', 'required')).toBe(false);
		expect(await accepts(call('read_chunk', '{"chunk_id": "a#1"}'), 'required')).toBe(true);
	});
});
