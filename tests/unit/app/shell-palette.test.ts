import { describe, expect, it } from 'vitest';
import type { Command } from '../../../src/lib/app/shell/commands.svelte.ts';
import { filterCommands, isPaletteShortcut, paletteShortcut } from '../../../src/lib/app/shell/palette.ts';

const command = (id: string, label: string, group: Command['group'], keywords?: string[]): Command => ({
	id,
	label,
	group,
	keywords,
	run: () => {}
});

const commands: Command[] = [
	command('theme:dark', 'Theme: dark', 'Settings', ['appearance']),
	command('go:library', 'Go to Library', 'Go to', ['documents', 'import']),
	command('go:ask', 'Go to Ask', 'Go to', ['answer', 'llm']),
	command('go:evals', 'Go to Evaluations', 'Go to'),
	command('import', 'Import documents', 'Actions'),
	command('resume', 'Résumé the run', 'Actions')
];

const ids = (query: string) => filterCommands(commands, query).flatMap((g) => g.commands.map((c) => c.id));

describe('filterCommands', () => {
	it('lists every command grouped in the palette order when the query is empty', () => {
		const groups = filterCommands(commands, '  ');
		expect(groups.map((g) => g.group)).toEqual(['Go to', 'Actions', 'Settings']);
		expect(groups[0]!.commands.map((c) => c.id)).toEqual(['go:library', 'go:ask', 'go:evals']);
	});

	it('keeps only commands whose label, group or keywords contain every term, ignoring case and accents', () => {
		expect(ids('ASK')).toEqual(['go:ask']);
		expect(ids('go eval')).toEqual(['go:evals']);
		expect(ids('llm')).toEqual(['go:ask']);
		expect(ids('resume')).toEqual(['resume']);
		expect(ids('settings dark')).toEqual(['theme:dark']);
		expect(ids('documents')).toEqual(['import', 'go:library']);
	});

	it('puts labels that start with the query first within a group, then word starts, keeping registration order for ties', () => {
		const list = [
			command('a', 'Rerun documents', 'Actions'),
			command('b', 'Import documents', 'Actions'),
			command('c', 'Documents export', 'Actions')
		];
		expect(filterCommands(list, 'doc')[0]!.commands.map((c) => c.id)).toEqual(['c', 'a', 'b']);
		expect(filterCommands(list, 'ort')[0]!.commands.map((c) => c.id)).toEqual(['b', 'c']);
	});

	it('lists first the group that holds the best match, so Enter runs it', () => {
		// "Go to Library" matches both words through its keywords; "Import documents" starts with the first.
		expect(filterCommands(commands, 'import documents').map((g) => g.group)).toEqual(['Actions', 'Go to']);
		expect(ids('import documents')[0]).toBe('import');
		// "Theme: dark" starts with "the"; equal best ranks ("o" starts no word) keep the palette's group order.
		expect(filterCommands(commands, 'the').map((g) => g.group)).toEqual(['Settings', 'Actions']);
		expect(filterCommands(commands, 'o').map((g) => g.group)).toEqual(['Go to', 'Actions']);
	});

	it('returns no group when nothing matches', () => {
		expect(filterCommands(commands, 'zebra')).toEqual([]);
	});
});

describe('the palette shortcut', () => {
	const key = (init: Partial<KeyboardEvent>) => ({ key: 'k', ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...init });

	it('is Ctrl+K or ⌘K, without Alt or Shift', () => {
		expect(isPaletteShortcut(key({ ctrlKey: true }))).toBe(true);
		expect(isPaletteShortcut(key({ metaKey: true, key: 'K' }))).toBe(true);
		expect(isPaletteShortcut(key({}))).toBe(false);
		expect(isPaletteShortcut(key({ ctrlKey: true, shiftKey: true }))).toBe(false);
		expect(isPaletteShortcut(key({ ctrlKey: true, altKey: true }))).toBe(false);
		expect(isPaletteShortcut(key({ ctrlKey: true, key: 'j' }))).toBe(false);
	});

	it('is written ⌘K on Apple platforms and Ctrl K elsewhere', () => {
		expect(paletteShortcut('MacIntel')).toBe('⌘K');
		expect(paletteShortcut('iPhone')).toBe('⌘K');
		expect(paletteShortcut('Linux x86_64')).toBe('Ctrl K');
		expect(paletteShortcut('Win32')).toBe('Ctrl K');
	});
});
