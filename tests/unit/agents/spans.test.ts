import { describe, expect, it } from 'vitest';
import { AGENT_ATTR, chatSpanName, executeToolSpanName, invokeAgentSpanName } from '../../../src/lib/agents/spans.ts';

describe('agent span names and attributes', () => {
	it('names spans "{operation} {target}" as the GenAI conventions v1.41.0 do', () => {
		expect(invokeAgentSpanName('assay-agent')).toBe('invoke_agent assay-agent');
		expect(chatSpanName('qwen3-1.7b')).toBe('chat qwen3-1.7b');
		expect(executeToolSpanName('search_documents')).toBe('execute_tool search_documents');
	});

	it('uses the registry names for model, usage and tool attributes, and the assay prefix for its own', () => {
		expect([AGENT_ATTR.providerName, AGENT_ATTR.inputTokens, AGENT_ATTR.toolCallId, AGENT_ATTR.toolType]).toEqual([
			'gen_ai.provider.name',
			'gen_ai.usage.input_tokens',
			'gen_ai.tool.call.id',
			'gen_ai.tool.type'
		]);
		const own = Object.values(AGENT_ATTR).filter((k) => !k.startsWith('gen_ai.'));
		expect(own.every((k) => k.startsWith('assay.'))).toBe(true);
	});
});
