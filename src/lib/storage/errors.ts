/**
 * Mapping of IndexedDB failures to Assay's error catalogue.
 */
import { AssayError } from '../shared/errors.ts';

/** Message shown when the browser's storage quota is exhausted. */
const QUOTA_MESSAGE =
	'Browser storage is full: the write was rolled back. To continue, free space or remove documents, old eval runs or traces, then try again.';

function errorName(value: unknown): string | undefined {
	if (typeof value !== 'object' || value === null) return undefined;
	const name = (value as { name?: unknown }).name;
	return typeof name === 'string' ? name : undefined;
}

/**
 * True when `error` reports an exhausted storage quota: a `QuotaExceededError` itself, an
 * `AbortError` whose `cause` is one, or any error raised while `txError` (the transaction's
 * `error`) is one — browsers often reject the request with `AbortError` and put the real
 * reason on the transaction.
 */
export function isQuotaExceeded(error: unknown, txError?: unknown): boolean {
	if (errorName(error) === 'QuotaExceededError' || errorName(txError) === 'QuotaExceededError') return true;
	const cause = typeof error === 'object' && error !== null ? (error as { cause?: unknown }).cause : undefined;
	return errorName(cause) === 'QuotaExceededError';
}

/**
 * Convert anything thrown by an IndexedDB operation into an {@link AssayError}:
 * - an `AssayError` is returned unchanged;
 * - a quota failure (see {@link isQuotaExceeded}) becomes `STORAGE_QUOTA`;
 * - anything else (DOMExceptions such as `DataCloneError`, `ConstraintError`, `AbortError`,
 *   or plain errors) becomes `STORAGE_FAILED`, with the original as `cause`.
 * `operation` names what was attempted (e.g. `documents.save`) and appears in the message and
 * in `details.operation`.
 */
export function toStorageError(error: unknown, operation: string, txError?: unknown): AssayError {
	if (error instanceof AssayError) return error;
	const details = { operation };
	if (isQuotaExceeded(error, txError)) {
		const cause = errorName(error) === 'QuotaExceededError' ? error : (txError ?? error);
		return new AssayError('STORAGE_QUOTA', `${QUOTA_MESSAGE} (operation: ${operation})`, { cause, details });
	}
	const name = errorName(error) ?? 'Error';
	const message = error instanceof Error ? error.message : String(error);
	const txName = errorName(txError);
	const txPart = txName && txName !== name ? `; transaction error: ${txName}` : '';
	return new AssayError('STORAGE_FAILED', `Storage operation "${operation}" failed: ${name}: ${message}${txPart}.`, {
		cause: error,
		details
	});
}
