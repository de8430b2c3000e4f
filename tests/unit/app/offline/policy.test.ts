import { describe, expect, it } from 'vitest';
import {
	SHELL_CACHE_PREFIX,
	cachesToDelete,
	navigationFallback,
	parsePrecacheList,
	routeRequest,
	shellAssetTest,
	shellCacheName
} from '../../../../src/lib/app/offline/policy.ts';

const scope = { origin: 'https://assay.example', base: '' };
const isPrecached = shellAssetTest(
	['/', '/ask/', '/404.html', '/demo/manifest.json', '/demo/ja/%E5%B0%B1%E6%A5%AD%E8%A6%8F%E5%89%87.md'],
	''
);
const get = (url: string, mode = 'cors') => ({ method: 'GET', url, mode });

describe('cachesToDelete', () => {
	const current = shellCacheName('200');

	it('deletes older shell caches and keeps the current one', () => {
		expect(cachesToDelete([shellCacheName('100'), current, shellCacheName('150')], current)).toEqual([
			shellCacheName('100'),
			shellCacheName('150')
		]);
	});

	it('never deletes WebLLM, transformers.js, local model or any other cache it does not own', () => {
		const foreign = [
			'webllm/model',
			'webllm/wasm',
			'webllm/config',
			'transformers-cache',
			'assay-local-models',
			'assay-shell',
			'my-assay-shell-1',
			'ASSAY-SHELL-1'
		];
		expect(cachesToDelete([...foreign, shellCacheName('1'), current], current)).toEqual([shellCacheName('1')]);
		expect(cachesToDelete(foreign, current)).toEqual([]);
	});

	it('names its caches with its own prefix and the build version', () => {
		expect(current).toBe(`${SHELL_CACHE_PREFIX}200`);
		expect(current.startsWith('assay-shell-')).toBe(true);
	});
});

describe('routeRequest', () => {
	it('answers precached same-origin GETs cache-first, percent-encoded names included', () => {
		expect(routeRequest(get('https://assay.example/demo/manifest.json'), scope, isPrecached)).toBe('cache-first');
		expect(routeRequest(get('https://assay.example/demo/ja/就業規則.md'), scope, isPrecached)).toBe('cache-first');
		expect(routeRequest(get('https://assay.example/_app/immutable/workers/assets/ort-wasm.wasm'), scope, isPrecached)).toBe('cache-first');
	});

	it('handles same-origin navigations network-first, whatever the path', () => {
		expect(routeRequest(get('https://assay.example/ask/', 'navigate'), scope, isPrecached)).toBe('page');
		expect(routeRequest(get('https://assay.example/nowhere/', 'navigate'), scope, isPrecached)).toBe('page');
	});

	it('passes cross-origin requests through: model hubs, chat endpoints, MCP servers, collectors', () => {
		for (const url of [
			'https://huggingface.co/Xenova/model/resolve/main/onnx/model.onnx',
			'https://raw.githubusercontent.com/mlc-ai/binary-mlc-llm-libs/main/x.wasm',
			'http://localhost:8080/v1/chat/completions',
			'http://127.0.0.1:4318/v1/traces',
			'https://assay.example.evil/demo/manifest.json'
		]) {
			expect(routeRequest(get(url), scope, isPrecached)).toBe('passthrough');
			expect(routeRequest(get(url, 'navigate'), scope, isPrecached)).toBe('passthrough');
		}
	});

	it('passes through other methods and same-origin paths it did not precache', () => {
		expect(routeRequest({ method: 'POST', url: 'https://assay.example/demo/manifest.json', mode: 'cors' }, scope, isPrecached)).toBe(
			'passthrough'
		);
		expect(routeRequest(get('https://assay.example/_app/version.json'), scope, isPrecached)).toBe('passthrough');
		expect(routeRequest(get('https://assay.example/__assay_models__/m/config.json'), scope, isPrecached)).toBe('passthrough');
		expect(routeRequest(get('not a url'), scope, isPrecached)).toBe('passthrough');
	});

	it('leaves paths outside the base path alone', () => {
		const sub = { origin: 'https://host.example', base: '/assay' };
		const test = shellAssetTest(['/assay/', '/assay/demo/manifest.json'], '/assay');
		expect(routeRequest(get('https://host.example/assay/demo/manifest.json'), sub, test)).toBe('cache-first');
		expect(routeRequest(get('https://host.example/assay/_app/immutable/x.js'), sub, test)).toBe('cache-first');
		expect(routeRequest(get('https://host.example/other/', 'navigate'), sub, test)).toBe('passthrough');
		expect(routeRequest(get('https://host.example/assayx/', 'navigate'), sub, test)).toBe('passthrough');
		expect(routeRequest(get('https://host.example/_app/immutable/x.js'), sub, test)).toBe('passthrough');
	});
});

describe('navigationFallback', () => {
	const pages = ['/', '/ask/', '/evals/', '/answers/'];
	const precachedPages = shellAssetTest(['/', '/ask/', '/evals/', '/answers/', '/404.html'], '');

	it('serves the prerendered page of the same path', () => {
		expect(navigationFallback('/ask/', '', pages, '/404.html', precachedPages)).toBe('/ask/');
		expect(navigationFallback('/ask/index.html', '', pages, '/404.html', precachedPages)).toBe('/ask/');
		expect(navigationFallback('/', '', pages, '/404.html', precachedPages)).toBe('/');
	});

	it('serves the SPA fallback page for other paths, whose asset URLs are absolute', () => {
		expect(navigationFallback('/ask', '', pages, '/404.html', precachedPages)).toBe('/404.html');
		expect(navigationFallback('/workspace/w1/', '', pages, '/404.html', precachedPages)).toBe('/404.html');
	});

	it('falls back to the home page without a fallback page, and to nothing when nothing is cached', () => {
		expect(navigationFallback('/nowhere/', '', pages, null, precachedPages)).toBe('/');
		expect(navigationFallback('/nowhere/', '', pages, '/404.html', () => false)).toBeNull();
	});
});

describe('parsePrecacheList', () => {
	it('makes the listed build files absolute under the base path', () => {
		expect(parsePrecacheList('["_app/immutable/workers/a.js","_app/immutable/workers/assets/b.wasm"]', '/assay')).toEqual([
			'/assay/_app/immutable/workers/a.js',
			'/assay/_app/immutable/workers/assets/b.wasm'
		]);
	});

	it('drops entries outside _app/ and anything that is not a list of paths', () => {
		expect(parsePrecacheList('["https://evil.example/x.js","//evil.example/x","/etc/x","_app/../x","_app/ok.js",3]', '')).toEqual([
			'/_app/ok.js'
		]);
		expect(parsePrecacheList('{"a":1}', '')).toEqual([]);
		expect(parsePrecacheList('not json', '')).toEqual([]);
	});
});
