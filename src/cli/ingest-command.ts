import { createWriteStream } from 'node:fs';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultAppConfig, parseAppConfig, type AppConfig } from '../lib/config/schema.ts';
import { chunkStructured, overlapShortfalls } from '../lib/chunking/index.ts';
import { prepareDocument } from '../lib/ingest/prepare-document.ts';
import type { ImportSource } from '../lib/ingest/prepare.ts';
import type { DocumentStatus } from '../lib/ingest/types.ts';
import { DOCUMENT_STATUSES } from '../lib/ingest/types.ts';
import { createNodeParserRegistry } from '../lib/adapters/parsers.ts';
import { AssayError, toErrorData, type AssayErrorData } from '../lib/shared/errors.ts';
import type { ParseWarning } from '../lib/ingest/parsers/types.ts';
import { EXIT_OK, UsageError, type CliIo } from './io.ts';
import { positiveIntegerOption } from './args.ts';
import { displayName } from '../lib/shared/display.ts';
import { chunkId } from '../lib/shared/identity.ts';

/** The app's defaults (one `AppConfig`): the CLI chunks exactly as a new workspace does. */
const DEFAULTS = defaultAppConfig();

/** Usage of `assay ingest`. */
export const INGEST_USAGE = `Usage: assay ingest <files or folders…> --out chunks.jsonl [options]

Parses every file (PDF, DOCX, HTML, CSV/TSV, JSON/JSONL, code, text in any supported encoding)
with the same parsers and chunker as the app, and writes one JSON line per chunk:
{"id","path","ordinal","text","startOffset","endOffset","headingPath","pageStart","pageEnd",
 "mediaType","encoding"}. Folders are walked recursively (hidden entries skipped), in path order.
A summary per status, and the reason for each file that failed, go to stderr.

Options:
  --out <file>            chunks JSONL to write (required)
  --report <file>         also write the per-file report as JSON
  --chunk-size <n>        chunkSizeChars (default ${DEFAULTS.chunking.chunkSizeChars}, the app's)
  --overlap <n>           chunkOverlapChars (default ${DEFAULTS.chunking.chunkOverlapChars})
  --max-file-size <n>     bytes per file (default ${DEFAULTS.ingest.maxFileSizeBytes})
  --timeout-ms <n>        parse time budget per file, ms (default ${DEFAULTS.ingest.parseTimeoutMs})
  --hidden-text <mode>    drop (default) or flag hidden/invisible text (warned about either way)
  --as-text               read files of unknown type that look like text as plain text
  -h, --help              this text
Files named *.gz are inflated and read by their inner name (notes.md.gz as Markdown).

Exit codes: 0 when the chunks were written, even if some files failed or are unsupported (each
is listed on stderr and in --report with its reason); 2 for bad options or a path that cannot be read.
`;

/** How one file fared in `assay ingest`. */
export interface FileReport {
	readonly path: string;
	readonly status: DocumentStatus;
	readonly chunkCount: number;
	readonly encoding?: string;
	readonly error?: AssayErrorData;
	readonly warnings?: readonly ParseWarning[];
	readonly parseMs?: number;
	/** Chunks whose applied overlap (`overlapChars` in the JSONL) is under half the requested one. */
	readonly overlapShortfalls?: number;
}

/** `assay ingest`: parse and chunk files into a chunks JSONL for CI corpora. */
export async function ingestCommand(argv: readonly string[], io: CliIo): Promise<number> {
	const { values, positionals } = parseIngestArgs(argv);
	if (values['help']) {
		io.stdout(INGEST_USAGE);
		return EXIT_OK;
	}
	if (typeof values['out'] !== 'string') throw new UsageError('--out is required');
	if (positionals.length === 0) throw new UsageError('give at least one file or folder');
	const config = parseAppConfig({
		...DEFAULTS,
		chunking: {
			...DEFAULTS.chunking,
			chunkSizeChars: positiveIntegerOption(values, 'chunk-size', DEFAULTS.chunking.chunkSizeChars),
			chunkOverlapChars: nonNegative(values['overlap'], DEFAULTS.chunking.chunkOverlapChars)
		},
		ingest: {
			...DEFAULTS.ingest,
			maxFileSizeBytes: positiveIntegerOption(values, 'max-file-size', DEFAULTS.ingest.maxFileSizeBytes),
			parseTimeoutMs: positiveIntegerOption(values, 'timeout-ms', DEFAULTS.ingest.parseTimeoutMs),
			...(values['hidden-text'] !== undefined ? { hiddenText: values['hidden-text'] } : {})
		}
	});
	const asText = values['as-text'] === true;
	const files = (await Promise.all(positionals.map((p) => listFiles(resolve(p), basename(resolve(p)))))).flat();
	const out = createWriteStream(values['out']);
	const reports: FileReport[] = [];
	for (const file of files) reports.push(await ingestFile(file, config, asText, (chunk) => out.write(`${JSON.stringify(chunk)}\n`)));
	await new Promise<void>((done, fail) => out.end((err?: Error | null) => (err ? fail(err) : done())));
	if (typeof values['report'] === 'string') await writeFile(values['report'], `${JSON.stringify({ files: reports }, null, 2)}\n`);
	io.stderr(summary(reports));
	return EXIT_OK;
}

/** One line of the chunks JSONL `assay ingest` writes (also what `assay mcp --folder` indexes). */
export interface IngestedChunk {
	readonly id: string;
	readonly path: string;
	readonly ordinal: number;
	readonly text: string;
	readonly startOffset: number;
	readonly endOffset: number;
	readonly headingPath: readonly string[];
	readonly overlapChars?: number;
	readonly pageStart?: number;
	readonly pageEnd?: number;
	readonly mediaType: string;
	readonly encoding?: string;
}

/**
 * Parse and chunk one file as the app does, handing each chunk to `emit` in order (and the
 * parsed text, `\n` line endings, to `onText` before them); the report says how the file fared
 * (per-file problems are reports, not throws).
 */
export async function ingestFile(
	file: { absolute: string; path: string },
	config: AppConfig,
	asText: boolean,
	emit: (chunk: IngestedChunk) => void,
	onText?: (text: string) => void
): Promise<FileReport> {
	const size = (await stat(file.absolute)).size;
	const source: ImportSource = {
		name: basename(file.absolute),
		relativePath: file.path,
		sizeBytes: size,
		readBytes: async () => new Uint8Array(await readFile(file.absolute))
	};
	let prepared = await prepareDocument(source, config.ingest, registry());
	if (asText && prepared.kind === 'unsupported' && prepared.readableAsText)
		prepared = await prepareDocument(source, config.ingest, registry(), { asText: true });
	if (prepared.kind !== 'parsed') return { path: file.path, status: prepared.kind, chunkCount: 0, error: toErrorData(prepared.error) };
	const p = prepared.parsed;
	const base = {
		path: file.path,
		parseMs: Math.round(prepared.parseMs),
		...(p.encoding ? { encoding: p.encoding } : {}),
		...(p.warnings.length > 0 ? { warnings: p.warnings } : {})
	};
	if (p.needsOcr) return { ...base, status: 'needs-ocr', chunkCount: 0 };
	let chunks;
	try {
		chunks = chunkStructured(p, config.chunking, { maxChunks: config.ingest.maxChunksPerDocument });
	} catch (error) {
		if (!(error instanceof AssayError) || error.code !== 'DOCUMENT_TOO_MANY_CHUNKS') throw error;
		return { ...base, status: 'failed', chunkCount: 0, error: toErrorData(error) };
	}
	onText?.(p.text);
	for (const c of chunks) {
		emit({
			id: chunkId(file.path, c.ordinal),
			path: file.path,
			ordinal: c.ordinal,
			text: c.text,
			startOffset: c.startOffset,
			endOffset: c.endOffset,
			headingPath: c.headingPath,
			...(c.overlapChars !== undefined ? { overlapChars: c.overlapChars } : {}),
			...(c.pageStart !== undefined ? { pageStart: c.pageStart, ...(c.pageEnd !== undefined ? { pageEnd: c.pageEnd } : {}) } : {}),
			mediaType: prepared.mediaType,
			...(p.encoding ? { encoding: p.encoding } : {})
		});
	}
	const short = overlapShortfalls(chunks, config.chunking.chunkOverlapChars);
	return {
		...base,
		status: p.warnings.length > 0 ? 'ready-with-warnings' : 'ready',
		chunkCount: chunks.length,
		...(short > 0 ? { overlapShortfalls: short } : {})
	};
}

let parsers: ReturnType<typeof createNodeParserRegistry> | null = null;
function registry(): ReturnType<typeof createNodeParserRegistry> {
	parsers ??= createNodeParserRegistry();
	return parsers;
}

/** Files under `target` (itself when a file), sorted; `path` starts with the argument's own name (`docs/a/b.pdf`). */
export async function listFiles(target: string, path: string): Promise<{ absolute: string; path: string }[]> {
	let info;
	try {
		info = await stat(target);
	} catch {
		throw new UsageError(`no such file or folder: ${target}`);
	}
	if (info.isFile()) return [{ absolute: target, path }];
	const out: { absolute: string; path: string }[] = [];
	const entries = (await readdir(target, { withFileTypes: true }))
		.filter((e) => !e.name.startsWith('.'))
		.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
	for (const e of entries) {
		if (e.isDirectory() || e.isFile()) out.push(...(await listFiles(join(target, e.name), `${path}/${e.name}`)));
	}
	return out;
}

function summary(reports: readonly FileReport[]): string {
	const counts = DOCUMENT_STATUSES.map((s) => `${s} ${reports.filter((r) => r.status === s).length}`).join(', ');
	const chunks = reports.reduce((n, r) => n + r.chunkCount, 0);
	const short = reports.reduce((n, r) => n + (r.overlapShortfalls ?? 0), 0);
	const lines = [
		`assay ingest: ${reports.length} file(s), ${chunks} chunk(s): ${counts}${short > 0 ? `; ${short} chunk(s) with less than half the requested overlap` : ''}`
	];
	// File names (and messages that quote them) are shown with bidi and control characters escaped.
	for (const r of reports) {
		if (r.error) lines.push(`  ${displayName(r.path)}: ${r.status} — ${r.error.code}: ${displayName(r.error.message)}`);
		else if (r.status === 'needs-ocr') lines.push(`  ${displayName(r.path)}: needs-ocr — no text layer`);
		else if (r.warnings) lines.push(`  ${displayName(r.path)}: ${r.status} — ${displayName(r.warnings.map((w) => w.message).join(' '))}`);
	}
	return `${lines.join('\n')}\n`;
}

function parseIngestArgs(argv: readonly string[]): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
	try {
		const specs = {
			out: { type: 'string' },
			report: { type: 'string' },
			'chunk-size': { type: 'string' },
			overlap: { type: 'string' },
			'max-file-size': { type: 'string' },
			'timeout-ms': { type: 'string' },
			'hidden-text': { type: 'string' },
			'as-text': { type: 'boolean' },
			help: { type: 'boolean', short: 'h' }
		} as const;
		const { values, positionals } = parseArgs({ args: [...argv], options: specs, strict: true, allowPositionals: true });
		return { values: values as Record<string, string | boolean | undefined>, positionals };
	} catch (error) {
		throw new UsageError((error as Error).message);
	}
}

function nonNegative(v: unknown, fallback: number): number {
	if (v === undefined) return fallback;
	if (typeof v !== 'string' || !/^\d+$/.test(v)) throw new UsageError(`--overlap must be a non-negative integer, received "${String(v)}"`);
	return Number(v);
}
