import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');

describe('word segmentation', () => {
	it('gives the first text a fresh process analyzes the same terms as every later call', () => {
		// A fresh process: ICU has not loaded its CJ dictionary yet (the case that once split
		// `1ー𠀀` differently on the first call than on the second).
		const script = `
			import { createAnalyzer } from './src/lib/search/index.ts';
			const out = {};
			for (const name of ['segmenter', 'auto']) {
				const a = createAnalyzer(name);
				out[name] = [a.analyze('1ー𠀀'), a.tokens('1ー𠀀').map((t) => t.term), a.analyze('1ー𠀀')];
			}
			console.log(JSON.stringify(out));`;
		const stdout = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
			cwd: root,
			encoding: 'utf8'
		});
		const out = JSON.parse(stdout) as Record<string, string[][]>;
		for (const [name, [first, tokens, again]] of Object.entries(out)) {
			expect(first, name).toEqual(again);
			expect(tokens, name).toEqual(again);
		}
		expect(out.segmenter![0]).toEqual(['1', 'ー', '𠀀']);
	});
});
