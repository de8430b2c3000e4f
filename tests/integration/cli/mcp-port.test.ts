import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../support/cli.ts';

const cranfield = new URL('../../fixtures/datasets/cranfield', import.meta.url).pathname;
let busy: Server;

beforeAll(async () => {
	busy = createServer();
	await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
});
afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

describe('assay mcp --http on a port in use', () => {
	it('says the port is taken (exit 2), not an unexpected error with a stack', async () => {
		const port = (busy.address() as AddressInfo).port;
		const r = await runCliCaptured(['mcp', '--dataset', cranfield, '--http', String(port)]);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain(`--http ${port}: the port is already in use on 127.0.0.1 — pick another, or --http 0 for any free port`);
		expect(r.stderr).not.toContain('unexpected error');
	});
});
