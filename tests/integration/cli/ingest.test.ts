import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../support/cli.ts';
import { flow, makeDocx, makePdf } from '../../support/ingest-fixtures.ts';

const work = mkdtempSync(join(tmpdir(), 'assay-ingest-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(...argv: string[]) {
	return runCliCaptured(argv);
}

async function corpus(): Promise<string> {
	const dir = join(work, 'corpus');
	mkdirSync(join(dir, 'sub'), { recursive: true });
	writeFileSync(join(dir, 'report.pdf'), await makePdf([flow(72, 700, ['First page.']), flow(72, 700, ['Second page.'])]));
	writeFileSync(join(dir, 'sub', 'guide.docx'), await makeDocx([{ h1: 'Guide' }, { p: 'Body text.' }]));
	copyFileSync('tests/fixtures/cases/enc-01-legacy-encodings/input-euc-kr.txt', join(dir, 'sub', 'korean.txt'));
	writeFileSync(join(dir, 'broken.json'), '{nope');
	writeFileSync(join(dir, '.hidden.txt'), 'skipped');
	return dir;
}

describe('assay ingest', () => {
	it('writes one JSON line per chunk with pages, headings and encodings, walking folders in path order', async () => {
		const dir = await corpus();
		const out = join(work, 'chunks.jsonl');
		const result = await run('ingest', dir, '--out', out);
		expect(result.code).toBe(0);
		const lines = readFileSync(out, 'utf8')
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l));
		expect(lines.map((l) => [l.id, l.pageStart ?? null, l.headingPath])).toEqual([
			['corpus/report.pdf#0', 1, []],
			['corpus/report.pdf#1', 2, []],
			['corpus/sub/guide.docx#0', null, ['Guide']],
			['corpus/sub/korean.txt#0', null, []]
		]);
		expect(lines[3].encoding).toBe('euc-kr');
		expect(lines[3].text).toContain('검색 색인은');
	});

	it('reports counts per status and the reason for each failed file on stderr, and in --report', async () => {
		const dir = await corpus();
		const report = join(work, 'report.json');
		const result = await run('ingest', dir, '--out', join(work, 'c2.jsonl'), '--report', report);
		expect(result.stderr).toContain('4 file(s), 4 chunk(s): ready 3, ready-with-warnings 0, needs-ocr 0, failed 1, unsupported 0');
		expect(result.stderr).toContain('corpus/broken.json: failed — FILE_PARSE');
		expect(JSON.parse(readFileSync(report, 'utf8')).files.map((f: { status: string }) => f.status)).toEqual([
			'failed',
			'ready',
			'ready',
			'ready'
		]);
	});

	it('prints file names with bidi and control characters escaped in its stderr summary (the JSON keeps them as they are)', async () => {
		const dir = join(work, 'bidi');
		mkdirSync(dir, { recursive: true });
		writeFileSync(join(dir, 'invoice\u202Efdp.json'), '{nope');
		const result = await run('ingest', dir, '--out', join(work, 'bidi.jsonl'), '--report', join(work, 'bidi.json'));
		expect(result.stderr).toContain('bidi/invoice<U+202E>fdp.json: failed — FILE_PARSE');
		expect(result.stderr).not.toContain('\u202E');
		expect(JSON.parse(readFileSync(join(work, 'bidi.json'), 'utf8')).files[0].path).toBe('bidi/invoice\u202Efdp.json');
	});

	it('reads unknown text files with --as-text, .gz by the inner name, and drops hidden HTML text unless --hidden-text flag', async () => {
		const dir = join(work, 'more');
		mkdirSync(dir, { recursive: true });
		writeFileSync(join(dir, 'LICENSE'), 'Permission is granted to walruses.\n');
		writeFileSync(join(dir, 'notes.md.gz'), gzipSync(new TextEncoder().encode('# Notes\n\nOtters hold hands.\n')));
		copyFileSync('tests/fixtures/cases/sec-02-prompt-injection/input.html', join(dir, 'policy.html'));
		const read = async (...flags: string[]) => {
			const out = join(work, `more-${flags.join('')}.jsonl`);
			expect((await run('ingest', dir, '--out', out, ...flags)).code).toBe(0);
			return readFileSync(out, 'utf8')
				.trim()
				.split('\n')
				.map((l) => JSON.parse(l) as { path: string; text: string; headingPath: string[] });
		};
		const plain = await read();
		expect(plain.map((l) => l.path)).toEqual(['more/notes.md.gz', 'more/policy.html']);
		expect(plain[0]!.headingPath).toEqual(['Notes']);
		expect(plain[1]!.text).not.toContain('ORCHID-7731');
		const all = await read('--as-text', '--hidden-text', 'flag');
		expect(all.map((l) => l.path)).toEqual(['more/LICENSE', 'more/notes.md.gz', 'more/policy.html']);
		expect(all[2]!.text).toContain('ORCHID-7731');
	});

	it('prints its usage with --help and -h, exit codes included', async () => {
		for (const flag of ['--help', '-h']) {
			const r = await run('ingest', flag);
			expect(r.code).toBe(0);
			expect(r.stdout).toContain('Usage: assay ingest');
			expect(r.stdout).toContain('Exit codes: 0 when the chunks were written');
		}
	});

	it('tells the command-line user to pass --as-text for a file that looks like text', async () => {
		const dir = join(work, 'unknown-type');
		mkdirSync(dir, { recursive: true });
		writeFileSync(join(dir, 'NOTICE'), 'Walruses may be quoted.\n');
		const r = await run('ingest', dir, '--out', join(work, 'unknown-type.jsonl'));
		expect(r.code).toBe(0);
		expect(r.stderr).toContain('--as-text in the CLI');
	});

	it('rejects a call without --out as a usage error', async () => {
		expect((await run('ingest', work)).code).toBe(2);
	});
});

describe('assay ingest on Markdown with overlap it cannot apply and an unterminated fence', () => {
	it('writes overlapChars per chunk, counts the shortfalls, and warns about the unclosed fence', async () => {
		const dir = join(work, 'md');
		mkdirSync(dir, { recursive: true });
		// After a code fence, overlap never reaches back into it: the chunk after the fence has none.
		writeFileSync(
			join(dir, 'a.md'),
			'Intro words here.\n\n```\ncode line\n```\nAfter the fence comes a long paragraph of prose text.\n\n```js\nnever closed\n'
		);
		const out = join(work, 'md.jsonl');
		const report = join(work, 'md-report.json');
		const result = await run('ingest', dir, '--out', out, '--report', report, '--chunk-size', '40', '--overlap', '20');
		expect(result.code).toBe(0);
		const lines = readFileSync(out, 'utf8')
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l) as { overlapChars?: number; startOffset: number; endOffset: number });
		expect(lines[0]!.overlapChars).toBeUndefined();
		for (let i = 1; i < lines.length; i++)
			expect(lines[i]!.overlapChars).toBe(Math.max(0, lines[i - 1]!.endOffset - lines[i]!.startOffset));
		expect(lines[1]!.overlapChars).toBe(0);
		const file = (
			JSON.parse(readFileSync(report, 'utf8')) as { files: { status: string; overlapShortfalls?: number; warnings?: { kind: string }[] }[] }
		).files[0]!;
		expect(file.overlapShortfalls).toBeGreaterThanOrEqual(1);
		expect(file.status).toBe('ready-with-warnings');
		expect(file.warnings?.map((w) => w.kind)).toEqual(['unterminated-code-fence']);
		expect(result.stderr).toMatch(/chunk\(s\) with less than half the requested overlap/);
		expect(result.stderr).toContain('never closed');
	});
});
