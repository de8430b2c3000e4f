/**
 * `vite preview` of the built site for the benches that drive Chromium: started without npx
 * (so `kill()` stops the server itself, not only a wrapper), and polled until it answers
 * (every 250 ms, at most `waitMs`, default 60 s) rather than given a fixed time, so a busy
 * machine only makes it slower to start.
 * @throws Error when there is no build, when the server exits (port taken), or when it does not answer in time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

export async function startPreview(port: number, waitMs = 60_000): Promise<ChildProcess> {
	if (!existsSync('build/index.html')) throw new Error('Run `npm run build` first.');
	const server = spawn(process.execPath, ['node_modules/vite/bin/vite.js', 'preview', '--port', String(port), '--strictPort'], {
		stdio: 'ignore'
	});
	for (let waited = 0; waited < waitMs; waited += 250) {
		if (server.exitCode !== null) throw new Error(`vite preview exited (${server.exitCode}): is port ${port} taken?`);
		const ok = await fetch(`http://localhost:${port}/`).then(
			(r) => r.ok,
			() => false
		);
		if (ok) return server;
		await new Promise((r) => setTimeout(r, 250));
	}
	server.kill();
	throw new Error(`vite preview did not answer on port ${port} within ${waitMs} ms`);
}
