import { describe, expect, it } from 'vitest';
import { parseAnswerRunConfig, parseGradingSettings } from '../../../../src/lib/evals/answers/config.ts';
import { defaultGrading } from '../../../../src/lib/evals/answers/grade.ts';
import type { AnswerRunConfig } from '../../../../src/lib/evals/answers/types.ts';
import { DEFAULT_SYSTEM_PROMPT } from '../../../../src/lib/generation/index.ts';

const good: AnswerRunConfig = {
	label: 'run',
	mode: 'lexical',
	topK: 8,
	model: { provider: 'scripted', modelId: 'm' },
	prompt: { spec: DEFAULT_SYSTEM_PROMPT, fewShot: [] },
	contextWindowTokens: 4096,
	maxTokens: 512,
	temperature: 0,
	seed: 42
};

describe('answer run settings', () => {
	it('accepts a sound configuration as it is', () => {
		expect(parseAnswerRunConfig(good)).toBe(good);
	});

	it('an emptied number field (null), a fraction or a reserve above the window is CONFIG_INVALID naming the field', () => {
		expect(() => parseAnswerRunConfig({ ...good, topK: null as unknown as number })).toThrow(
			expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('topK: top-k must be a number') })
		);
		expect(() => parseAnswerRunConfig({ ...good, seed: 1.5 })).toThrow(/seed must be a whole number/);
		expect(() => parseAnswerRunConfig({ ...good, maxTokens: 8192 })).toThrow(/smaller than the context window/);
		expect(() => parseAnswerRunConfig({ ...good, temperature: 3 })).toThrow(/temperature must be 0–2/);
	});

	it('a run answered by a system under test has mode system with its secret-free reference, and neither goes without the other', () => {
		const system = {
			type: 'http' as const,
			label: 'support bot',
			details: { method: 'POST', url: 'http://127.0.0.1:8080/answer', headerNames: ['authorization'] }
		};
		const bySystem: AnswerRunConfig = {
			...good,
			mode: 'system:http',
			model: { provider: 'system:http', modelId: 'support bot' },
			prompt: { spec: { ...DEFAULT_SYSTEM_PROMPT, version: 0 }, fewShot: [] },
			system
		};
		expect(parseAnswerRunConfig(bySystem)).toBe(bySystem);
		expect(() => parseAnswerRunConfig({ ...good, mode: 'system:http' })).toThrow(
			expect.objectContaining({
				code: 'CONFIG_INVALID',
				message: expect.stringContaining('mode: mode system:<type> goes with a system under test of that type')
			})
		);
		expect(() => parseAnswerRunConfig({ ...good, system })).toThrow(/mode system:<type> goes with a system under test/);
		expect(() => parseAnswerRunConfig({ ...bySystem, mode: 'system:file' })).toThrow(/goes with a system under test of that type/);
		expect(() => parseAnswerRunConfig({ ...bySystem, mode: 'system:ftp' })).toThrow(
			/mode must be lexical, dense, hybrid, hybrid-rerank or system:<type>/
		);
		expect(() => parseAnswerRunConfig({ ...good, prompt: { spec: { ...DEFAULT_SYSTEM_PROMPT, version: 0 }, fewShot: [] } })).toThrow(
			/prompt version must be at least 1/
		);
	});
});

describe('grading settings', () => {
	const settings = defaultGrading({ provider: 'scripted', modelId: 'judge' });

	it('accepts the defaults', () => {
		expect(parseGradingSettings(settings)).toBe(settings);
	});

	it('a pass threshold outside 1–5, an empty judge model or a bad check is CONFIG_INVALID', () => {
		expect(() => parseGradingSettings({ ...settings, passThreshold: 9 })).toThrow(/pass threshold must be at most 5/);
		expect(() => parseGradingSettings({ ...settings, judge: { provider: 'x', modelId: ' ' } })).toThrow(/choose a model/);
		expect(() => parseGradingSettings({ ...settings, checks: [{ id: 'x', type: 'nope' } as never] })).toThrow(
			expect.objectContaining({ code: 'CONFIG_INVALID' })
		);
	});
});
