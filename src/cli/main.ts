/**
 * Entry point of the `assay` command (loaded by `bin/assay.js` through tsx): runs the CLI on
 * the process arguments and sets the exit code.
 */
import { runCli } from './cli.ts';

process.exitCode = await runCli(process.argv.slice(2), {
	stdout: (text) => process.stdout.write(text),
	stderr: (text) => process.stderr.write(text)
});
