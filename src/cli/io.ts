/**
 * What a CLI command writes to and how it fails. Commands never call `process.exit`:
 * they return an exit code, so they can run inside tests.
 */

/** Output streams of a command (text is written as given; add your own newlines). */
export interface CliIo {
	readonly stdout: (text: string) => void;
	readonly stderr: (text: string) => void;
}

/** Exit code 0: success. */
export const EXIT_OK = 0;
/** Exit code 1: an unexpected failure (a bug; reported with its stack). */
export const EXIT_FAILURE = 1;
/** Exit code 2: bad usage or bad input (reported with a readable message). */
export const EXIT_USAGE = 2;

/** Wrong arguments: reported with the command's usage text, exit code 2. */
export class UsageError extends Error {
	override readonly name = 'UsageError';
}
/** Exit code 3 (`assay eval --config`): the system under test or the judge could not be reached after every retry; the report is written and marked incomplete. */
export const EXIT_UNREACHABLE = 3;
