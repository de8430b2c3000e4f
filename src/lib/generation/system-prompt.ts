/**
 * The system prompt as a versioned, editable spec (role, input and output format, rules,
 * edge cases) rendered to one deterministic text. Versions are kept as history by the app.
 */
export interface SystemPromptSpec {
	/** 1-based version; each saved edit increments it. */
	readonly version: number;
	/** Who the assistant is. */
	readonly role: string;
	/** What the user message contains. */
	readonly inputFormat: string;
	/** What the answer must look like. */
	readonly outputFormat: string;
	/** Rules, one per item, rendered as a numbered list. */
	readonly rules: readonly string[];
	/** Edge cases and how to handle each, rendered as a bulleted list. */
	readonly edgeCases: readonly string[];
}

/** The default grounded-answer spec (version 1): cite numbered sources as `[n]`. */
export const DEFAULT_SYSTEM_PROMPT: SystemPromptSpec = {
	version: 1,
	role: 'You answer questions using only the numbered sources provided with each question.',
	inputFormat: 'The user message lists sources as "[n] title" followed by their text, then the question after "Question:".',
	outputFormat: 'A short answer in Markdown, in the language of the question. After each claim, cite the sources it comes from as [n], e.g. [1] or [2][3].',
	rules: [
		'Use only facts stated in the sources.',
		'Cite only source numbers that appear in the sources list.',
		'Do not include raw HTML.'
	],
	edgeCases: [
		'If the sources do not contain the answer, say that you cannot answer from the documents, without a citation.',
		'If sources disagree, say so and cite each side.'
	]
};

/** Render a spec to the system message text (sections in fixed order, empty lists omitted). */
export function renderSystemPrompt(spec: SystemPromptSpec): string {
	const parts = [spec.role.trim(), `Input: ${spec.inputFormat.trim()}`, `Output: ${spec.outputFormat.trim()}`];
	const rules = spec.rules.map((r) => r.trim()).filter((r) => r !== '');
	if (rules.length > 0) parts.push(['Rules:', ...rules.map((r, i) => `${i + 1}. ${r}`)].join('\n'));
	const edges = spec.edgeCases.map((r) => r.trim()).filter((r) => r !== '');
	if (edges.length > 0) parts.push(['Edge cases:', ...edges.map((r) => `- ${r}`)].join('\n'));
	return parts.join('\n\n');
}
