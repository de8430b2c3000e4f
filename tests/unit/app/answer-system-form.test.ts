import { describe, expect, it } from 'vitest';
import {
	defaultHttpForm,
	httpSettingsFromForm,
	loadHttpForm,
	saveHttpForm,
	type HttpSystemForm
} from '../../../src/lib/app/answer-system-form.ts';

const form = (patch: Partial<HttpSystemForm> = {}): HttpSystemForm => ({ ...defaultHttpForm(), ...patch });

function memoryStorage() {
	const items = new Map<string, string>();
	return { items, getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v) };
}

describe('the "Evaluate a system" http form', () => {
	it('builds the adapter settings: parsed body template, paths, headers, timeout in ms', () => {
		const settings = httpSettingsFromForm(
			form({
				headers: [
					{ name: 'content-type', value: 'application/json' },
					{ name: 'Authorization', value: 'Bearer s3cret' }
				],
				stream: true,
				timeoutS: 2.5
			})
		);
		expect(settings).toEqual({
			url: 'http://127.0.0.1:8080/answer',
			method: 'POST',
			headers: { 'content-type': 'application/json', Authorization: 'Bearer s3cret' },
			body: { query: '{{query}}', id: '{{id}}' },
			answer: '$.answer',
			contexts: '$.contexts',
			contextId: '$.id',
			contextText: '$.text',
			stream: { format: 'sse', deltaPath: '$.choices[0].delta.content' },
			timeoutMs: 2500
		});
		expect(httpSettingsFromForm(form({ method: 'GET', contextsPath: '' }))).not.toHaveProperty('body');
		expect(httpSettingsFromForm(form({ contextsPath: '' }))).not.toHaveProperty('contextId');
	});

	it.each<[Partial<HttpSystemForm>, RegExp]>([
		[{ url: 'localhost:8080' }, /URL: only http and https/],
		[{ url: 'no url' }, /URL: "no url" is not a URL/],
		[{ body: '{"query": {{query}}}' }, /Body template: not JSON/],
		[{ headers: [{ name: 'x key', value: 'v' }] }, /Header name "x key" is not a valid/],
		[
			{
				headers: [
					{ name: 'X-Key', value: 'a' },
					{ name: 'x-key', value: 'b' }
				]
			},
			/Header "x-key" is set twice/
		],
		[{ answerPath: ' ' }, /Answer path: give the JSONPath/],
		[{ timeoutS: 0 }, /Timeout must be 1–600 seconds \(found 0\)/],
		[{ concurrency: 1.5 }, /Requests in flight must be a whole number 1–16 \(found 1.5\)/]
	])('a bad field is CONFIG_INVALID naming it: %o', (patch, message) => {
		expect(() => httpSettingsFromForm(form(patch))).toThrow(
			expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringMatching(message) })
		);
	});

	it('remembers the form without any header value, and reads a damaged entry as the default', () => {
		const storage = memoryStorage();
		saveHttpForm(
			storage,
			form({
				url: 'http://localhost:3000/chat',
				headers: [
					{ name: 'content-type', value: 'application/json' },
					{ name: 'Authorization', value: 'Bearer s3cret' }
				]
			})
		);
		const raw = [...storage.items.values()].join('');
		expect(raw).not.toContain('s3cret');
		const loaded = loadHttpForm(storage);
		expect(loaded.url).toBe('http://localhost:3000/chat');
		expect(loaded.headers).toEqual([
			{ name: 'content-type', value: 'application/json' },
			{ name: 'Authorization', value: '' }
		]);
		storage.items.set('assay.answers.systemForm', '{not json');
		expect(loadHttpForm(storage)).toEqual(defaultHttpForm());
	});
});
