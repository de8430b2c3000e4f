import { describe, expect, it } from 'vitest';
import { createFileSystem, parseOutputsFile } from '../../../../src/lib/evals/system/file-system.ts';
import type { GoldenCase } from '../../../../src/lib/evals/golden/types.ts';

const gc = (id: string): GoldenCase => ({ id, query: `query ${id}`, relevant: [], tags: [] });

describe('parseOutputsFile', () => {
	it('reads JSONL lines with string and object contexts (id, documentId or doc; text; score), skipping blank lines, BOM and CRLF', () => {
		const text =
			'\uFEFF{"id":"q1","answer":"A1","contexts":["passage one",{"id":"d1","text":"t","score":0.5}]}\r\n' +
			'\r\n' +
			'{"id":2,"answer":"A2","contexts":[{"documentId":"d2"},{"doc":"d3","title":"T"}],"usage":{"prompt_tokens":5,"completion_tokens":2},"latencyMs":12}\n';
		const parsed = parseOutputsFile(text);
		expect(parsed.errors).toEqual([]);
		expect(parsed.format).toBe('jsonl');
		expect(parsed.outputs.get('q1')).toEqual({
			id: 'q1',
			line: 1,
			answer: 'A1',
			contexts: [{ text: 'passage one' }, { documentRef: 'd1', text: 't', score: 0.5 }]
		});
		expect(parsed.outputs.get('2')).toEqual({
			id: '2',
			line: 3,
			answer: 'A2',
			contexts: [{ documentRef: 'd2' }, { documentRef: 'd3', title: 'T' }],
			usage: { inputTokens: 5, outputTokens: 2 }
		});
	});

	it('reports every bad line with its number and reason and keeps the good ones', () => {
		const text = [
			'{"id":"ok","answer":"a","contexts":[]}',
			'not json',
			'["an","array"]',
			'{"answer":"a","contexts":[]}',
			'{"id":"x","contexts":[]}',
			'{"id":"y","answer":"a"}',
			'{"id":"z","answer":"a","contexts":[{"score":1}]}',
			'{"id":"w","answer":"a","contexts":[{"id":"d","score":"high"}]}',
			'{"id":"ok","answer":"again","contexts":[]}'
		].join('\n');
		const parsed = parseOutputsFile(text);
		expect([...parsed.outputs.keys()]).toEqual(['ok']);
		expect(parsed.outputs.get('ok')!.answer).toBe('a');
		expect(parsed.errors.map((e) => [e.line, e.code])).toEqual([2, 3, 4, 5, 6, 7, 8, 9].map((l) => [l, 'RESULTS_FILE_INVALID']));
		const m = parsed.errors.map((e) => e.message);
		expect(m[0]).toBe('line 2: not JSON: "not json"');
		expect(m[1]).toContain('line 3: expected an object');
		expect(m[2]).toContain('line 4: "id" must be the golden case id (a string or number), found nothing');
		expect(m[3]).toContain('line 5: "answer" must be the answer text (a string), found nothing');
		expect(m[4]).toContain('line 6: "contexts" must be an array');
		expect(m[5]).toContain('line 7: contexts[0]: the context has neither a document id');
		expect(m[6]).toContain('line 8: contexts[0]: score should be a finite number, found "high"');
		expect(m[7]).toBe('line 9: duplicate id "ok" (first on line 1); each case may have one output — this line is ignored.');
	});

	it('accepts a JSON array of the same objects, numbering items', () => {
		const parsed = parseOutputsFile('[{"id":"a","answer":"x","contexts":["t"]}, {"id":"b","answer":1,"contexts":[]}]');
		expect(parsed.format).toBe('json-array');
		expect([...parsed.outputs.keys()]).toEqual(['a']);
		expect(parsed.errors).toEqual([expect.objectContaining({ line: 2, message: expect.stringContaining('item 2: "answer" must be') })]);
		expect(parseOutputsFile('[{"id":').errors).toEqual([
			expect.objectContaining({ line: 1, message: expect.stringContaining('not a JSON array') })
		]);
	});
});

describe('file system', () => {
	it('answers each case from its line, fails a case without one with SYSTEM_REQUEST_FAILED naming case and file, and lists ids outside the golden set', async () => {
		const text =
			'{"id":"q1","answer":"A1","contexts":["t"]}\n{"id":"q2","answer":7,"contexts":[]}\n{"id":"stray","answer":"s","contexts":[]}\n';
		const { system, unknownIds, parsed } = await createFileSystem({ name: 'outputs/run.jsonl', text }, [gc('q1'), gc('q2'), gc('q3')]);
		expect(system.ref).toMatchObject({
			type: 'file',
			label: 'outputs/run.jsonl',
			details: { name: 'outputs/run.jsonl', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }
		});
		expect(await system.answer({ case: gc('q1'), repeat: 1, seed: 2 })).toEqual({
			answer: 'A1',
			contexts: [{ text: 't' }],
			timings: { totalMs: 0, ttftMs: null }
		});
		await expect(system.answer({ case: gc('q3'), repeat: 0, seed: 1 })).rejects.toMatchObject({
			code: 'SYSTEM_REQUEST_FAILED',
			message: 'No output for case q3 in outputs/run.jsonl.'
		});
		await expect(system.answer({ case: gc('q2'), repeat: 0, seed: 1 })).rejects.toMatchObject({
			code: 'SYSTEM_REQUEST_FAILED',
			message: expect.stringContaining('its line 2: "answer" must be'),
			details: { line: 2 }
		});
		expect(unknownIds).toEqual([{ id: 'stray', line: 3 }]);
		expect(parsed.errors).toHaveLength(1);
	});
});
