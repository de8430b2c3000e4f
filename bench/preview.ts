/**
 * `vite preview` of the built site for the benches that drive Chromium: started without npx
 * (so `kill()` stops the server itself, not only a wrapper), given 3 s to listen.
 * @throws Error when there is no build, or when the server exited (port taken).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

export async function startPreview(port: number): Promise<ChildProcess> {
	if (!existsSync('build/index.html')) throw new Error('Run `npm run build` first.');
	const server = spawn(process.execPath, ['node_modules/vite/bin/vite.js', 'preview', '--port', String(port), '--strictPort'], {
		stdio: 'ignore'
	});
	await new Promise((r) => setTimeout(r, 3000));
	if (server.exitCode !== null) throw new Error(`vite preview exited (${server.exitCode}): is port ${port} taken?`);
	return server;
}
