import { decodeForParser, encodingFields } from './text-common.ts';
import type { ChunkUnit, DocumentParser, ParsedDocument, ParseInput } from './types.ts';

/** Source-code extensions → language name (recorded on the document). */
export const CODE_LANGUAGES: Readonly<Record<string, string>> = {
	ts: 'typescript',
	tsx: 'typescript',
	mts: 'typescript',
	cts: 'typescript',
	js: 'javascript',
	jsx: 'javascript',
	mjs: 'javascript',
	cjs: 'javascript',
	py: 'python',
	rb: 'ruby',
	go: 'go',
	rs: 'rust',
	java: 'java',
	kt: 'kotlin',
	scala: 'scala',
	c: 'c',
	h: 'c',
	cc: 'cpp',
	cpp: 'cpp',
	hpp: 'cpp',
	cs: 'csharp',
	swift: 'swift',
	php: 'php',
	sh: 'shell',
	bash: 'shell',
	sql: 'sql',
	css: 'css',
	scss: 'scss',
	svelte: 'svelte',
	vue: 'vue',
	lua: 'lua',
	r: 'r',
	jl: 'julia',
	dart: 'dart',
	ex: 'elixir',
	exs: 'elixir',
	hs: 'haskell',
	ml: 'ocaml'
};

const DEFINITION =
	/^(?:export\s+)?(?:default\s+)?(?:pub(?:\([^)]*\))?\s+)?(?:public\s+|private\s+|protected\s+|static\s+|abstract\s+|final\s+|async\s+|unsafe\s+)*(?:function\*?|class|interface|type|enum|const|let|var|def|fn|func|struct|impl|trait|module|namespace|object|record)\s+([A-Za-z_$][\w$]*)/;
const COMMENT_LINE = /^\s*(?:\/\/|#|\/\*|\*|--|"""|''')/;
const CLOSER = /^[)\]}]|^end\b/;

/**
 * Source code by extension. Chunk units are top-level blocks: a blank line followed by a line
 * at column 0 (not a closing bracket or `end`) starts a new unit, so blank lines inside an
 * indented body do not split a definition. A comment-only block is joined to the block after
 * it (a doc comment stays with its function). A unit that defines something (function, class,
 * def, fn, …) carries the name as heading; the language is recorded.
 */
export const codeParser: DocumentParser = {
	formats: ['code'],
	async parse(input: ParseInput): Promise<ParsedDocument> {
		const decoded = decodeForParser(input);
		const extension = input.name.slice(input.name.lastIndexOf('.') + 1).toLowerCase();
		const language = CODE_LANGUAGES[extension] ?? 'text';
		return {
			text: decoded.text,
			layout: 'units',
			units: codeUnits(decoded.text),
			language,
			...encodingFields(decoded),
			warnings: decoded.warnings,
			metadata: { language }
		};
	}
};

/** Top-level blocks of `source` as chunk units (see {@link codeParser}); whitespace-only text gives `[]`. */
export function codeUnits(source: string): ChunkUnit[] {
	const lines = source.split('\n');
	const blocks: { start: number; end: number; lines: string[] }[] = [];
	let offset = 0;
	let current: { start: number; end: number; lines: string[] } | null = null;
	let sawBlank = false;
	for (const line of lines) {
		const lineEnd = offset + line.length;
		if (line.trim() === '') {
			sawBlank = current !== null;
		} else {
			const startsTopLevel = !/^\s/.test(line) && !CLOSER.test(line);
			if (!current || (sawBlank && startsTopLevel)) {
				current = { start: offset, end: lineEnd, lines: [line] };
				blocks.push(current);
			} else {
				current.end = lineEnd;
				current.lines.push(line);
			}
			sawBlank = false;
		}
		offset = lineEnd + 1;
	}
	const units: ChunkUnit[] = [];
	let pendingStart: number | null = null;
	for (const b of blocks) {
		if (b.lines.every((l) => COMMENT_LINE.test(l)) && b !== blocks[blocks.length - 1]) {
			pendingStart ??= b.start;
			continue;
		}
		const name = b.lines.map((l) => DEFINITION.exec(l)?.[1]).find((n) => n !== undefined);
		units.push({ startOffset: pendingStart ?? b.start, endOffset: b.end, headingPath: name ? [name] : [] });
		pendingStart = null;
	}
	return units;
}
