import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { e2ePort } from '../../e2e/support/port.ts';

const saved = process.env.ASSAY_E2E_PORT;
afterEach(() => {
	if (saved === undefined) delete process.env.ASSAY_E2E_PORT;
	else process.env.ASSAY_E2E_PORT = saved;
});

/** Resolves once a server could listen on `port` (it is free), rejects if it is taken. */
function listenOnce(port: number): Promise<void> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
	});
}

describe('e2e port', () => {
	it('takes ASSAY_E2E_PORT when it is set', () => {
		process.env.ASSAY_E2E_PORT = '4312';
		expect(e2ePort()).toBe(4312);
	});

	it('refuses an ASSAY_E2E_PORT that is not a port number', () => {
		process.env.ASSAY_E2E_PORT = '70000';
		expect(() => e2ePort()).toThrow('ASSAY_E2E_PORT=70000 is not a port number');
	});

	it('picks a port that is free when unset and writes it back for the worker processes', async () => {
		delete process.env.ASSAY_E2E_PORT;
		const port = e2ePort();
		expect(process.env.ASSAY_E2E_PORT).toBe(String(port));
		await listenOnce(port);
	});
});
