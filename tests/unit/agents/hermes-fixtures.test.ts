import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
	HermesStreamSplitter,
	hermesStructuralTag,
	parseHermesOutput,
	pythonJson,
	toHermesMessages
} from '../../../src/lib/agents/hermes.ts';

/** One recorded output (sources in tests/fixtures/agents/hermes-outputs/README.md). */
const fixture = (name: string) => readFileSync(`tests/fixtures/agents/hermes-outputs/${name}`, 'utf8');

describe('Hermes parsing against recorded outputs', () => {
	it('Qwen2.5 parallel calls decoded with <|im_end|>: two calls in order, no text left', () => {
		expect(parseHermesOutput(fixture('qwen25-parallel-calls.txt'))).toEqual({
			text: '',
			calls: [
				{ id: 'call_1', name: 'get_current_temperature', argumentsJson: '{"location":"San Francisco, CA, USA"}' },
				{ id: 'call_2', name: 'get_temperature_date', argumentsJson: '{"location":"San Francisco, CA, USA","date":"2024-10-01"}' }
			]
		});
	});

	it('Hermes-2-Pro writes arguments before name: the call is still read', () => {
		expect(parseHermesOutput(fixture('hermes2pro-one-call.txt'))).toEqual({
			text: '',
			calls: [{ id: 'call_1', name: 'get_stock_fundamentals', argumentsJson: '{"symbol":"TSLA"}' }]
		});
	});

	it('Qwen3 with thinking off: the empty think block is dropped and both calls are read', () => {
		const { text, calls } = parseHermesOutput(fixture('qwen3-no-think-parallel-calls.txt'));
		expect(text).toBe('');
		expect(calls).toEqual([
			{
				id: 'call_1',
				name: 'get_current_temperature',
				argumentsJson: '{"location":"San Francisco, California, United States","unit":"celsius"}'
			},
			{
				id: 'call_2',
				name: 'get_temperature_date',
				argumentsJson: '{"location":"San Francisco, California, United States","date":"2024-10-01","unit":"celsius"}'
			}
		]);
	});

	it('Qwen3 thinking mode: the reasoning is not text and the two calls after it are read, with ids after the offset', () => {
		const { text, calls } = parseHermesOutput(fixture('qwen3-think-then-calls.txt'), 2);
		expect(text).toBe('');
		expect(calls.map((c) => [c.id, c.name])).toEqual([
			['call_3', 'get_current_temperature'],
			['call_4', 'get_temperature_date']
		]);
	});

	it('a template that opened <think> itself: everything before the lone </think> is reasoning', () => {
		expect(parseHermesOutput(fixture('qwen35-opened-think-then-call.txt'))).toEqual({
			text: '',
			calls: [{ id: 'call_1', name: 'get_temperature_date', argumentsJson: '{"location":"San Francisco, CA, USA","date":"2024-10-01"}' }]
		});
	});

	it('a call written inside the reasoning is not a call: only the answer after it remains', () => {
		expect(parseHermesOutput(fixture('qwen3-call-inside-think.txt'))).toEqual({
			text: 'The current temperature in San Francisco is approximately 26.1°C. For tomorrow, the forecasted temperature is around 25.9°C.',
			calls: []
		});
	});

	it('a call cut by max_tokens keeps its raw block and name for the loop to report as invalid, the text before it stays', () => {
		expect(parseHermesOutput(fixture('qwen3-truncated-call.txt'))).toEqual({
			text: 'Let me look that up.',
			calls: [
				{
					id: 'call_1',
					name: 'get_temperature_date',
					argumentsJson: '{"name": "get_temperature_date", "arguments": {"location": "San Francisco, CA, USA", "da'
				}
			]
		});
	});

	it('a plain answer is returned whole, its paragraph breaks kept', () => {
		expect(parseHermesOutput(fixture('qwen3-plain-answer.txt'))).toEqual({
			text: 'The current temperature in San Francisco, CA, USA is **26.1°C**.  \n\nFor tomorrow (2024-10-01), the temperature is projected to be **25.9°C**.  \n\nThere is a slight decrease in temperature expected from today to tomorrow.',
			calls: []
		});
	});

	it('a call that spells its arguments "parameters" (the Llama 3.1 key) is still read', () => {
		expect(parseHermesOutput('<tool_call>\n{"name": "read_chunk", "parameters": {"chunk_id": "a#1"}}\n</tool_call>').calls).toEqual([
			{ id: 'call_1', name: 'read_chunk', argumentsJson: '{"chunk_id":"a#1"}' }
		]);
	});
});

describe('Hermes structural tag for WebLLM', () => {
	const tools = [
		{
			name: 'search_documents',
			description: 'Search.',
			parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] }
		},
		{ name: 'read_chunk', description: 'Read.', parameters: { type: 'object', properties: { chunk_id: { type: 'string' } } } }
	];

	it('is a triggered_tags structural tag with one tag per tool, the schema as an object, parallel calls allowed', () => {
		expect(hermesStructuralTag(tools)).toEqual({
			type: 'structural_tag',
			structural_tag: {
				type: 'structural_tag',
				format: {
					type: 'triggered_tags',
					triggers: ['<tool_call>'],
					tags: [
						{
							type: 'tag',
							begin: '<tool_call>\n{"name": "search_documents", "arguments": ',
							content: { type: 'json_schema', json_schema: tools[0]!.parameters },
							end: '}\n</tool_call>'
						},
						{
							type: 'tag',
							begin: '<tool_call>\n{"name": "read_chunk", "arguments": ',
							content: { type: 'json_schema', json_schema: tools[1]!.parameters },
							end: '}\n</tool_call>'
						}
					],
					at_least_one: false,
					stop_after_first: false
				}
			}
		});
	});

	it('forces at least one call when the tool choice is required', () => {
		expect(hermesStructuralTag(tools, 'required').structural_tag.format.at_least_one).toBe(true);
	});

	it('text the grammar lets through parses back to the same call', () => {
		const [tag] = hermesStructuralTag(tools).structural_tag.format.tags;
		const out = `Searching.\n${tag!.begin}{"query": "wing flutter"}${tag!.end}`;
		expect(parseHermesOutput(out)).toEqual({
			text: 'Searching.',
			calls: [{ id: 'call_1', name: 'search_documents', argumentsJson: '{"query":"wing flutter"}' }]
		});
	});
});

describe('Hermes streaming: what may be shown while the model writes', () => {
	/** Stream `text` through a splitter `size` characters at a time; returns everything shown. */
	function streamed(text: string, size: number): { shown: string; pieces: string[] } {
		const splitter = new HermesStreamSplitter();
		const pieces: string[] = [];
		for (let at = 0; at < text.length; at += size) pieces.push(splitter.push(text.slice(at, at + size)));
		pieces.push(splitter.finish().rest);
		return { shown: pieces.join(''), pieces };
	}
	const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

	it.each([
		'qwen25-parallel-calls.txt',
		'hermes2pro-one-call.txt',
		'qwen3-no-think-parallel-calls.txt',
		'qwen3-think-then-calls.txt',
		'qwen3-call-inside-think.txt',
		'qwen3-truncated-call.txt',
		'qwen3-plain-answer.txt'
	])('%s streamed one character at a time shows exactly the parsed text, never a tag', (name) => {
		const text = fixture(name).replace(/<\|im_end\|>/g, '');
		for (const size of [1, 3, 7]) {
			const { shown } = streamed(text, size);
			expect(shown).not.toMatch(/<tool_call>|<think>|<\/think>|<\/tool_call>/);
			expect(squash(shown)).toBe(squash(parseHermesOutput(text).text));
		}
	});

	it('holds a possible tag prefix and trailing whitespace until the next piece decides them', () => {
		const splitter = new HermesStreamSplitter();
		expect(splitter.push('Searching <')).toBe('Searching');
		expect(splitter.push('tool')).toBe('');
		expect(splitter.push('box> now')).toBe(' <toolbox> now');
		expect(splitter.push('\n<tool_call>{"name": "x", "arguments": {}}')).toBe('');
		expect(splitter.push('</tool_call>\nDone')).toBe('\nDone');
		expect(splitter.finish(4)).toEqual({
			rest: '',
			parse: { text: 'Searching <toolbox> now\n\nDone', calls: [{ id: 'call_5', name: 'x', argumentsJson: '{}' }] }
		});
	});

	it('text streamed before a lone </think> cannot be taken back (templates that open <think> themselves): the parse drops it', () => {
		const text = fixture('qwen35-opened-think-then-call.txt');
		const { shown } = streamed(text, 5);
		expect(shown).toBe("The user wants tomorrow's temperature too, so I need the date tool.");
		expect(parseHermesOutput(text).text).toBe('');
	});
});

describe('Hermes messages: edge cases', () => {
	it('a user message that itself starts with <tool_response> is not merged into the results before it', () => {
		const out = toHermesMessages(
			[
				{ role: 'user', content: 'q' },
				{ role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 't', argumentsJson: '{}' }] },
				{ role: 'tool', toolCallId: 'call_1', name: 't', content: 'R1' },
				{ role: 'user', content: '<tool_response>pasted</tool_response>' }
			],
			[{ name: 't', description: 'T.', parameters: { type: 'object' } }]
		);
		expect(out.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user', 'user']);
		expect(out.slice(3).map((m) => m.content)).toEqual(['<tool_response>\nR1\n</tool_response>', '<tool_response>pasted</tool_response>']);
	});

	it('without tools, the history is rewritten the same way but no tools block is added', () => {
		const out = toHermesMessages(
			[
				{ role: 'user', content: 'q' },
				{ role: 'tool', toolCallId: 'call_1', name: 't', content: 'R1' }
			],
			[]
		);
		expect(out).toEqual([
			{ role: 'user', content: 'q' },
			{ role: 'user', content: '<tool_response>\nR1\n</tool_response>' }
		]);
	});
});

describe('the tools block JSON, spaced as the chat template writes it', () => {
	it('matches Python json.dumps: ", " and ": " separators, unicode kept, quotes escaped, undefined left out', () => {
		expect(pythonJson({ a: [1, 'x', null, true], b: { c: 'é "q"' }, d: undefined, e: [] })).toBe(
			'{"a": [1, "x", null, true], "b": {"c": "é \\"q\\""}, "e": []}'
		);
	});
});
