import { describe, expect, it } from 'vitest';
import { DEFAULT_ENDPOINT, loadEndpoint, openAiEndpointOf, saveEndpoint, validateEndpoint } from '../../../src/lib/app/ask-endpoint.ts';
import { loadJudgeEndpoint, saveJudgeEndpoint } from '../../../src/lib/app/answer-engine.ts';

/** An in-memory `Storage`. */
function memoryStorage(): Storage {
	const map = new Map<string, string>();
	return {
		get length() {
			return map.size;
		},
		clear: () => map.clear(),
		getItem: (k) => map.get(k) ?? null,
		key: (i) => [...map.keys()][i] ?? null,
		removeItem: (k) => void map.delete(k),
		setItem: (k, v) => void map.set(k, v)
	};
}

describe('endpoint idle timeout setting', () => {
	const settings = { ...DEFAULT_ENDPOINT, model: 'm', idleTimeoutMs: 45_000 };

	it('defaults to 300 s and persists with the other endpoint settings, for the answering and the judge engine', () => {
		expect(DEFAULT_ENDPOINT.idleTimeoutMs).toBe(300_000);
		const storage = memoryStorage();
		saveEndpoint(storage, settings);
		saveJudgeEndpoint(storage, { ...settings, idleTimeoutMs: 90_000 });
		expect(loadEndpoint(storage).idleTimeoutMs).toBe(45_000);
		expect(loadJudgeEndpoint(storage).idleTimeoutMs).toBe(90_000);
		expect(loadEndpoint(memoryStorage()).idleTimeoutMs).toBe(300_000);
	});

	it('reaches the adapter', () => {
		expect(openAiEndpointOf(settings)).toEqual({ baseUrl: settings.baseUrl, model: 'm', idleTimeoutMs: 45_000 });
	});

	it('is validated: outside 1 s – 1 h, or not a whole number of ms, is CONFIG_INVALID naming the field', () => {
		expect(() => validateEndpoint(settings)).not.toThrow();
		for (const idleTimeoutMs of [0, 999, 3_600_001, Number.NaN, 1500.5]) {
			expect(() => validateEndpoint({ ...settings, idleTimeoutMs }), String(idleTimeoutMs)).toThrow(
				expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('idleTimeoutMs') })
			);
		}
	});
});
