import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DATASET = join(import.meta.dirname, '..', '..', 'fixtures', 'datasets', 'cranfield');

/** One Cranfield document as the e2e tests write it: `<id>.txt` = title, blank line, text. */
export interface CranfieldDoc {
	readonly id: string;
	readonly title: string;
	readonly text: string;
}

/** The vendored Cranfield corpus (1400 documents). */
export function cranfieldDocs(): CranfieldDoc[] {
	return readFileSync(join(DATASET, 'corpus.jsonl'), 'utf8')
		.split('\n')
		.filter((l) => l.trim())
		.map((l) => {
			const d = JSON.parse(l) as { _id: string; title: string; text: string };
			return { id: d._id, title: d.title, text: d.text };
		});
}

/** Cranfield queries by id. */
export function cranfieldQueries(): Map<string, string> {
	const out = new Map<string, string>();
	for (const l of readFileSync(join(DATASET, 'queries.jsonl'), 'utf8').split('\n')) {
		if (!l.trim()) continue;
		const q = JSON.parse(l) as { _id: string; text: string };
		out.set(q._id, q.text);
	}
	return out;
}

/** Relevant document ids (grade > 0) for a query. */
export function cranfieldRelevant(queryId: string): Set<string> {
	const out = new Set<string>();
	for (const line of readFileSync(join(DATASET, 'qrels.tsv'), 'utf8').split('\n').slice(1)) {
		const [q, d, g] = line.split('\t');
		if (q === queryId && Number(g) > 0) out.add(d!);
	}
	return out;
}

/**
 * Write every document as a file in a new folder `<tmp>/cranfield/` and return that folder.
 * Two documents (471, 995) are empty in the collection and become empty files.
 */
export function writeCranfieldFolder(): string {
	const root = mkdtempSync(join(tmpdir(), 'assay-e2e-'));
	const dir = join(root, 'cranfield');
	mkdirSync(dir);
	for (const doc of cranfieldDocs()) {
		const body = doc.title || doc.text ? `${doc.title}\n\n${doc.text}\n` : '';
		writeFileSync(join(dir, `${doc.id}.txt`), body);
	}
	return dir;
}
