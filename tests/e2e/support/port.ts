import { execFileSync } from 'node:child_process';

/**
 * The port the e2e server listens on: `ASSAY_E2E_PORT` when set, else a port that is free
 * now, picked once and written back to `ASSAY_E2E_PORT` so Playwright's worker processes
 * (which load this config again and inherit the environment) agree on it.
 * @returns an integer in 1–65535
 * @throws Error when `ASSAY_E2E_PORT` is set but not a port number
 */
export function e2ePort(): number {
	const fromEnv = process.env.ASSAY_E2E_PORT;
	if (fromEnv) {
		const port = Number(fromEnv);
		if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`ASSAY_E2E_PORT=${fromEnv} is not a port number (1–65535)`);
		return port;
	}
	// Playwright reads its config synchronously, so ask a child process to bind port 0.
	const script =
		"const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
	const port = Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
	process.env.ASSAY_E2E_PORT = String(port);
	return port;
}
