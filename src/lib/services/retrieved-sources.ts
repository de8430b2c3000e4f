import type { RetrievedSource } from '../evals/answers/run.ts';
import type { AnswerRunRecord } from '../evals/answers/types.ts';
import type { RetrievalMode } from '../search/retrieval/index.ts';
import type { SearchRequest, SearchResponse } from './library-api.ts';

/**
 * Search hits as prompt sources, for the ask page and answer runs. Every caller goes through
 * the library's one search entry point, so filters and the principal's access lists apply to
 * what reaches a prompt exactly as they apply to the search page.
 * Title = document name › heading path; score = the mode's final score; text = the parent span's
 * text when the search expanded hits (parent-document retrieval), else the chunk's.
 */
export async function searchSources(
	search: (request: SearchRequest) => Promise<SearchResponse>,
	request: SearchRequest
): Promise<RetrievedSource[]> {
	const res = await search(request);
	return res.hits.map((h) => ({
		chunkId: h.chunkId,
		documentId: h.documentId,
		documentRef: h.documentRef,
		score: h.score,
		title: [h.documentName, ...h.headingPath].join(' › '),
		text: h.parent?.text ?? h.text
	}));
}

/** The retrieval of an answer run: its workspace, mode, top-k and run-as principal (`config.runAs`, absent = owner). */
export function answerRunRetriever(
	search: (request: SearchRequest) => Promise<SearchResponse>,
	run: Pick<AnswerRunRecord, 'workspaceId' | 'config'>
): (query: string) => Promise<RetrievedSource[]> {
	const runAs = run.config.runAs;
	return (query) =>
		searchSources(search, {
			workspaceId: run.workspaceId,
			query,
			topK: run.config.topK,
			mode: run.config.mode as RetrievalMode,
			...(runAs ? { runAs: { user: runAs.user, groups: [...runAs.groups] } } : {})
		});
}
