import { AssayError } from '../shared/errors.ts';
import type { FewShotExample } from './prompt.ts';
import { renderSystemPrompt, type SystemPromptSpec } from './system-prompt.ts';

/** One saved version of the prompt: the spec (its `version` numbers the history) and few-shot examples. */
export interface PromptVersion {
	readonly spec: SystemPromptSpec;
	readonly fewShot: readonly FewShotExample[];
	/** Epoch milliseconds. */
	readonly savedAtMs: number;
}

/**
 * Append an edit to the history as version `last + 1` (1 for an empty history). An edit equal
 * to the latest version (same rendered text and few-shot) is not a new version: the history is
 * returned unchanged.
 */
export function saveVersion(
	history: readonly PromptVersion[],
	spec: Omit<SystemPromptSpec, 'version'>,
	fewShot: readonly FewShotExample[],
	nowMs: number
): PromptVersion[] {
	const last = history.at(-1);
	const version = (last?.spec.version ?? 0) + 1;
	const next: PromptVersion = { spec: { ...spec, version }, fewShot, savedAtMs: nowMs };
	if (last && promptText(last) === promptText(next)) return [...history];
	return [...history, next];
}

/** The full text a version sends before the question (system prompt + few-shot), for diffs. */
export function promptText(v: PromptVersion): string {
	const shots = v.fewShot.map((ex, i) =>
		[
			`Example ${i + 1}`,
			`Question: ${ex.question}`,
			...ex.sources.map((s, j) => `[${j + 1}] ${s.title}: ${s.text}`),
			`Answer: ${ex.answer}`
		].join('\n')
	);
	return [renderSystemPrompt(v.spec), ...shots].join('\n\n');
}

/** One line of a diff. */
export interface DiffLine {
	readonly op: 'same' | 'add' | 'del';
	readonly text: string;
}

/**
 * Line diff of `a` → `b` by longest common subsequence (O(n·m) time and memory; prompts are
 * short). Deletions come before additions at a change, as in unified diffs.
 */
export function lineDiff(a: string, b: string): DiffLine[] {
	const x = a.split('\n');
	const y = b.split('\n');
	const n = x.length;
	const m = y.length;
	// lcs[i][j] = LCS length of x[i..] and y[j..]
	const lcs = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
	for (let i = n - 1; i >= 0; i--)
		for (let j = m - 1; j >= 0; j--) lcs[i]![j] = x[i] === y[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
	const out: DiffLine[] = [];
	let i = 0;
	let j = 0;
	while (i < n && j < m) {
		if (x[i] === y[j]) {
			out.push({ op: 'same', text: x[i]! });
			i++;
			j++;
		} else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) out.push({ op: 'del', text: x[i++]! });
		else out.push({ op: 'add', text: y[j++]! });
	}
	while (i < n) out.push({ op: 'del', text: x[i++]! });
	while (j < m) out.push({ op: 'add', text: y[j++]! });
	return out;
}

/**
 * Parse few-shot examples from JSON: `[{question, sources: [{title, text}], answer}]`.
 * @throws AssayError `CONFIG_INVALID` naming the first bad item.
 */
export function parseFewShot(text: string): FewShotExample[] {
	if (text.trim() === '') return [];
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (cause) {
		throw new AssayError('CONFIG_INVALID', `Expected few-shot examples as a JSON array; the text does not parse (${String(cause)}).`, {
			cause
		});
	}
	if (!Array.isArray(value)) throw new AssayError('CONFIG_INVALID', 'Expected few-shot examples as a JSON array.');
	return value.map((item: unknown, i) => {
		const o = item as { question?: unknown; sources?: unknown; answer?: unknown };
		const sourcesOk =
			Array.isArray(o?.sources) &&
			o.sources.every(
				(s: unknown) => typeof (s as { title?: unknown })?.title === 'string' && typeof (s as { text?: unknown }).text === 'string'
			);
		if (typeof o?.question !== 'string' || typeof o.answer !== 'string' || !sourcesOk) {
			throw new AssayError(
				'CONFIG_INVALID',
				`Few-shot example ${i + 1}: expected {question: string, sources: [{title, text}], answer: string}.`
			);
		}
		return {
			question: o.question,
			sources: (o.sources as { title: string; text: string }[]).map((s) => ({ title: s.title, text: s.text })),
			answer: o.answer
		};
	});
}
