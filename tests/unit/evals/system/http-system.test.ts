import { describe, expect, it } from 'vitest';
import { createHttpSystem, parseHttpSystemConfig, renderTemplate, resolveEnvRefs } from '../../../../src/lib/evals/system/http-system.ts';

describe('http system config', () => {
	it('applies the defaults: POST, answer $.answer, usage $.usage, 60 s timeout, 10 MiB cap', () => {
		expect(parseHttpSystemConfig({ type: 'http', url: 'http://127.0.0.1:8000/ask' })).toMatchObject({
			method: 'POST',
			headers: {},
			answer: '$.answer',
			usage: '$.usage',
			timeoutMs: 60_000,
			retry: {},
			maxResponseBytes: 10 * 1024 * 1024
		});
	});

	it('names the key of every invalid field', () => {
		expect(() => parseHttpSystemConfig({ type: 'http', url: '', method: 'DELETE', timeoutMs: -1 })).toThrow(
			/system\.url: .*system\.method: .*system\.timeoutMs/s
		);
		expect(() => parseHttpSystemConfig({ type: 'http', url: 'http://x', bogus: 1 })).toThrow(/bogus/);
	});

	it('refuses an unknown placeholder, naming it and where it is', () => {
		expect(() => parseHttpSystemConfig({ type: 'http', url: 'http://x', body: { a: [{ b: 'x {{querry}}' }] } })).toThrow(
			/system\.body\.a\[0\]\.b: unknown placeholder \{\{querry\}\}/
		);
		expect(() => parseHttpSystemConfig({ type: 'http', url: 'http://x/?q={{env.KEY}}' })).toThrow(
			/system\.url: unknown placeholder \{\{env\.KEY\}\}/
		);
	});

	it('refuses an unresolved secret reference in a header, a non-http URL and a filter expression', () => {
		expect(() => parseHttpSystemConfig({ type: 'http', url: 'http://x', headers: { Authorization: 'Bearer {{env.TOKEN}}' } })).toThrow(
			/system\.headers\.Authorization: \{\{env\.TOKEN\}\} was not resolved/
		);
		expect(() => parseHttpSystemConfig({ type: 'http', url: 'file:///etc/passwd' })).toThrow(/only http and https/);
		expect(() => parseHttpSystemConfig({ type: 'http', url: 'http://x', headers: { 'Bad Name': 'v' } })).toThrow(
			/"Bad Name" is not a valid header name/
		);
		expect(() => parseHttpSystemConfig({ type: 'http', url: 'http://x', headers: { 'X-A': 'v\r\nX-Injected: 1' } })).toThrow(
			/system\.headers\.X-A: the value holds a line break/
		);
		expect(() => parseHttpSystemConfig({ type: 'http', url: 'not a url' })).toThrow(/not an absolute URL/);
		expect(() => parseHttpSystemConfig({ type: 'http', url: 'http://x', contexts: '$.hits[?(@.score>1)]' })).toThrow(
			/system\.contexts: .*filter expressions/
		);
	});
});

describe('renderTemplate', () => {
	const values = { query: 'q "1"', id: 'c1', seed: 7, repeat: 0, tags: ['a'], reference: null };
	it('keeps the JSON type of whole-string placeholders and substitutes inner ones as text', () => {
		expect(
			renderTemplate(
				{
					q: '{{query}}',
					s: '{{ seed }}',
					t: '{{tags}}',
					r: '{{reference}}',
					text: '{{id}}/{{seed}}/{{tags}}/{{reference}}',
					n: 3,
					k: ['{{id}}']
				},
				values
			)
		).toEqual({
			q: 'q "1"',
			s: 7,
			t: ['a'],
			r: null,
			text: 'c1/7/["a"]/',
			n: 3,
			k: ['c1']
		});
	});
});

describe('http system identity', () => {
	it('records header names, never values; the cache identity changes with a header value only through its hash', async () => {
		const a = await createHttpSystem({
			type: 'http',
			url: 'http://127.0.0.1:1/ask',
			headers: { Authorization: 'Bearer one', 'X-Team': 't' }
		});
		const b = await createHttpSystem({
			type: 'http',
			url: 'http://127.0.0.1:1/ask',
			headers: { Authorization: 'Bearer two', 'X-Team': 't' }
		});
		expect(a.ref).toEqual({
			type: 'http',
			label: 'POST http://127.0.0.1:1/ask',
			details: { method: 'POST', url: 'http://127.0.0.1:1/ask', headerNames: ['Authorization', 'X-Team'] }
		});
		const text = JSON.stringify([a.ref, a.cacheIdentity]);
		expect(text).not.toContain('Bearer one');
		expect(a.cacheIdentity).not.toEqual(b.cacheIdentity);
		expect({ ...(a.cacheIdentity as object), headersSha256: '' }).toEqual({ ...(b.cacheIdentity as object), headersSha256: '' });
	});
});

describe('resolveEnvRefs', () => {
	it('fills {{env.NAME}} in header values and names the header and variable when it is unset', () => {
		expect(resolveEnvRefs({ Authorization: 'Bearer {{env.TOKEN}}', 'X-Plain': 'v' }, { TOKEN: 'abc' })).toEqual({
			Authorization: 'Bearer abc',
			'X-Plain': 'v'
		});
		expect(() => resolveEnvRefs({ Authorization: 'Bearer {{ env.MISSING }}' }, {})).toThrow(
			/system\.headers\.Authorization: the environment variable MISSING is not set/
		);
	});
});
