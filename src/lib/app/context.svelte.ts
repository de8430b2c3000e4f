import { getContext, setContext } from 'svelte';
import { AssayError } from '$lib/shared/errors.ts';
import { Notices } from './shell/notices.svelte.ts';
import { Jobs } from './shell/jobs.svelte.ts';
import { CommandRegistry } from './shell/commands.svelte.ts';
import { FirstRunGuide } from './shell/guide.svelte.ts';

/**
 * The one app context, created in the root layout and reached by every page and shell component
 * through Svelte context (DESIGN.md, "Wave 2"): it outlives page changes, so what it owns — the
 * library worker, the model link, the LLM manager, the selected workspace, settings profiles,
 * notices, long jobs and palette commands — is started once per visit and shared.
 */
export class AppContext {
	/** Errors and notices of every page (the shell shows them as toasts). */
	readonly notices = new Notices();
	/** Long jobs (imports, embedding, runs) that stay visible across pages. */
	readonly jobs = new Jobs();
	/** Commands of the palette (Ctrl/⌘-K). */
	readonly commands = new CommandRegistry();
	/** The first-run guide (offered when the demo workspace is seeded; the shell shows it). */
	readonly guide = new FirstRunGuide();
}

const KEY = Symbol('assay.app-context');

/** Make `context` the app context of the calling component's subtree (the root layout). */
export function provideAppContext(context: AppContext): AppContext {
	setContext(KEY, context);
	return context;
}

/**
 * The app context, from a component under the root layout.
 * @throws AssayError `INTERNAL` when called outside the layout's subtree.
 */
export function appContext(): AppContext {
	const context = getContext<AppContext | undefined>(KEY);
	if (!context) throw new AssayError('INTERNAL', 'The app context is missing: components must be rendered under the root layout.');
	return context;
}
