import { test as base, expect } from '@playwright/test';

/**
 * The shared fixture every end-to-end test uses. It fails the test when the page or any of
 * its workers requests anything outside localhost (privacy by construction), unless the
 * test opts in with `test.use({ allowedRemoteHosts: ['example.org'] })`. Such requests are
 * also aborted, so nothing leaves the machine even while the test runs.
 */
export interface PrivacyOptions {
	allowedRemoteHosts: string[];
}

export interface PrivacyFixtures {
	/** Every request URL outside localhost seen during the test (aborted unless allowed). */
	remoteRequests: string[];
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** True for URLs that stay on this machine or inside the page (blob:, data:). */
export function isLocalUrl(raw: string): boolean {
	const url = new URL(raw);
	if (url.protocol === 'blob:' || url.protocol === 'data:' || url.protocol === 'about:') return true;
	return LOCAL_HOSTS.has(url.hostname);
}

export const test = base.extend<PrivacyFixtures & PrivacyOptions>({
	allowedRemoteHosts: [[], { option: true }],
	remoteRequests: [
		async ({ context, allowedRemoteHosts }, use, testInfo) => {
			const remote: string[] = [];
			await context.route('**/*', async (route) => {
				const url = route.request().url();
				if (isLocalUrl(url)) return route.continue();
				remote.push(url);
				if (allowedRemoteHosts.includes(new URL(url).hostname)) return route.continue();
				return route.abort('blockedbyclient');
			});
			// Requests that bypass routing (e.g. some worker fetches) still show up here.
			context.on('request', (request) => {
				const url = request.url();
				if (!isLocalUrl(url) && !remote.includes(url)) remote.push(url);
			});
			await use(remote);
			const unexpected = remote.filter((u) => !allowedRemoteHosts.includes(new URL(u).hostname));
			if (unexpected.length > 0 && testInfo.status === testInfo.expectedStatus) {
				throw new Error(`The page requested ${unexpected.length} URL(s) outside localhost:\n${unexpected.join('\n')}`);
			}
		},
		{ auto: true }
	]
});

export { expect };
