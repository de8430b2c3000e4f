/**
 * The command registry behind the command palette (Ctrl/⌘-K): the shell registers navigation to
 * every page and app-wide actions; each page registers its main actions while it is mounted
 * (`register` returns the function that removes them, for `onMount`'s cleanup).
 */

/** Groups as the palette lists them, in this order. */
export const COMMAND_GROUPS = ['Go to', 'Actions', 'Workspace', 'Settings'] as const;
export type CommandGroup = (typeof COMMAND_GROUPS)[number];

/** One entry of the palette. */
export interface Command {
	/** Unique; a later registration with the same id replaces the earlier one. */
	readonly id: string;
	readonly label: string;
	readonly group: CommandGroup;
	/** Extra words the palette's filter matches. */
	readonly keywords?: readonly string[];
	/** Shown next to the label, e.g. `Ctrl+K`. */
	readonly shortcut?: string;
	/** False greys the entry out (e.g. "Run experiment" without a golden set). Default: enabled. */
	readonly enabled?: () => boolean;
	run(): void | Promise<void>;
}

/** The registry (Svelte 5 runes): `all` is reactive. */
export class CommandRegistry {
	private entries = $state<Command[]>([]);

	/** Every command, grouped in {@link COMMAND_GROUPS} order, registration order within a group. */
	readonly all = $derived(COMMAND_GROUPS.flatMap((g) => this.entries.filter((c) => c.group === g)));

	/** Add `commands`; returns a function that removes exactly these. */
	register(commands: readonly Command[]): () => void {
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local lookup, not state
		const ids = new Set(commands.map((c) => c.id));
		this.entries = [...this.entries.filter((c) => !ids.has(c.id)), ...commands];
		return () => {
			this.entries = this.entries.filter((c) => !commands.includes(c));
		};
	}

	/** Run the command `id` when it exists and is enabled; returns whether it ran. */
	async run(id: string): Promise<boolean> {
		const command = this.entries.find((c) => c.id === id);
		if (!command || command.enabled?.() === false) return false;
		await command.run();
		return true;
	}
}
