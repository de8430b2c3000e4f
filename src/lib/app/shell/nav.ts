/**
 * The app's left navigation, in workflow order: Library → Search → Ask → Agent → Evaluations → Answer
 * evals → Benchmarks → Traces → Failures, then Settings ("Models and endpoints"). Paths are route ids (resolve them with
 * `$app/paths`); `hash` names a section of the page (Search is the search section of the library).
 */

/** One entry of the navigation (and one "Go to" command of the palette). */
export interface NavEntry {
	readonly id: 'library' | 'search' | 'ask' | 'agent' | 'evals' | 'answers' | 'bench' | 'traces' | 'failures' | 'settings';
	readonly label: string;
	/** Route id, with trailing slash (`trailingSlash = 'always'`). */
	readonly path: '/' | '/ask/' | '/agent/' | '/evals/' | '/answers/' | '/bench/' | '/traces/' | '/failures/' | '/settings/';
	/** Section of the page (`search` → `/#search`), or `null`. */
	readonly hash: string | null;
	/** `data-testid` of the link (the links of the old page nav kept theirs). */
	readonly testid: string;
	/** Extra words the palette matches. */
	readonly keywords: readonly string[];
}

export const NAV_ENTRIES: readonly NavEntry[] = [
	{ id: 'library', label: 'Library', path: '/', hash: null, testid: 'library-link', keywords: ['documents', 'import', 'workspace'] },
	{ id: 'search', label: 'Search', path: '/', hash: 'search', testid: 'search-link', keywords: ['query', 'bm25', 'dense', 'hybrid'] },
	{ id: 'ask', label: 'Ask', path: '/ask/', hash: null, testid: 'ask-link', keywords: ['answer', 'chat', 'llm', 'rag'] },
	{
		id: 'agent',
		label: 'Agent',
		path: '/agent/',
		hash: null,
		testid: 'agent-link',
		keywords: ['tools', 'tool calling', 'mcp', 'trajectory']
	},
	{
		id: 'evals',
		label: 'Evaluations',
		path: '/evals/',
		hash: null,
		testid: 'evals-link',
		keywords: ['retrieval', 'golden set', 'experiments', 'beir']
	},
	{ id: 'answers', label: 'Answer evals', path: '/answers/', hash: null, testid: 'answers-link', keywords: ['grading', 'judge', 'review'] },
	{
		id: 'bench',
		label: 'Benchmarks',
		path: '/bench/',
		hash: null,
		testid: 'bench-link',
		keywords: ['serving', 'latency', 'throughput', 'ttft', 'load test']
	},
	{
		id: 'traces',
		label: 'Traces',
		path: '/traces/',
		hash: null,
		testid: 'traces-link',
		keywords: ['spans', 'waterfall', 'opentelemetry', 'otlp', 'observability']
	},
	{
		id: 'failures',
		label: 'Failures',
		path: '/failures/',
		hash: null,
		testid: 'failures-link',
		keywords: ['feedback', 'thumbs down', 'errors', 'promote', 'golden set']
	},
	{
		id: 'settings',
		label: 'Models and endpoints',
		path: '/settings/',
		hash: null,
		testid: 'settings-link',
		keywords: ['models and endpoints', 'profiles', 'preferences']
	}
];

/**
 * The entry of the page at `pathname` (the address's path with the site's base path removed), or
 * `null` for a page outside the navigation. Search shares the library's path, so the library is
 * the current page there; a missing trailing slash is tolerated.
 */
export function currentNavEntry(pathname: string): NavEntry | null {
	const path = pathname.endsWith('/') ? pathname : `${pathname}/`;
	return NAV_ENTRIES.find((e) => e.hash === null && e.path === path) ?? null;
}
