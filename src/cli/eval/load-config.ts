import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseGoldenCsv, parseGoldenJsonl, parseGoldenTrec } from '../../lib/evals/golden/parse.ts';
import { evaluableCases } from '../../lib/evals/golden/synthetic.ts';
import type { GoldenCase, ParsedGoldenCases } from '../../lib/evals/golden/types.ts';
import { parseAssayConfig, type AssayConfig, type SystemConfig } from '../../lib/evals/system/config.ts';
import { resolveEnvRefs } from '../../lib/evals/system/http-system.ts';
import { AssayError } from '../../lib/shared/errors.ts';
import { readTextFile } from '../beir-files.ts';

/**
 * Reading an `assay eval` configuration from disk: JSON (a syntax error names line and column),
 * validated by `parseAssayConfig`, relative paths resolved against the config file's folder,
 * `{{env.NAME}}` header references resolved from the environment. Every problem is an
 * AssayError `CONFIG_INVALID` (or `FILE_READ`) naming the file and the key path: exit 2.
 */

/** A configuration ready to run: paths absolute, header values resolved (secrets: keep out of reports). */
export interface LoadedConfig {
	readonly path: string;
	readonly dir: string;
	readonly config: AssayConfig;
	readonly goldenSet: { readonly path: string; readonly format: 'jsonl' | 'csv' | 'beir' };
	/** `system` with its paths absolute and header values resolved. */
	readonly system: SystemConfig;
	/** Absolute; null when the config names none. */
	readonly baselinePath: string | null;
	/** The corpus for matching text-only contexts (absolute): `corpus`, else the assay system's; null when none. */
	readonly corpusPath: string | null;
	readonly cacheDir: string;
}

/** 1-based line and column of character `offset` in `text`. */
function lineCol(text: string, offset: number): string {
	const before = text.slice(0, offset).split('\n');
	return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}

/** Parse JSON, naming the position of a syntax error. @throws AssayError `CONFIG_INVALID`. */
export function parseJsonText(text: string, file: string, code: 'CONFIG_INVALID' | 'DATASET_INVALID' = 'CONFIG_INVALID'): unknown {
	try {
		return JSON.parse(text.replace(/^\uFEFF/, ''));
	} catch (error) {
		const message = (error as Error).message;
		const at = /position (\d+)/.exec(message);
		const where = at ? ` at ${lineCol(text, Number(at[1]))}` : '';
		throw new AssayError(
			code,
			`${file} is not valid JSON${where}: ${message}${code === 'CONFIG_INVALID' ? ' — JSON has no comments or trailing commas; use "$comment" keys for notes' : ''}`,
			{ details: { path: file } }
		);
	}
}

const abs = (dir: string, p: string) => (isAbsolute(p) ? p : resolve(dir, p));

/**
 * Load `file` (see the module comment).
 * @param env the environment for `{{env.NAME}}` references (default `process.env`).
 * @throws AssayError `FILE_READ` (unreadable), `CONFIG_INVALID` (not JSON, invalid, a missing variable, a golden set path that does not exist).
 */
export function loadEvalConfig(file: string, env: Readonly<Record<string, string | undefined>> = process.env): LoadedConfig {
	const path = resolve(file);
	const text = readTextFile(path);
	const config = parseAssayConfig(parseJsonText(text, path), `configuration ${path}`);
	const dir = dirname(path);
	const golden = typeof config.goldenSet === 'string' ? { path: config.goldenSet } : config.goldenSet;
	const goldenPath = abs(dir, golden.path);
	if (!existsSync(goldenPath))
		throw new AssayError(
			'CONFIG_INVALID',
			`Invalid configuration ${path} — goldenSet: ${goldenPath} does not exist — fix the path (relative paths are resolved against the config file's folder)`,
			{ details: { issues: ['goldenSet: not found'] } }
		);
	const format =
		golden.format ?? (statSync(goldenPath).isDirectory() ? 'beir' : goldenPath.toLowerCase().endsWith('.csv') ? 'csv' : 'jsonl');
	let system: SystemConfig = config.system;
	const envError = (error: unknown): never => {
		if (error instanceof AssayError)
			throw new AssayError(error.code, `Invalid configuration ${path} — ${error.message}`, {
				cause: error,
				...(error.details ? { details: error.details } : {})
			});
		throw error;
	};
	if (system.type === 'http' && system.headers) {
		try {
			system = { ...system, headers: resolveEnvRefs(system.headers, env) };
		} catch (error) {
			envError(error);
		}
	}
	if (system.type === 'exec') {
		let execEnv = system.env;
		try {
			// The same {{env.NAME}} references as headers (resolveEnvRefs names the key `system.headers.*`; renamed below).
			if (execEnv) execEnv = resolveEnvRefs(execEnv, env, 'system');
		} catch (error) {
			if (error instanceof AssayError)
				envError(
					new AssayError(
						error.code,
						error.message.replace('system.headers.', 'system.env.').replace('or remove the header', 'or remove the variable'),
						error.details ? { details: error.details } : undefined
					)
				);
			throw error;
		}
		system = { ...system, cwd: abs(dir, system.cwd ?? '.'), ...(execEnv ? { env: execEnv } : {}) };
	}
	if (system.type === 'file') system = { ...system, path: abs(dir, system.path) };
	if (system.type === 'assay')
		system = { ...system, corpus: abs(dir, system.corpus), ...(system.prompt ? { prompt: abs(dir, system.prompt) } : {}) };
	return {
		path,
		dir,
		config,
		goldenSet: { path: goldenPath, format },
		system,
		baselinePath: config.gate?.baseline ? abs(dir, config.gate.baseline) : null,
		corpusPath: config.corpus ? abs(dir, config.corpus) : system.type === 'assay' ? system.corpus : null,
		cacheDir: abs(dir, config.cache?.dir ?? '.assay-cache')
	};
}

/**
 * Read the golden set with the app's parsers (JSONL, CSV, BEIR folder: queries.jsonl + qrels.tsv,
 * qrels/test.tsv or qrels.trec). Bad rows make the input unusable: the message lists the first
 * five with their line numbers. Synthetic cases whose review is not `accepted` are left out.
 * @throws AssayError `DATASET_INVALID` for bad rows or an empty set; `FILE_READ` when unreadable.
 */
export function loadGoldenCases(golden: LoadedConfig['goldenSet']): GoldenCase[] {
	let parsed: ParsedGoldenCases;
	if (golden.format === 'beir') {
		const qrels = ['qrels.tsv', join('qrels', 'test.tsv'), 'qrels.trec'].map((n) => join(golden.path, n)).find((p) => existsSync(p));
		const queries = ['queries.jsonl', 'queries.jsonl.gz'].map((n) => join(golden.path, n)).find((p) => existsSync(p));
		if (!qrels || !queries)
			throw new AssayError(
				'DATASET_INVALID',
				`The BEIR golden set ${golden.path} needs queries.jsonl and qrels.tsv (or qrels/test.tsv, qrels.trec)`,
				{ details: { path: golden.path } }
			);
		parsed = parseGoldenTrec(readTextFile(qrels), readTextFile(queries));
	} else {
		const text = readTextFile(golden.path);
		parsed = golden.format === 'csv' ? parseGoldenCsv(text) : parseGoldenJsonl(text);
	}
	if (parsed.errors.length > 0) {
		const first = parsed.errors
			.slice(0, 5)
			.map((e) => `line ${e.line}: ${e.message}`)
			.join('; ');
		throw new AssayError(
			'DATASET_INVALID',
			`The golden set ${golden.path} has ${parsed.errors.length} bad row${parsed.errors.length > 1 ? 's' : ''} — ${first}`,
			{ details: { path: golden.path, errors: parsed.errors.slice(0, 50) } }
		);
	}
	// Synthetic cases still pending or rejected in the file are never evaluated (as in the app).
	const cases = evaluableCases(parsed.cases);
	if (cases.length === 0)
		throw new AssayError('DATASET_INVALID', `The golden set ${golden.path} has no cases`, { details: { path: golden.path } });
	return cases;
}

/** A file path's text as JSON (a report, an outputs file). @throws AssayError `FILE_READ`, `DATASET_INVALID`. */
export function readJsonFile(path: string, what: string): unknown {
	if (!existsSync(path)) throw new AssayError('FILE_READ', `The ${what} ${path} does not exist`, { details: { path } });
	return parseJsonText(readTextFile(path), `The ${what} ${path}`, 'DATASET_INVALID');
}
