/**
 * Whether an error means a model endpoint or system cannot be reached, so a run must stop
 * (CLI exit 3) rather than record the case as failed: `SYSTEM_UNREACHABLE`, or an
 * `LLM_REQUEST_FAILED` that carries no HTTP status — retries exhausted on network errors,
 * timeouts or 429/5xx (`details.retryExhausted`, set by `OpenAiChatModel`), a refused
 * connection, an idle timeout. An endpoint that answered with a non-retryable HTTP error
 * (`details.status`), a prompt too long, or a failed generation is a failure of that case only.
 * The one definition used by the `assay` system (answering model) and by grading (judge).
 */
export function isUnreachable(error: { readonly code: string; readonly details?: Readonly<Record<string, unknown>> }): boolean {
	if (error.code === 'SYSTEM_UNREACHABLE') return true;
	if (error.code !== 'LLM_REQUEST_FAILED') return false;
	// A batch capture or replay sent nothing over the network (src/lib/evals/batch/models.ts).
	if (error.details?.batch !== undefined) return false;
	return error.details?.retryExhausted === true || typeof error.details?.status !== 'number';
}
