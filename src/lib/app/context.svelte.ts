import { getContext, setContext } from 'svelte';
import { AssayError } from '$lib/shared/errors.ts';
import { AppCore } from './app-core.svelte.ts';
import { Workbench } from './workbench.svelte.ts';
import { AskDesk } from './ask.svelte.ts';
import { AgentDesk } from './agent.svelte.ts';
import { AgentEvals, appAgentEvalsHost } from './agent-evals.svelte.ts';
import { EvalBench } from './eval-bench.svelte.ts';
import { AnswerLab } from './answer-lab.svelte.ts';
import { FirstRunGuide } from './shell/guide.svelte.ts';
import { TracesView } from './traces/traces.svelte.ts';
import { BenchDesk } from './bench.svelte.ts';

/**
 * The one app context, created in the root layout and reached by every page and shell component
 * through Svelte context (DESIGN.md, "Wave 2"). It is the {@link AppCore} (one library worker, one
 * model link, one LLM manager, the workspace, profiles, notices, jobs, commands) plus one view per
 * page, made on first visit and kept: coming back to a page finds its state, and its jobs, as left.
 */
export class AppContext extends AppCore {
	/** The first-run guide (offered when the demo workspace is seeded; the shell shows it). */
	readonly guide = new FirstRunGuide();
	private views: {
		library?: Workbench;
		ask?: AskDesk;
		agent?: AgentDesk;
		agentEvals?: AgentEvals;
		evals?: EvalBench;
		answers?: AnswerLab;
		traces?: TracesView;
		bench?: BenchDesk;
	} = {};

	/** The library and search page's state. */
	get library(): Workbench {
		return (this.views.library ??= outlive(() => new Workbench(this)));
	}
	/** The Ask page's state. */
	get ask(): AskDesk {
		return (this.views.ask ??= outlive(() => new AskDesk(this)));
	}
	/** The Agent page's state. */
	get agent(): AgentDesk {
		return (this.views.agent ??= outlive(() => new AgentDesk(this)));
	}
	/** "Evaluate the agent" on the Agent page: runs tasks with the Agent page's model, tools and limits. */
	get agentEvals(): AgentEvals {
		return (this.views.agentEvals ??= outlive(() => new AgentEvals(appAgentEvalsHost(this, this.agent))));
	}
	/** The retrieval evaluations page's state. */
	get evals(): EvalBench {
		return (this.views.evals ??= outlive(() => new EvalBench(this)));
	}
	/** The answer evals page's state. */
	get answers(): AnswerLab {
		return (this.views.answers ??= outlive(() => new AnswerLab(this)));
	}
	/** The Traces page's state. */
	get traces(): TracesView {
		return (this.views.traces ??= outlive(() => new TracesView(this)));
	}
	/** The Benchmarks page's state (a serving benchmark goes on while the user is elsewhere). */
	get bench(): BenchDesk {
		return (this.views.bench ??= new BenchDesk(this));
	}
}

/**
 * Make a page view under its own `$effect.root`, not under the component that first asked for
 * it: a `$derived` created inside a component's effect dies with that component (Svelte marks it
 * inert), so a view made on the first visit would show stale values on the next one.
 */
function outlive<T>(make: () => T): T {
	let view: T | undefined;
	// The root is never destroyed: views live as long as the app context (one per tab).
	$effect.root(() => {
		view = make();
	});
	return view as T;
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
