import { DEFAULT_SYSTEM_PROMPT, lineDiff, parseFewShot, promptText, saveVersion, type DiffLine, type PromptVersion } from '$lib/generation/index.ts';
import { describe } from './workbench.svelte.ts';

const KEY = 'assay.promptHistory';

/**
 * The versioned system prompt (Svelte 5 runes): an editable draft of the spec and few-shot
 * examples, the saved history (kept in this browser's localStorage — a few KB), the version
 * used for answers, and a line diff of any version against the one before it.
 */
export class PromptStudio {
	history = $state<PromptVersion[]>(load());
	/** Version number used for answers and shown in the diff. */
	selected = $state(0);
	draft = $state({ role: '', inputFormat: '', outputFormat: '', rules: '', edgeCases: '', fewShot: '' });
	error = $state<string | null>(null);

	readonly current = $derived(this.history.find((v) => v.spec.version === this.selected) ?? this.history.at(-1)!);
	readonly diff = $derived<DiffLine[] | null>(diffAgainstPrevious(this.history, this.current));

	constructor() {
		this.selected = this.history.at(-1)!.spec.version;
		this.edit(this.current);
	}

	/** Load a version into the editor. */
	edit(v: PromptVersion): void {
		this.draft = { role: v.spec.role, inputFormat: v.spec.inputFormat, outputFormat: v.spec.outputFormat, rules: v.spec.rules.join('\n'), edgeCases: v.spec.edgeCases.join('\n'), fewShot: v.fewShot.length > 0 ? JSON.stringify(v.fewShot, null, 2) : '' };
	}

	select(version: number): void {
		this.selected = version;
		this.edit(this.current);
	}

	/** Save the draft as a new version (no-op when unchanged) and use it. */
	save(): void {
		this.error = null;
		try {
			const lines = (s: string) => s.split('\n').map((l) => l.trim()).filter((l) => l !== '');
			const d = this.draft;
			const next = saveVersion(this.history, { role: d.role, inputFormat: d.inputFormat, outputFormat: d.outputFormat, rules: lines(d.rules), edgeCases: lines(d.edgeCases) }, parseFewShot(d.fewShot), Date.now());
			this.history = next;
			this.selected = next.at(-1)!.spec.version;
			localStorage.setItem(KEY, JSON.stringify(next));
		} catch (error) {
			this.error = describe(error);
		}
	}
}

function load(): PromptVersion[] {
	try {
		const saved = JSON.parse(localStorage.getItem(KEY) ?? 'null') as PromptVersion[] | null;
		if (Array.isArray(saved) && saved.length > 0) return saved;
	} catch {
		// A damaged entry falls back to the default; the next save overwrites it.
	}
	return [{ spec: DEFAULT_SYSTEM_PROMPT, fewShot: [], savedAtMs: 0 }];
}

function diffAgainstPrevious(history: readonly PromptVersion[], v: PromptVersion): DiffLine[] | null {
	const i = history.indexOf(v);
	return i > 0 ? lineDiff(promptText(history[i - 1]!), promptText(v)) : null;
}
