/**
 * Run the `assay` CLI in-process with its output captured (shared by the CLI tests; not a
 * test file).
 */
import { runCli } from '../../src/cli/cli.ts';

/** What one CLI invocation returned: the exit code and everything written to stdout/stderr. */
export interface CliResult {
	readonly code: number;
	readonly stdout: string;
	readonly stderr: string;
}

/** `assay ...argv`, in-process, capturing stdout and stderr. */
export async function runCliCaptured(argv: readonly string[]): Promise<CliResult> {
	let stdout = '';
	let stderr = '';
	const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
	return { code, stdout, stderr };
}
