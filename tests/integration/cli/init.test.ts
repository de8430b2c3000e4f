import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020.js';
import { parseAssayConfig } from '../../../src/lib/evals/system/config.ts';
import { parseGoldenJsonl } from '../../../src/lib/evals/golden/parse.ts';
import { runCliCaptured } from '../../support/cli.ts';

const schema = JSON.parse(readFileSync(new URL('../../../schemas/assay-config.v1.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv2020({ strict: true, strictRequired: false }).compile(schema);

describe('assay init', () => {
	it.each(['http', 'file', 'exec', 'assay'])(
		'writes a --type %s starter config that both validators accept, with "$comment" notes, and a sample golden set',
		async (type) => {
			const dir = mkdtempSync(join(tmpdir(), 'assay-init-'));
			const r = await runCliCaptured(['init', '--type', type, '--dir', dir]);
			expect(r.code, r.stderr).toBe(0);
			const config = JSON.parse(readFileSync(join(dir, 'assay.config.json'), 'utf8')) as { $comment: string[]; system: { type: string } };
			expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
			expect(() => parseAssayConfig(config)).not.toThrow();
			expect([config.system.type, config.$comment.length > 0]).toEqual([type, true]);
			const golden = parseGoldenJsonl(readFileSync(join(dir, 'golden.jsonl'), 'utf8'));
			expect([golden.cases.length, golden.errors]).toEqual([3, []]);
		}
	);

	it('refuses to overwrite an existing file and writes nothing', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'assay-init-'));
		writeFileSync(join(dir, 'golden.jsonl'), 'mine\n');
		const r = await runCliCaptured(['init', '--dir', dir]);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain('golden.jsonl already exists; assay init never overwrites');
		expect(readFileSync(join(dir, 'golden.jsonl'), 'utf8')).toBe('mine\n');
		expect(() => readFileSync(join(dir, 'assay.config.json'))).toThrow();
	});
});

describe('assay --help', () => {
	it('lists init and the --config form of eval, with its exit codes', async () => {
		const r = await runCliCaptured(['--help']);
		expect(r.stdout).toMatch(/^ {2}init {4}write a starter eval config/m);
		expect(r.stdout).toContain('assay eval --config <file> [--out <dir>] [--baseline <report.json>]');
		expect(r.stdout).toContain('exit 0 pass, 1 gate failed, 2 unusable config or input, 3 system or judge unreachable');
		const help = await runCliCaptured(['eval', '--help']);
		expect(help.stdout).toMatch(/3 {2}the system under test or the judge was unreachable/);
	});
});
