/**
 * Temp folders for `assay eval --config` integration tests: a golden set (JSONL) from SciFact
 * cases and a config pointing at a fixture RAG app. Not a test file.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/cli.ts';

export interface EvalDir {
	readonly dir: string;
	readonly configPath: string;
	readonly out: string;
	readonly read: (name: string) => string;
	readonly json: (name: string) => Record<string, unknown>;
}

/** A temp folder with `golden.jsonl` and `assay.config.json` (`config` merged over an http system at `url`). */
export function evalDir(
	cases: readonly { id: string; query: string; relevant: readonly string[] }[],
	url: string,
	config: Record<string, unknown> = {}
): EvalDir {
	const dir = mkdtempSync(join(tmpdir(), 'assay-eval-'));
	writeFileSync(
		join(dir, 'golden.jsonl'),
		cases.map((c) => JSON.stringify({ id: c.id, query: c.query, relevant: c.relevant })).join('\n') + '\n'
	);
	const full = {
		goldenSet: 'golden.jsonl',
		system: { type: 'http', url, body: { query: '{{query}}', id: '{{id}}' }, answer: '$.answer', contexts: '$.contexts' },
		...config
	};
	const configPath = join(dir, 'assay.config.json');
	writeFileSync(configPath, JSON.stringify(full, null, 2));
	const out = join(dir, 'out');
	return {
		dir,
		configPath,
		out,
		read: (name) => readFileSync(join(out, name), 'utf8'),
		json: (name) => JSON.parse(readFileSync(join(out, name), 'utf8')) as Record<string, unknown>
	};
}

/** `assay …argv` in-process with CI set (plain progress lines), capturing output. */
export async function assay(argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
	let stdout = '';
	let stderr = '';
	const ci = process.env.CI;
	process.env.CI = '1';
	try {
		const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
		return { code, stdout, stderr };
	} finally {
		if (ci === undefined) delete process.env.CI;
		else process.env.CI = ci;
	}
}
