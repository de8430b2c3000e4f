import { describe, expect, it } from 'vitest';
import { markHtmlText, markTerms } from '../../../src/lib/app/highlight-html.ts';

describe('markTerms', () => {
	it('collects each marked surface string once, lower-cased, longest first, with its word boundaries', () => {
		const text = 'Leave policy: leave days. 연차휴가는 15일';
		const ranges: [number, number][] = [
			[0, 5],
			[14, 19],
			[26, 30]
		];
		expect(markTerms(text, ranges)).toEqual([
			{ text: 'leave', boundedStart: true, boundedEnd: true },
			{ text: '연차휴가', boundedStart: true, boundedEnd: false }
		]);
	});
});

describe('markHtmlText', () => {
	const terms = (...t: [string, boolean, boolean][]) => t.map(([text, boundedStart, boundedEnd]) => ({ text, boundedStart, boundedEnd }));

	it('marks terms in text nodes, case-insensitively, and leaves tags and attributes alone', () => {
		const html = '<p>The <strong>Leave</strong> form: <a href="https://x.example/leave" title="leave > here">leave</a></p>\n';
		expect(markHtmlText(html, terms(['leave', true, true]))).toBe(
			'<p>The <strong><mark>Leave</mark></strong> form: <a href="https://x.example/leave" title="leave > here"><mark>leave</mark></a></p>\n'
		);
	});

	it('respects word boundaries the original mark had, and marks inside a word where it had none', () => {
		expect(markHtmlText('<p>rerun run runs</p>', terms(['run', true, true]))).toBe('<p>rerun <mark>run</mark> runs</p>');
		expect(markHtmlText('<p>연차휴가는 연차휴가</p>', terms(['연차휴가', true, false]))).toBe(
			'<p><mark>연차휴가</mark>는 <mark>연차휴가</mark></p>'
		);
	});

	it('never marks inside or across a character reference, so escaped payloads stay escaped', () => {
		const html = '<p>&lt;img src=x onerror=alert(1)&gt; amp &amp; lt</p>';
		expect(markHtmlText(html, terms(['amp', true, true], ['lt', true, true], ['img', true, true]))).toBe(
			'<p>&lt;<mark>img</mark> src=x onerror=alert(1)&gt; <mark>amp</mark> &amp; <mark>lt</mark></p>'
		);
	});

	it('returns the HTML unchanged without terms', () => {
		expect(markHtmlText('<p>a</p>', [])).toBe('<p>a</p>');
	});
});
