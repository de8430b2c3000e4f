import { isAssayError } from '$lib/shared/errors.ts';

/** A readable message for any error, with its code when it has one (`message (CODE)`). */
export function describe(error: unknown): string {
	if (isAssayError(error)) return `${error.message} (${error.code})`;
	return error instanceof Error ? error.message : String(error);
}
