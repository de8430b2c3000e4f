import { describe, expect, it } from 'vitest';
import { loadReportPick, readPref, saveReportPick, writePref } from '../../../src/lib/app/workspace-prefs.ts';
import { MemoryStorage } from '../../support/memory-storage.ts';

describe('report picks', () => {
	it('restores the baseline and candidate picked in a workspace', () => {
		const s = new MemoryStorage();
		saveReportPick(s, 'compare', 'ws1', { baseline: 'a', candidate: 'b' });
		expect(loadReportPick(s, 'compare', 'ws1', ['a', 'b', 'c'])).toEqual({ baseline: 'a', candidate: 'b' });
	});

	it('keeps picks apart per workspace and per panel', () => {
		const s = new MemoryStorage();
		saveReportPick(s, 'compare', 'ws1', { baseline: 'a', candidate: 'b' });
		expect(loadReportPick(s, 'compare', 'ws2', ['a', 'b'])).toEqual({ baseline: '', candidate: '' });
		expect(loadReportPick(s, 'gate', 'ws1', ['a', 'b'])).toEqual({ baseline: '', candidate: '' });
	});

	it('drops the id of a report that no longer exists', () => {
		const s = new MemoryStorage();
		saveReportPick(s, 'gate', 'ws1', { baseline: 'gone', candidate: 'b' });
		expect(loadReportPick(s, 'gate', 'ws1', ['b'])).toEqual({ baseline: '', candidate: 'b' });
	});

	it('reads unparsable or wrongly shaped stored data as no pick instead of failing', () => {
		const s = new MemoryStorage();
		s.setItem('assay.reportPick.gate.ws1', '{not json');
		expect(loadReportPick(s, 'gate', 'ws1', ['a'])).toEqual({ baseline: '', candidate: '' });
		s.setItem('assay.reportPick.gate.ws1', JSON.stringify({ baseline: 7, candidate: ['a'] }));
		expect(loadReportPick(s, 'gate', 'ws1', ['a'])).toEqual({ baseline: '', candidate: '' });
		expect(readPref(s, 'nothing', 'ws1')).toEqual({ kind: 'absent' });
	});

	it('survives a storage that refuses writes', () => {
		const s = new MemoryStorage();
		s.setItem = () => {
			throw new DOMException('full', 'QuotaExceededError');
		};
		expect(() => writePref(s, 'x', 'ws1', 1)).not.toThrow();
	});
});
