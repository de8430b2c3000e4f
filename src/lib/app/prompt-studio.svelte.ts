import {
	DEFAULT_SYSTEM_PROMPT,
	formatSystemPromptFile,
	lineDiff,
	parseFewShot,
	parseSystemPromptFile,
	promptText,
	saveVersion,
	type DiffLine,
	type PromptVersion
} from '$lib/generation/index.ts';
import { describe } from './describe.ts';

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
	/** What the last import did (shown under the editor), `null` before any. */
	notice = $state<string | null>(null);

	readonly current = $derived(this.history.find((v) => v.spec.version === this.selected) ?? this.history.at(-1)!);
	readonly diff = $derived<DiffLine[] | null>(diffAgainstPrevious(this.history, this.current));

	constructor() {
		this.selected = this.history.at(-1)!.spec.version;
		this.edit(this.current);
	}

	/** Load a version into the editor. */
	edit(v: PromptVersion): void {
		this.draft = {
			role: v.spec.role,
			inputFormat: v.spec.inputFormat,
			outputFormat: v.spec.outputFormat,
			rules: v.spec.rules.join('\n'),
			edgeCases: v.spec.edgeCases.join('\n'),
			fewShot: v.fewShot.length > 0 ? JSON.stringify(v.fewShot, null, 2) : ''
		};
	}

	select(version: number): void {
		this.selected = version;
		this.edit(this.current);
	}

	/**
	 * The version in use as a system prompt file (`formatSystemPromptFile`: JSON with
	 * `"schema": "assay.system-prompt.v1"`), for a repository where `assay eval` reads it.
	 */
	exportFile(): { name: string; text: string } {
		const v = this.current;
		return { name: `system-prompt-v${v.spec.version}.json`, text: formatSystemPromptFile(v.spec, v.fewShot) };
	}

	/**
	 * Import a system prompt file: validated (`parseSystemPromptFile`; a bad file sets `error`
	 * naming the bad path and changes nothing), saved as the next version of this history (its
	 * text and few-shot examples; history numbers stay contiguous, so the number can differ from
	 * the file's `version`) and used. A file equal to the latest version adds nothing.
	 */
	importFile(name: string, text: string): void {
		this.error = null;
		this.notice = null;
		try {
			const { spec, fewShot } = parseSystemPromptFile(text);
			const { version: fileVersion, ...rest } = spec;
			const next = saveVersion(this.history, rest, fewShot, Date.now());
			const added = next.length > this.history.length;
			this.history = next;
			this.selected = next.at(-1)!.spec.version;
			this.edit(this.current);
			localStorage.setItem(KEY, JSON.stringify(next));
			this.notice = added
				? `Imported ${name} (file version ${fileVersion}) as v${this.selected}.`
				: `${name} (file version ${fileVersion}) is the same as v${this.selected}: nothing to import.`;
		} catch (error) {
			this.error = `${name}: ${describe(error)}`;
		}
	}

	/** Save the draft as a new version (no-op when unchanged) and use it. */
	save(): void {
		this.error = null;
		this.notice = null;
		try {
			const lines = (s: string) =>
				s
					.split('\n')
					.map((l) => l.trim())
					.filter((l) => l !== '');
			const d = this.draft;
			const next = saveVersion(
				this.history,
				{ role: d.role, inputFormat: d.inputFormat, outputFormat: d.outputFormat, rules: lines(d.rules), edgeCases: lines(d.edgeCases) },
				parseFewShot(d.fewShot),
				Date.now()
			);
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
