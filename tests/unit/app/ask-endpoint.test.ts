import { describe, expect, it } from 'vitest';
import {
	DEFAULT_ENDPOINT,
	loadEndpointFrom,
	openAiEndpointOf,
	saveEndpointTo,
	validateEndpoint
} from '../../../src/lib/app/ask-endpoint.ts';
import { memoryStorage } from '../../support/memory-storage.ts';

describe('endpoint idle timeout setting', () => {
	const settings = { ...DEFAULT_ENDPOINT, model: 'm', idleTimeoutMs: 45_000 };

	it('defaults to 300 s and persists with the other endpoint settings under their key', () => {
		expect(DEFAULT_ENDPOINT.idleTimeoutMs).toBe(300_000);
		const storage = memoryStorage();
		saveEndpointTo(storage, 'a', settings);
		saveEndpointTo(storage, 'b', { ...settings, idleTimeoutMs: 90_000 });
		expect(loadEndpointFrom(storage, 'a').idleTimeoutMs).toBe(45_000);
		expect(loadEndpointFrom(storage, 'b').idleTimeoutMs).toBe(90_000);
		expect(loadEndpointFrom(memoryStorage(), 'a').idleTimeoutMs).toBe(300_000);
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
