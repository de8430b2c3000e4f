import { describe, expect, it } from 'vitest';
import { parseBeirCorpus, parseBeirQueries } from '../../../src/lib/evals/datasets/beir.ts';

describe('parseBeirCorpus', () => {
	it('reads _id, title and text; a missing title becomes empty and numeric ids keep their digits', () => {
		const corpus = parseBeirCorpus('{"_id": "1", "title": "T", "text": "x", "metadata": {}}\n{"_id": 2, "text": "y"}\n');
		expect(corpus).toEqual([
			{ id: '1', title: 'T', text: 'x' },
			{ id: '2', title: '', text: 'y' }
		]);
	});

	it('accepts a BOM, CRLF line ends and blank lines', () => {
		expect(parseBeirCorpus('\uFEFF{"_id":"a","text":"x"}\r\n\r\n{"_id":"b","text":"y"}\r\n').map((d) => d.id)).toEqual(['a', 'b']);
	});

	it('reports malformed JSON with the file name and line number', () => {
		expect(() => parseBeirCorpus('{"_id":"a","text":"x"}\n\n{"_id": "b", "text": }\n', 'corpus.jsonl')).toThrow(
			expect.objectContaining({ code: 'DATASET_INVALID', message: expect.stringMatching(/^corpus.jsonl line 3: not valid JSON/) })
		);
	});

	it('reports a missing field, a wrong type and a repeated id with the line number', () => {
		expect(() => parseBeirCorpus('{"_id":"a"}\n')).toThrow('corpus.jsonl line 1: missing "text"');
		expect(() => parseBeirCorpus('{"_id":"a","text":5}\n')).toThrow('corpus.jsonl line 1: "text" must be a string, found number');
		expect(() => parseBeirCorpus('{"_id":"a","text":""}\n{"_id":"a","text":""}\n')).toThrow(
			'corpus.jsonl line 2: document "a" appears twice'
		);
		expect(() => parseBeirCorpus('[1, 2]\n')).toThrow('corpus.jsonl line 1: expected a JSON object');
	});
});

describe('parseBeirQueries', () => {
	it('reads _id and text and ignores metadata', () => {
		expect(parseBeirQueries('{"_id":"1","text":"what","metadata":{"original_I":"001"}}\n')).toEqual([{ id: '1', text: 'what' }]);
	});

	it('reports a query without text with its line number', () => {
		expect(() => parseBeirQueries('{"_id":"1","text":"a"}\n{"_id":"2"}\n', 'queries.jsonl')).toThrow(
			'queries.jsonl line 2: missing "text"'
		);
	});
});
