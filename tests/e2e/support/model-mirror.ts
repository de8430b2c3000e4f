import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

const MODELS = join(process.cwd(), 'tests/fixtures/models');

/** A model mirror on localhost in the hub's layout: `/<model>/resolve/main/<file>`; counts requests. */
export function startMirror(): Promise<{ server: Server; baseUrl: string; requests: string[] }> {
	const requests: string[] = [];
	const server = createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://x');
		requests.push(url.pathname);
		const match = /^\/([^/]+)\/resolve\/main\/(.+)$/.exec(url.pathname);
		const path = match ? normalize(join(MODELS, match[1]!, match[2]!)) : '';
		res.setHeader('access-control-allow-origin', '*');
		res.setHeader('access-control-expose-headers', 'content-length');
		if (!path.startsWith(MODELS) || !existsSync(path) || !statSync(path).isFile()) {
			res.writeHead(404).end('not found');
			return;
		}
		res.writeHead(200, { 'content-length': statSync(path).size, 'content-type': 'application/octet-stream' });
		createReadStream(path).pipe(res);
	});
	return new Promise((resolve) =>
		server.listen(0, '127.0.0.1', () =>
			resolve({ server, baseUrl: `http://localhost:${(server.address() as AddressInfo).port}/`, requests })
		)
	);
}
