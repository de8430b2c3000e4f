import { AssayError } from '../../shared/errors.ts';
import type { DocumentParser, ParsedDocument, ParseInput, ParseService } from './types.ts';

/**
 * Format key → parser, and the in-thread {@link ParseService}: the time budget is enforced with
 * a timer race, which stops waiting for an asynchronous parser (pdf.js yields between pages)
 * but cannot interrupt synchronous work — the browser runs parsers in a worker that is
 * terminated instead (see `workers/parser-pool.ts`).
 */
export class ParserRegistry implements ParseService {
	private readonly byFormat = new Map<string, DocumentParser>();

	constructor(parsers: readonly DocumentParser[]) {
		for (const p of parsers) for (const f of p.formats) this.byFormat.set(f, p);
	}

	/** Whether some parser reads `format`. */
	has(format: string): boolean {
		return this.byFormat.has(format);
	}

	/**
	 * Parse with the parser for `input.format`.
	 * @throws AssayError `FILE_UNSUPPORTED` (no parser), `FILE_PARSE_TIMEOUT` (over `timeoutMs`),
	 *   or the parser's own error; a stack overflow becomes `FILE_STRUCTURE_LIMIT` (a readable
	 *   message, the raw one in `cause`), any other exception `FILE_PARSE`.
	 */
	async parse(input: ParseInput, timeoutMs: number): Promise<ParsedDocument> {
		const parser = this.byFormat.get(input.format);
		if (!parser) throw new AssayError('FILE_UNSUPPORTED', `No parser for format ${JSON.stringify(input.format)}.`);
		let timer: ReturnType<typeof setTimeout> | undefined;
		const timeout = new Promise<never>((_, reject) => {
			timer = setTimeout(() => reject(parseTimeout(input.name, timeoutMs)), timeoutMs);
		});
		try {
			return await Promise.race([parser.parse(input), timeout]);
		} catch (error) {
			if (error instanceof AssayError) throw error;
			if (error instanceof RangeError && /call stack/i.test(error.message)) {
				throw new AssayError(
					'FILE_STRUCTURE_LIMIT',
					`“${input.name}” is nested too deeply to read (its structure goes deeper than the parser can follow).`,
					{ cause: error }
				);
			}
			throw new AssayError('FILE_PARSE', `“${input.name}” could not be parsed: ${error instanceof Error ? error.message : String(error)}`, {
				cause: error
			});
		} finally {
			clearTimeout(timer);
		}
	}
}

/** The error for a file whose parse ran past its budget. */
export function parseTimeout(name: string, timeoutMs: number): AssayError {
	return new AssayError(
		'FILE_PARSE_TIMEOUT',
		`“${name}” took longer than ${timeoutMs} ms to parse and was stopped; the limit is ingest.parseTimeoutMs.`,
		{ details: { timeoutMs } }
	);
}
