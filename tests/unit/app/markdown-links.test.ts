import { describe, expect, it } from 'vitest';
import { confirmLinkMessage, markdownToHtml } from '../../../src/lib/app/markdown.ts';

describe('links in rendered Markdown', () => {
	it('follow their link text with the host they go to', () => {
		expect(markdownToHtml('See [the policy](https://hr-portal.attacker.example/login?session=1).')).toBe(
			'<p>See <a href="https://hr-portal.attacker.example/login?session=1">the policy</a><span class="link-host"> (hr-portal.attacker.example)</span>.</p>\n'
		);
	});

	it('show the host of autolinks, bare URLs and mailto links too, as the browser would contact it', () => {
		expect(markdownToHtml('<https://evil.example/x>')).toContain('<span class="link-host"> (evil.example)</span>');
		expect(markdownToHtml('go to https://Good.Example/a now')).toContain('</a><span class="link-host"> (good.example)</span>');
		expect(markdownToHtml('[write](mailto:leak@evil.example)')).toContain('<span class="link-host"> (evil.example)</span>');
		expect(markdownToHtml('[apple](https://аpple.example/)')).toContain('(xn--pple-43d.example)');
	});

	it('leave citation links and links the sanitiser drops without a host', () => {
		expect(markdownToHtml('Yes [1].', { citations: true })).not.toContain('link-host');
		expect(markdownToHtml('[x](javascript:alert(1))')).not.toContain('link-host');
	});

	it('escape a link text or host that tries to inject markup', () => {
		const html = markdownToHtml('[<img src=x onerror=alert(1)>](https://evil.example/"onmouseover="x)');
		expect(html).not.toContain('<img');
		expect(html).not.toMatch(/"onmouseover/);
	});

	it('ask before a data-carrying address opens with a question that shows the full address and host', () => {
		expect(confirmLinkMessage('https://evil.example/pixel.png?q=secret')).toBe(
			'This link goes to evil.example and its address carries data, which that site will receive:\n\nhttps://evil.example/pixel.png?q=secret\n\nOpen it in a new tab?'
		);
	});
});
