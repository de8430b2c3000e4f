import { COMMAND_GROUPS, type Command, type CommandGroup } from './commands.svelte.ts';

/** One group of the palette's list after filtering. */
export interface PaletteGroup {
	readonly group: CommandGroup;
	readonly commands: readonly Command[];
}

/** Lower case without diacritics, so "resume" finds "Résumé". */
function fold(text: string): string {
	return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * How well `command` matches the query terms: `null` when some term is missing, else a rank
 * (lower is better): 0 when the label starts with the first term, 1 when a word of the label does,
 * 2 otherwise. Every term must occur in the label, the group or a keyword (substring match,
 * case- and accent-insensitive).
 */
function rank(command: Command, terms: readonly string[]): number | null {
	const label = fold(command.label);
	const haystack = [label, fold(command.group), ...(command.keywords ?? []).map(fold)].join('\n');
	if (!terms.every((t) => haystack.includes(t))) return null;
	const first = terms[0]!;
	if (label.startsWith(first)) return 0;
	if (label.split(/[\s:/-]+/).some((w) => w.startsWith(first))) return 1;
	return 2;
}

/**
 * The palette's list for `query`: commands whose label, group or keywords contain every
 * whitespace-separated term, grouped, best matches first within a group (stable: registration
 * order breaks ties), and the group holding the best match first (ties keep the
 * {@link COMMAND_GROUPS} order), so the highlighted first entry is the best match. Empty groups
 * are left out. An empty query lists every command in {@link COMMAND_GROUPS} order.
 */
export function filterCommands(commands: readonly Command[], query: string): PaletteGroup[] {
	const terms = fold(query).split(/\s+/).filter(Boolean);
	return COMMAND_GROUPS.map((group, g) => {
		const ranked = commands
			.filter((c) => c.group === group)
			.map((command, i) => ({ command, i, r: terms.length === 0 ? 0 : rank(command, terms) }))
			.filter((x): x is { command: Command; i: number; r: number } => x.r !== null)
			.sort((a, b) => a.r - b.r || a.i - b.i);
		return { g, best: ranked[0]?.r ?? Infinity, group: { group, commands: ranked.map((x) => x.command) } };
	})
		.filter((x) => x.group.commands.length > 0)
		.sort((a, b) => a.best - b.best || a.g - b.g)
		.map((x) => x.group);
}

/** The shortcut that opens the palette, as the platform writes it. */
export function paletteShortcut(platform: string): string {
	return /mac|iphone|ipad/i.test(platform) ? '⌘K' : 'Ctrl K';
}

/** Whether a key press opens (or closes) the palette: Ctrl+K, or ⌘K on macOS, without Alt or Shift. */
export function isPaletteShortcut(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>): boolean {
	return (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k';
}
