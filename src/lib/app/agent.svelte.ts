import { AssayError } from '$lib/shared/errors.ts';
import { capturesContent, recordTrace } from './traces/prefs.ts';
import type { ChatModel } from '$lib/generation/index.ts';
import { BasicTracer, InMemorySpanSink, type SpanRecord } from '$lib/tracing/index.ts';
import { annotateRoot, CONTENT_ATTR, retrievalDocumentsAttribute } from '$lib/tracing/content.ts';
import { recordFeedback, type Rating } from './feedback.ts';
import { DEFAULT_AGENT_LIMITS, runAgent } from '$lib/agents/loop.ts';
import { ManualApprovals, type PendingApproval } from '$lib/agents/approval.ts';
import type { AgentLimits, AgentRun, Tool, ToolDefinition } from '$lib/agents/types.ts';
import { OpenAiChatModel } from '$lib/adapters/openai-chat.ts';
import { CfworkerSchemaValidator } from '$lib/adapters/json-schema-validator.ts';
import { workspaceAgentTools } from './agent-tools.ts';
import { McpServers } from './mcp-servers.svelte.ts';
import type { AppCore } from './app-core.svelte.ts';
import { describe } from './describe.ts';
import { AnsweringDesk } from './answering-desk.svelte.ts';
import { openAiEndpointOf, validateEndpoint, type EndpointSettings } from './ask-endpoint.ts';
import { applyAgentEvent, emptyTrajectory, parseEditedArguments, type TrajectoryView } from './agent-view.ts';

/**
 * Where the Agent page's tools come from: the built-in workspace tools (searching as the
 * workspace's run-as principal) and the MCP tools the user enabled. One seam, so the page wires
 * each source in one line; read again whenever the tool list is refreshed and before each run.
 */
export interface AgentToolSources {
	/** The built-in tools over `workspaceId`, running as its stored "Run as" principal (absent = the owner). */
	builtin(app: AppCore, workspaceId: string): readonly Tool[];
	/** The MCP tools enabled on the page's MCP servers panel. */
	mcp(): readonly Tool[];
}

/** No tools (for tests of the desk alone). */
export const NO_TOOL_SOURCES: AgentToolSources = { builtin: () => [], mcp: () => [] };

/**
 * The app's built-in tools: the workspace tools over the library worker, as the workspace's stored
 * Run-as principal (lexical search: the dense modes need the model worker, which this page does not start).
 */
export const appBuiltinTools: AgentToolSources['builtin'] = (app, workspaceId) => workspaceAgentTools(app.api, workspaceId, localStorage);

/** One run as the page shows it: the live trajectory, then the finished run record and its spans. */
export interface AgentRunState {
	task: string;
	modelId: string;
	trajectory: TrajectoryView;
	/** Set when the run ended. */
	run: AgentRun | null;
	spans: SpanRecord[];
	/** A problem before the run could start (endpoint settings, no model loaded). */
	error: { code: string; message: string } | null;
	/** Epoch ms when it started (for the live elapsed time). */
	startedAtMs: number;
}

/**
 * State and actions of the Agent page (Svelte 5 runes): a task, the answering role's model
 * (endpoint profile or in-browser model, as Ask), editable loop limits, the tools with a checkbox
 * each, a run with `runAgent` (calls validated by {@link CfworkerSchemaValidator}), stop (the run
 * ends `cancelled`), the live trajectory, an approval queue for side-effecting calls (approve,
 * edit the arguments, deny with a note), and the finished run with its spans. A view over the
 * app context, like the Ask page.
 */
export class AgentDesk extends AnsweringDesk {
	#recorded: Promise<unknown> = Promise.resolve();
	task = $state('');
	limits = $state<AgentLimits>({ ...DEFAULT_AGENT_LIMITS });
	/** Every tool offered now (built-in first, then MCP): follows the workspace and the enabled MCP tools. */
	readonly tools: readonly Tool[] = $derived(this.offeredTools());
	/** Names the user unticked (a tool is on unless named here). */
	disabled = $state<Record<string, boolean>>({});
	current = $state<AgentRunState | null>(null);
	/** Side-effecting calls waiting for a person, oldest first. */
	pending = $state.raw<PendingApproval[]>([]);
	running = $state(false);

	readonly validator = new CfworkerSchemaValidator();
	private abort: AbortController | null = null;
	private approvals: ManualApprovals | null = null;

	/** The workspace's MCP servers (the page's MCP servers panel); their enabled tools join the tool list. */
	readonly mcp: McpServers;
	private readonly sources: AgentToolSources;

	/** `sources` default: the app's built-in tools and the enabled tools of {@link mcp}. */
	constructor(app: AppCore, sources?: AgentToolSources, mcp: McpServers = new McpServers()) {
		super(app);
		this.mcp = mcp;
		this.sources = sources ?? { builtin: appBuiltinTools, mcp: () => this.mcp.enabledTools() };
	}

	/** The tools a run gets now: offered and ticked. */
	selectedTools(): Tool[] {
		return this.offeredTools().filter((t) => !this.disabled[t.definition.name]);
	}

	/** Open the workspace and its MCP servers. */
	protected override async openWorkspace(id: string): Promise<void> {
		await Promise.all([super.openWorkspace(id), this.mcp.load(id)]);
	}

	/** The tools the sources offer now (read afresh for each run: the run-as principal may have changed). */
	private offeredTools(): Tool[] {
		const workspaceId = this.workspaceId;
		let builtin: readonly Tool[] = [];
		try {
			if (workspaceId) builtin = this.sources.builtin(this.app, workspaceId);
		} catch {
			// The library worker is not started yet: the tools come once the page has started it.
		}
		return [...builtin, ...this.sources.mcp()];
	}

	/** Tick or untick a tool. */
	setEnabled(name: string, on: boolean): void {
		if (on) delete this.disabled[name];
		else this.disabled[name] = true;
	}

	/** Run the task; the trajectory fills in as the model works. */
	async run(): Promise<void> {
		const task = this.task.trim();
		if (task === '' || this.running) return;
		const endpoint = this.endpointSnapshot();
		this.current = {
			task,
			modelId: '',
			trajectory: emptyTrajectory(),
			run: null,
			spans: [],
			error: null,
			startedAtMs: Date.now()
		};
		const live = this.current;
		let model: ChatModel;
		try {
			model = this.chatModel(endpoint);
		} catch (error) {
			live.error = { code: error instanceof AssayError ? error.code : 'INTERNAL', message: describe(error) };
			return;
		}
		live.modelId = model.modelId;
		this.running = true;
		this.abort = new AbortController();
		const approvals = new ManualApprovals('user', () => (this.pending = approvals.pending()));
		this.approvals = approvals;
		const sink = new InMemorySpanSink();
		const workspaceId = this.workspaceId;
		try {
			live.run = await runAgent({
				captureContent: capturesContent(workspaceId),
				task,
				model,
				tools: this.selectedTools(),
				approval: approvals,
				validator: this.validator,
				limits: $state.snapshot(this.limits),
				tracer: new BasicTracer([sink]),
				signal: this.abort.signal,
				onEvent: (e) => applyAgentEvent(live.trajectory, e)
			});
		} catch (error) {
			live.error = { code: error instanceof AssayError ? error.code : 'INTERNAL', message: describe(error) };
		} finally {
			// The root span keeps the task and the answer (and the documents the tools returned) for feedback and Failures.
			live.spans = annotateRoot(sink.spans, {
				[CONTENT_ATTR.agentTask]: task,
				...(live.run?.answer ? { [CONTENT_ATTR.agentAnswer]: live.run.answer } : {}),
				...(live.run && live.run.documentRefs.length > 0
					? {
							[CONTENT_ATTR.retrievalDocuments]: retrievalDocumentsAttribute(
								live.run.documentRefs.map((id) => ({ id, title: null, score: null }))
							)
						}
					: {})
			});
			this.#recorded = recordTrace(this.app.api, live.spans, workspaceId);
			this.running = false;
			this.abort = null;
			this.approvals = null;
			this.pending = [];
		}
	}

	/** 👍/👎 with a note on the current run's result, stored on its trace's root span. */
	async giveFeedback(rating: Rating, note: string): Promise<void> {
		if (!this.current) throw new AssayError('NOT_FOUND', 'There is no agent result to give feedback on.');
		await recordFeedback(this.app.api, $state.snapshot(this.current.spans) as SpanRecord[], rating, note, this.#recorded);
	}

	/** Stop the run: a waiting approval settles as denied and the run ends `cancelled`. */
	stop(): void {
		this.abort?.abort();
	}

	/** Run the waiting call as the model made it. */
	approve(callId: string): void {
		this.approvals?.approve(callId);
	}

	/**
	 * Run the waiting call with arguments a person edited (JSON text), validated against the
	 * tool's schema first. @returns the problems when the text is not valid (nothing is decided then).
	 */
	approveEdited(callId: string, argumentsText: string, tool: ToolDefinition): string[] {
		const parsed = parseEditedArguments(argumentsText, tool, this.validator);
		if (!parsed.ok) return parsed.problems;
		this.approvals?.edit(callId, parsed.arguments);
		return [];
	}

	/** Do not run the waiting call; the model is told it was denied, with `note`. */
	deny(callId: string, note: string): void {
		this.approvals?.deny(callId, note.trim() || undefined);
	}

	/** The answering role's endpoint settings as they are now (a plain copy). */
	endpointSnapshot(): EndpointSettings {
		return $state.snapshot(this.endpoint);
	}

	/**
	 * The model a run uses: the endpoint profile's (validated, then the profiles are saved) or the
	 * loaded in-browser model.
	 * @throws AssayError `CONFIG_INVALID` for endpoint settings that cannot work, `MODEL_UNKNOWN` when no in-browser model is loaded.
	 */
	chatModel(endpoint: EndpointSettings = this.endpointSnapshot()): ChatModel {
		if (this.engineKind === 'endpoint') validateEndpoint(endpoint);
		const model = this.engine(endpoint);
		this.app.profiles.save();
		return model;
	}

	private engine(endpoint: EndpointSettings): ChatModel {
		if (this.engineKind === 'webllm') {
			if (!this.llm.loaded) throw new AssayError('MODEL_UNKNOWN', 'Load an in-browser model first (Download and load).');
			return this.llm.loaded;
		}
		return new OpenAiChatModel(openAiEndpointOf(endpoint));
	}
}
