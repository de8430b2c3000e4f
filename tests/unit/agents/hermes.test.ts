import { describe, expect, it } from 'vitest';
import { parseHermesOutput, toHermesMessages } from '../../../src/lib/agents/hermes.ts';

// Outputs in the shapes Qwen's function-calling guide shows (Qwen2.5/Qwen3 Hermes template).
describe('Hermes tool-call parsing', () => {
	it('reads one call and keeps the text before it', () => {
		const out =
			'Let me search.\n<tool_call>\n{"name": "search_documents", "arguments": {"query": "boundary layer", "top_k": 5}}\n</tool_call>';
		expect(parseHermesOutput(out)).toEqual({
			text: 'Let me search.',
			calls: [{ id: 'call_1', name: 'search_documents', argumentsJson: '{"query":"boundary layer","top_k":5}' }]
		});
	});

	it('reads parallel calls in order, with ids after the run offset', () => {
		const out =
			'<tool_call>\n{"name": "read_chunk", "arguments": {"chunk_id": "a#1"}}\n</tool_call>\n<tool_call>\n{"name": "read_chunk", "arguments": {"chunk_id": "b#2"}}\n</tool_call>';
		const { calls, text } = parseHermesOutput(out, 3);
		expect(text).toBe('');
		expect(calls.map((c) => [c.id, c.argumentsJson])).toEqual([
			['call_4', '{"chunk_id":"a#1"}'],
			['call_5', '{"chunk_id":"b#2"}']
		]);
	});

	it('drops reasoning, including a call the model only thought about (Qwen3 thinking mode)', () => {
		const out =
			'<think>\nI could call <tool_call>{"name": "delete_order", "arguments": {}}</tool_call> but no.\n</think>\n\nThe answer is 42 [1].';
		expect(parseHermesOutput(out)).toEqual({ text: 'The answer is 42 [1].', calls: [] });
	});

	it('keeps a call cut by max_tokens as raw text for the loop to report', () => {
		const out = '<tool_call>\n{"name": "search_documents", "arguments": {"query": "wing fl';
		expect(parseHermesOutput(out).calls).toEqual([
			{ id: 'call_1', name: 'search_documents', argumentsJson: '{"name": "search_documents", "arguments": {"query": "wing fl' }
		]);
	});

	it('passes double-encoded arguments through as the string the model wrote', () => {
		const out = '<tool_call>{"name": "read_chunk", "arguments": "{\\"chunk_id\\": \\"a#1\\"}"}</tool_call>';
		expect(parseHermesOutput(out).calls[0]?.argumentsJson).toBe('{"chunk_id": "a#1"}');
	});

	it('returns a plain answer untouched and gives unreadable blocks an empty name', () => {
		expect(parseHermesOutput('  Plain answer.  ')).toEqual({ text: 'Plain answer.', calls: [] });
		expect(parseHermesOutput('<tool_call>not json</tool_call>').calls).toEqual([{ id: 'call_1', name: '', argumentsJson: 'not json' }]);
	});
	it('keeps an argument that contains </tool_call> inside its call', () => {
		const out = 'Searching. <tool_call>{"name": "search", "arguments": {"q": "what does </tool_call> close"}}</tool_call>';
		expect(parseHermesOutput(out)).toEqual({
			text: 'Searching.',
			calls: [{ id: 'call_1', name: 'search', argumentsJson: '{"q":"what does </tool_call> close"}' }]
		});
		const two = '<tool_call>{"name": "a", "arguments": {}}</tool_call>\n<tool_call>{"name": "b", "arguments": {}}</tool_call>';
		expect(parseHermesOutput(two).calls.map((c) => c.name)).toEqual(['a', 'b']);
	});
});

describe('Hermes prompting for templates without a tool role', () => {
	const tools = [
		{ name: 'search_documents', description: 'Search.', parameters: { type: 'object', properties: { query: { type: 'string' } } } }
	];

	it('appends the tools block to the system message in the Qwen template wording', () => {
		const [system] = toHermesMessages([{ role: 'system', content: 'You are careful.' }], tools);
		expect(system).toEqual({
			role: 'system',
			content: [
				'You are careful.',
				'',
				'# Tools',
				'',
				'You may call one or more functions to assist with the user query.',
				'',
				'You are provided with function signatures within <tools></tools> XML tags:',
				'<tools>',
				'{"type": "function", "function": {"name": "search_documents", "description": "Search.", "parameters": {"type": "object", "properties": {"query": {"type": "string"}}}}}',
				'</tools>',
				'',
				'For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:',
				'<tool_call>',
				'{"name": <function-name>, "arguments": <args-json-object>}',
				'</tool_call>'
			].join('\n')
		});
	});

	it('writes calls into the assistant text and results as one user turn of tool_response blocks, never a tool role', () => {
		const out = toHermesMessages(
			[
				{ role: 'user', content: 'Find it.' },
				{
					role: 'assistant',
					content: 'Searching.',
					toolCalls: [
						{ id: 'call_1', name: 'search_documents', argumentsJson: '{"query":"a"}' },
						{ id: 'call_2', name: 'search_documents', argumentsJson: '{"query":"b"}' }
					]
				},
				{ role: 'tool', toolCallId: 'call_1', name: 'search_documents', content: 'R1' },
				{ role: 'tool', toolCallId: 'call_2', name: 'search_documents', content: 'R2' }
			],
			tools
		);
		expect(out.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
		expect(out[2]?.content).toBe(
			'Searching.\n<tool_call>\n{"name": "search_documents", "arguments": {"query":"a"}}\n</tool_call>\n<tool_call>\n{"name": "search_documents", "arguments": {"query":"b"}}\n</tool_call>'
		);
		expect(out[3]?.content).toBe('<tool_response>\nR1\n</tool_response>\n<tool_response>\nR2\n</tool_response>');
		expect(parseHermesOutput(out[2]?.content ?? '').calls.map((c) => c.argumentsJson)).toEqual(['{"query":"a"}', '{"query":"b"}']);
	});
});
