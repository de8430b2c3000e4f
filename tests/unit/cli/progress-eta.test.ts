import { describe, expect, it } from 'vitest';
import { createProgress, formatEta } from '../../../src/cli/eval/progress-eta.ts';

describe('assay eval progress', () => {
	it('on a terminal rewrites one line with the ETA, at most every 100 ms of the clock, and ends it', () => {
		let now = 0;
		let out = '';
		const p = createProgress({ label: 'answered', write: (t) => (out += t), tty: true, clock: () => now });
		p.update(1, 4, 3000);
		now = 50;
		p.update(2, 4, 2000);
		now = 150;
		p.update(3, 4, 65_000);
		p.update(4, 4, 0);
		p.finish();
		expect(out).toBe('\r\u001b[2Kanswered 1/4 (25%), ETA 3s\r\u001b[2Kanswered 3/4 (75%), ETA 1m05s\r\u001b[2Kanswered 4/4 (100%)\n');
	});

	it('elsewhere (CI, pipes) writes plain lines, then one per tenth, without carriage returns', () => {
		let out = '';
		const p = createProgress({ label: 'answered', write: (t) => (out += t), tty: false });
		for (let i = 1; i <= 20; i++) p.update(i, 20, (20 - i) * 1000);
		p.finish();
		const lines = out.trimEnd().split('\n');
		expect(lines).toHaveLength(11);
		expect([lines[0], lines.at(-1)]).toEqual(['answered 1/20 (5%), ETA 19s', 'answered 20/20 (100%)']);
		expect(out).not.toContain('\r');
	});

	it('formats ETAs in s, m and h', () => {
		expect([formatEta(400), formatEta(59_600), formatEta(3_725_000)]).toEqual(['0s', '1m00s', '1h02m']);
	});
});
