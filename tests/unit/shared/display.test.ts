import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeLink, displayName, hasUnsafeNameCharacters } from '../../../src/lib/shared/display.ts';

describe('displayName', () => {
	it('shows a right-to-left override in a file name as a visible escape, so the real extension shows', () => {
		expect(displayName('invoice\u202Efdp.exe')).toBe('invoice<U+202E>fdp.exe');
		expect(hasUnsafeNameCharacters('invoice\u202Efdp.exe')).toBe(true);
	});

	it('escapes every bidi formatting character and C0/C1 control, tab and line breaks included', () => {
		const unsafe = [
			'\u202A',
			'\u202B',
			'\u202C',
			'\u202D',
			'\u202E',
			'\u2066',
			'\u2067',
			'\u2068',
			'\u2069',
			'\u200E',
			'\u200F',
			'\u061C',
			'\u0000',
			'\t',
			'\n',
			'\r',
			'\u001B',
			'\u007F',
			'\u0085',
			'\u009F'
		];
		for (const c of unsafe)
			expect(displayName(`a${c}b`), JSON.stringify(c)).toBe(`a<U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>b`);
	});

	it('keeps names in any script, emoji and spaces as they are', () => {
		for (const name of ['취업규칙.md', '就業規則.md', 'تقرير.pdf', 'notes 📝 v2.txt', 'a b.md']) {
			expect(displayName(name)).toBe(name);
			expect(hasUnsafeNameCharacters(name)).toBe(false);
		}
	});
});

describe('describeLink', () => {
	it('names the host a link goes to and whether its address carries data', () => {
		expect(describeLink('https://evil.example/?q=secret')).toEqual({
			href: 'https://evil.example/?q=secret',
			kind: 'web',
			host: 'evil.example',
			carriesData: true
		});
		expect(describeLink('https://docs.example/guide#intro')).toMatchObject({ host: 'docs.example', carriesData: false });
		expect(describeLink('https://app.example/#token=abc')).toMatchObject({ host: 'app.example', carriesData: true });
		expect(describeLink('mailto:help@Mail.Example?body=secret')).toMatchObject({ kind: 'mail', host: 'mail.example', carriesData: true });
	});

	it('shows an internationalised host as the punycode the browser contacts (homographs stand out)', () => {
		expect(describeLink('https://аpple.example/')!.host).toBe('xn--pple-43d.example');
	});

	it('is null for anything that is not an http(s) or mailto address', () => {
		for (const href of ['#cite-1', '/relative', 'javascript:alert(1)', 'data:text/html,x', 'not a url'])
			expect(describeLink(href), href).toBeNull();
	});
});

describe('zod is configured once, before any schema', () => {
	it('no module in src/ or workers/ imports zod except src/lib/shared/zod.ts (which sets jitless)', () => {
		const root = join(import.meta.dirname, '..', '..', '..');
		const files: string[] = [];
		const walk = (dir: string) => {
			for (const name of readdirSync(dir)) {
				const path = join(dir, name);
				if (statSync(path).isDirectory()) walk(path);
				else if (/\.(ts|js|svelte)$/.test(name)) files.push(path);
			}
		};
		walk(join(root, 'src'));
		walk(join(root, 'workers'));
		const direct = files.filter(
			(f) => !f.endsWith(join('shared', 'zod.ts')) && /from\s+['"]zod(?:\/[^'"]*)?['"]/.test(readFileSync(f, 'utf8'))
		);
		expect(direct.map((f) => f.slice(root.length + 1))).toEqual([]);
		expect(readFileSync(join(root, 'src', 'lib', 'shared', 'zod.ts'), 'utf8')).toContain('z.config({ jitless: true });');
	});
});
