import {
	builtinTools,
	type BuiltinToolsOptions,
	type WorkspaceChunk,
	type WorkspaceDocumentSummary,
	type WorkspaceDocumentText,
	type WorkspaceHit,
	type WorkspaceSearchRequest,
	type WorkspaceToolsPort
} from '$lib/agents/builtin-tools.ts';
import type { Tool } from '$lib/agents/types.ts';
import { isSearchable, type DocumentRecord } from '$lib/ingest/types.ts';
import { canSee, type AccessList, type MetadataFilter, type Principal } from '$lib/search/filters/index.ts';
import type { RetrievalMode } from '$lib/search/retrieval/types.ts';
import type { LibraryApi } from '$lib/services/library-api.ts';
import { documentIdOf, documentReference } from '$lib/shared/identity.ts';
import { loadRunAs } from './run-as.ts';

/**
 * The app's {@link WorkspaceToolsPort}: the built-in agent tools over the library worker
 * (`LibraryClient.api`, or the service itself in tests), for one workspace and one principal.
 *
 * The principal is fixed when the port is made — the workspace's "Run as" (`run-as.ts`), as
 * Ask and search use it — and is never a tool argument. Search passes it as `runAs`, so the
 * worker's access lists apply in every mode; reading a chunk or a document and listing
 * documents check the same access lists here (the worker's `documentView` does not), and a
 * document the principal may not see reads exactly like one that does not exist.
 */

/** What the port needs of the library API (`Remote<LibraryApi>` fits). */
export type AgentLibraryApi = Pick<LibraryApi, 'search' | 'documentView' | 'listDocuments' | 'documentAccess'>;

/** Options of {@link createWorkspaceToolsPort}. */
export interface WorkspaceToolsPortOptions {
	/** The principal every call runs as; `null`/absent = the workspace owner (sees everything). */
	readonly runAs?: Principal | null;
	/** Retrieval modes the page has ready, the default first; default `['lexical']`. */
	readonly modes?: readonly RetrievalMode[];
}

/** The app's port over `api` for `workspaceId`; see the module comment. */
export function createWorkspaceToolsPort(
	api: AgentLibraryApi,
	workspaceId: string,
	options: WorkspaceToolsPortOptions = {}
): WorkspaceToolsPort {
	const runAs = options.runAs ?? null;
	const modes = options.modes && options.modes.length > 0 ? [...options.modes] : (['lexical'] as RetrievalMode[]);

	/** Searchable documents the principal may see, by reference (access lists read afresh each call). */
	async function visibleDocuments(): Promise<DocumentRecord[]> {
		const [docs, acls] = await Promise.all([
			api.listDocuments(workspaceId),
			runAs ? api.documentAccess(workspaceId) : Promise.resolve<Record<string, AccessList>>({})
		]);
		return docs
			.filter((d) => isSearchable(d.status) && canSee(acls[d.id], runAs))
			.sort((a, b) => compare(documentReference(a), documentReference(b)) || compare(a.id, b.id));
	}

	async function findDocument(ref: string): Promise<DocumentRecord | null> {
		const docs = await visibleDocuments();
		return docs.find((d) => documentReference(d) === ref) ?? docs.find((d) => d.id === ref) ?? null;
	}

	return {
		modes,
		async search(request: WorkspaceSearchRequest): Promise<readonly WorkspaceHit[]> {
			let documentIds: string[] | undefined;
			if (request.documentRefs && request.documentRefs.length > 0) {
				const wanted = new Set(request.documentRefs);
				documentIds = (await visibleDocuments()).filter((d) => wanted.has(documentReference(d)) || wanted.has(d.id)).map((d) => d.id);
				// None of the named documents exists (or may be seen): an empty id list would mean "all".
				if (documentIds.length === 0) return [];
			}
			const filter: MetadataFilter = {
				...(documentIds ? { documentIds } : {}),
				...(request.tags && request.tags.length > 0 ? { tags: [...request.tags] } : {})
			};
			const response = await api.search({
				workspaceId,
				query: request.query,
				topK: request.topK,
				mode: request.mode ?? modes[0]!,
				...(Object.keys(filter).length > 0 ? { filter } : {}),
				...(runAs ? { runAs: { user: runAs.user, groups: [...runAs.groups] } } : {})
			});
			return response.hits.map((h) => ({
				documentRef: h.documentRef,
				title: h.documentName,
				chunkId: h.chunkId,
				score: h.score,
				text: h.text
			}));
		},
		async readChunk(chunkId: string): Promise<WorkspaceChunk | null> {
			const doc = (await visibleDocuments()).find((d) => d.id === documentIdOf(chunkId));
			if (!doc) return null;
			const view = await api.documentView(doc.id);
			const chunk = view.chunks.find((c) => c.id === chunkId);
			if (!chunk) return null;
			return {
				chunkId,
				documentRef: documentReference(doc),
				title: doc.name,
				ordinal: chunk.ordinal,
				text: view.text.slice(chunk.startOffset, chunk.endOffset),
				startOffset: chunk.startOffset,
				endOffset: chunk.endOffset,
				headingPath: [...chunk.headingPath]
			};
		},
		async readDocument(ref: string): Promise<WorkspaceDocumentText | null> {
			const doc = await findDocument(ref);
			if (!doc) return null;
			const view = await api.documentView(doc.id);
			return { documentRef: documentReference(doc), title: doc.name, text: view.text, chunkCount: view.chunks.length };
		},
		async listDocuments(): Promise<readonly WorkspaceDocumentSummary[]> {
			return (await visibleDocuments()).map((d) => ({ documentRef: documentReference(d), title: d.name, chunkCount: d.chunkCount }));
		}
	};
}

/**
 * The built-in tools of `workspaceId` for the Agent page, running as the workspace's stored
 * "Run as" principal (`loadRunAs(storage, workspaceId)`; absent = owner).
 */
export function workspaceAgentTools(
	api: AgentLibraryApi,
	workspaceId: string,
	storage: Pick<Storage, 'getItem'>,
	options: { readonly modes?: readonly RetrievalMode[] } & BuiltinToolsOptions = {}
): Tool[] {
	const port = createWorkspaceToolsPort(api, workspaceId, {
		runAs: loadRunAs(storage, workspaceId),
		...(options.modes ? { modes: options.modes } : {})
	});
	return builtinTools(port, options.maxHitChars !== undefined ? { maxHitChars: options.maxHitChars } : {});
}

function compare(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}
