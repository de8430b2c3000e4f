import { describe, expect, it } from 'vitest';
import { connectAllowed, connectSources, cspRefusal } from '../../../src/lib/app/csp.ts';

const SELF = 'http://127.0.0.1:41400';
const POLICY =
	"default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' https://huggingface.co https://*.hf.co http://localhost:* http://127.0.0.1:* https://rag.example.org; img-src 'self' data:";

describe('the page CSP check for a system under test', () => {
	it('reads connect-src, else default-src, else nothing', () => {
		expect(connectSources(POLICY)).toEqual([
			"'self'",
			'https://huggingface.co',
			'https://*.hf.co',
			'http://localhost:*',
			'http://127.0.0.1:*',
			'https://rag.example.org'
		]);
		expect(connectSources("default-src 'self'")).toEqual(["'self'"]);
		expect(connectSources("img-src 'self'")).toBeNull();
	});

	it.each([
		['http://127.0.0.1:8080/answer', true],
		['http://localhost:3000/api/chat', true],
		['http://127.0.0.1:41400/x', true],
		['https://rag.example.org/v1/answer', true],
		['https://rag.example.org:8443/v1/answer', false],
		['https://evil.example.org/answer', false],
		['https://cdn-lfs.hf.co/file', true],
		['https://hf.co/file', false],
		['https://huggingface.co.evil.org/', false],
		['http://192.168.1.5:8000/answer', false],
		['not a url', false]
	])('connect-src allows %s: %s', (url, allowed) => {
		expect(connectAllowed(connectSources(POLICY)!, url, SELF)).toBe(allowed);
	});

	it('matches schemes, the http→https upgrade, port wildcards and path prefixes as CSP 3 does', () => {
		expect(connectAllowed(['https:'], 'https://a.b/c', SELF)).toBe(true);
		expect(connectAllowed(['https:'], 'http://a.b/c', SELF)).toBe(false);
		expect(connectAllowed(['http://a.example'], 'https://a.example/x', SELF)).toBe(true);
		expect(connectAllowed(['a.example'], 'http://a.example/x', SELF)).toBe(true);
		expect(connectAllowed(['a.example'], 'http://a.example:81/x', SELF)).toBe(false);
		expect(connectAllowed(['https://a.example/api/'], 'https://a.example/api/answer', SELF)).toBe(true);
		expect(connectAllowed(['https://a.example/api/'], 'https://a.example/other', SELF)).toBe(false);
		expect(connectAllowed(['*'], 'https://anything.example/', SELF)).toBe(true);
		expect(connectAllowed(["'none'"], 'http://127.0.0.1:1/', SELF)).toBe(false);
	});

	it('explains a refusal with the origin, what the build allows and how to allow it; no policy refuses nothing', () => {
		const why = cspRefusal(POLICY, 'https://support-bot.example.com/api/answer?x=1', SELF);
		expect(why).toContain('does not allow https://support-bot.example.com');
		expect(why).toContain('ASSAY_SYSTEM_HOSTS=https://support-bot.example.com');
		expect(cspRefusal(POLICY, 'http://127.0.0.1:9/answer', SELF)).toBeNull();
		expect(cspRefusal(null, 'https://support-bot.example.com/', SELF)).toBeNull();
	});

	it('names the build setting and the alternative it is given, e.g. ASSAY_MCP_HOSTS for MCP servers', () => {
		const why = cspRefusal(POLICY, 'https://mcp.example.org/mcp', SELF, { setting: 'ASSAY_MCP_HOSTS', alternative: 'use a local bridge' });
		expect(why).toContain('Rebuild the site with ASSAY_MCP_HOSTS=https://mcp.example.org (comma-separated origins)');
		expect(why!.endsWith('or use a local bridge.')).toBe(true);
	});
});
