import { describe, expect, it } from 'vitest';
import { ToolCallAssembler, toOpenAiMessage } from '../../../src/lib/adapters/openai-chat.ts';

describe('assembling streamed tool_calls pieces', () => {
	it('pieces without an index continue the call with their id, or the last call; a new id starts a new call', () => {
		const a = new ToolCallAssembler();
		a.add([{ id: 'x', function: { name: 'search', arguments: '{"q": ' } }]);
		a.add([{ function: { arguments: '"a"}' } }]);
		a.add([{ id: 'y', function: { name: 'read', arguments: '{}' } }]);
		a.add([{ id: 'x', function: { arguments: '' } }]);
		expect(a.calls()).toEqual([
			{ id: 'x', name: 'search', argumentsJson: '{"q": "a"}' },
			{ id: 'y', name: 'read', argumentsJson: '{}' }
		]);
	});

	it('a name repeated in every piece is kept once, a name split over pieces is joined', () => {
		const a = new ToolCallAssembler();
		a.add([{ index: 0, id: 'c', function: { name: 'read', arguments: '{"chunk' } }]);
		a.add([{ index: 0, function: { name: 'read', arguments: '_id": "d"}' } }]);
		a.add([{ index: 1, id: 'd', function: { name: 'search_' } }]);
		a.add([{ index: 1, function: { name: 'documents', arguments: '{}' } }]);
		expect(a.calls()).toEqual([
			{ id: 'c', name: 'read', argumentsJson: '{"chunk_id": "d"}' },
			{ id: 'd', name: 'search_documents', argumentsJson: '{}' }
		]);
	});

	it('ignores pieces that are not objects and has no calls when nothing came', () => {
		const a = new ToolCallAssembler();
		a.add([null as never, 'x' as never]);
		expect(a.calls()).toEqual([]);
	});
});

describe('port messages in the OpenAI shape', () => {
	it('plain turns keep role and content only; an assistant turn without calls has no tool_calls', () => {
		expect(toOpenAiMessage({ role: 'user', content: 'q' })).toEqual({ role: 'user', content: 'q' });
		expect(toOpenAiMessage({ role: 'assistant', content: 'a', toolCalls: [] })).toEqual({ role: 'assistant', content: 'a' });
	});
});
