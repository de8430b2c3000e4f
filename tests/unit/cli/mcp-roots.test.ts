import { describe, expect, it } from 'vitest';
import { confinedPath, defaultRoots } from '../../../src/cli/mcp-command.ts';

describe('assay mcp: the folders metrics and gate may read by default', () => {
	it('are the served folder and the current folder', () => {
		expect(defaultRoots('/work/project', 'data/cranfield', '/home/me')).toEqual(['/work/project', '/work/project/data/cranfield']);
	});

	it('leave out a current folder that is the filesystem root or the home folder (where desktop clients start the command)', () => {
		expect(defaultRoots('/', '/data/cranfield', '/home/me')).toEqual(['/data/cranfield']);
		expect(defaultRoots('/home/me', '/data/cranfield', '/home/me')).toEqual(['/data/cranfield']);
		const roots = defaultRoots('/', '/data/cranfield', '/home/me');
		expect(() => confinedPath('/etc/passwd', roots)).toThrow(/outside the folders this server may read/);
	});
});
