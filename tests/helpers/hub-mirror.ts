// A local server laid out as the Hugging Face Hub serves model files (GET /<owner>/<name>/resolve/<revision>/<file>),
// serving model folders from disk: the network edge the embedded model's download path crosses,
// which tests cannot reach. It records what was asked for and can be switched off mid-test.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface HubMirror {
	url: string;
	requests: string[];
	close(): Promise<void>;
}

/** Serves `repos` (Hub id → local folder). Anything else is a 404, as the Hub answers. */
export async function startHubMirror(repos: Record<string, string>): Promise<HubMirror> {
	const requests: string[] = [];
	const server: Server = createServer((req, res) => {
		const path = decodeURIComponent(new URL(req.url ?? '/', 'http://mirror').pathname);
		requests.push(`${req.method} ${path}`);
		const match = /^\/([\w.-]+\/[\w.-]+)\/resolve\/[\w.-]+\/(.+)$/.exec(path);
		const folder = match ? repos[match[1]!] : undefined;
		const file = folder && !match![2]!.split('/').includes('..') ? join(folder, match![2]!) : null;
		if (!file || !existsSync(file) || !statSync(file).isFile()) {
			res.writeHead(404, { 'content-type': 'text/plain' }).end('Entry not found');
			return;
		}
		res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': statSync(file).size });
		if (req.method === 'HEAD') return res.end();
		createReadStream(file).pipe(res);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/`,
		requests,
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}
