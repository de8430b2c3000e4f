import { describe, expect, it } from 'vitest';
import { parseHermesOutput } from '../../../src/lib/agents/hermes.ts';

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
});
