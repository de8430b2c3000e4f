import type { SemanticStatus } from '$lib/services/library-api.ts';

/**
 * Whether "Embed chunks" is offered: only when the page is busy (`busy`: not ready, importing,
 * a run in progress) or the settled status says every chunk has a vector.
 *
 * A background vector load (`state: 'loading'`, e.g. right after "Save model settings") does
 * not disable the button: the worker's embed job waits for that load itself, and a button that
 * flickers to disabled for the length of a load drops a click made in that instant without a
 * word (the e2e failure of stop 10). `status` null (not read yet) leaves it enabled for the same
 * reason.
 */
export function embedButtonDisabled(status: Pick<SemanticStatus, 'state' | 'pendingChunks'> | null, busy: boolean): boolean {
	if (busy) return true;
	if (!status || status.state === 'loading') return false;
	return status.pendingChunks === 0;
}
