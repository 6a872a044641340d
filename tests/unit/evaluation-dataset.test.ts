// Where a benchmark comes from: URLs only on hosts a site admin allowed (none by default), a redirect
// followed only to another allowed host, the body read as a stream and cut off past its cap (a
// declared length over it refused before reading), a gzip that unpacks too large refused. Loopback
// HTTP servers stand in for the hosts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DatasetError, HUMANEVAL_ROWS_URL, loadProblems } from '$lib/server/evaluation/dataset';
import { download } from '$lib/server/evaluation/download';
import { configureEvaluation, evaluationSettings } from '$lib/server/evaluation/settings';
import { resolveDatasetSource } from '$lib/server/evaluation/source';

const problem = { task_id: 't/0', prompt: 'def f():\n', entry_point: 'f', canonical_solution: '    return 1\n', test: 'def check(c):\n    assert c() == 1\n' };

interface Host {
	server: Server;
	host: string;
	requests: string[];
	/** Set what it answers. */
	answer: (req: IncomingMessage, res: ServerResponse) => void;
}

async function startHost(): Promise<Host> {
	const host: Host = { server: createServer((req, res) => (host.requests.push(req.url!), host.answer(req, res))), host: '', requests: [], answer: (_req, res) => res.end() };
	await new Promise<void>((resolve) => host.server.listen(0, '127.0.0.1', resolve));
	host.host = `127.0.0.1:${(host.server.address() as AddressInfo).port}`;
	return host;
}

let allowed: Host;
let other: Host;
const datasets = mkdtempSync(join(tmpdir(), 'cts-datasets-unit-'));
const configured = { ...evaluationSettings() };

beforeAll(async () => {
	[allowed, other] = await Promise.all([startHost(), startHost()]);
});
afterEach(() => configureEvaluation(configured));
afterAll(() => {
	allowed.server.close();
	other.server.close();
	rmSync(datasets, { recursive: true, force: true });
});

describe('which benchmark a field names', () => {
	it('allows no URL at all by default: downloads are a site admin’s decision', () => {
		configureEvaluation({ datasetHosts: [], datasetsDir: datasets });
		expect(evaluationSettings().datasetHosts).toEqual([]);
		for (const url of ['https://huggingface.co/datasets/x/raw/main/h.jsonl', HUMANEVAL_ROWS_URL, 'http://127.0.0.1:5432/x.jsonl']) {
			expect(() => resolveDatasetSource(url)).toThrow(/does not download benchmarks/);
		}
		// An empty field means the shipped file in the datasets folder.
		expect(resolveDatasetSource('')).toEqual({ location: join(datasets, 'HumanEval.jsonl.gz'), label: 'HumanEval.jsonl.gz' });
	});

	it('allows URLs on the hosts the admin listed, and the datasets server by default when it is one of them', () => {
		configureEvaluation({ datasetHosts: ['datasets-server.huggingface.co'], datasetsDir: datasets });
		expect(resolveDatasetSource('').location).toBe(HUMANEVAL_ROWS_URL);
		expect(() => resolveDatasetSource('https://evil.example/x.jsonl')).toThrow(/download only from datasets-server.huggingface.co/);
		expect(() => resolveDatasetSource('file:///etc/passwd')).toThrow(/http\(s\) URL or a file name/);
		expect(() => resolveDatasetSource('../outside.jsonl')).toThrow(/datasets folder/);
	});
});

describe('downloading a benchmark', () => {
	it('reads a JSONL file from an allowed host', async () => {
		allowed.answer = (_req, res) => res.end(JSON.stringify(problem));
		expect(await loadProblems(`http://${allowed.host}/p.jsonl`, 'p', [allowed.host])).toEqual([problem]);
	});

	it('follows a redirect to another allowed host, and refuses one to a host not allowed without asking it', async () => {
		other.answer = (_req, res) => res.end(JSON.stringify(problem));
		allowed.answer = (_req, res) => res.writeHead(302, { location: `http://${other.host}/moved.jsonl` }).end();
		expect(await loadProblems(`http://${allowed.host}/p.jsonl`, 'p', [allowed.host, other.host])).toEqual([problem]);
		other.requests.length = 0;
		await expect(loadProblems(`http://${allowed.host}/p.jsonl`, 'p', [allowed.host])).rejects.toThrow(/not a host benchmarks may be downloaded from/);
		expect(other.requests).toEqual([]);
		// Nor to another scheme, nor in circles.
		allowed.answer = (_req, res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end();
		await expect(download(`http://${allowed.host}/p.jsonl`, { allowedHosts: [allowed.host], maxBytes: 1024 })).rejects.toBeInstanceOf(DatasetError);
		allowed.answer = (req, res) => res.writeHead(302, { location: req.url }).end();
		await expect(download(`http://${allowed.host}/loop`, { allowedHosts: [allowed.host], maxBytes: 1024 })).rejects.toThrow(/redirected more than/);
	});

	it('refuses a body over the cap: a declared length before reading, an undeclared one as it streams', async () => {
		allowed.answer = (_req, res) => res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) }).end();
		await expect(download(`http://${allowed.host}/big`, { allowedHosts: [allowed.host], maxBytes: 1024 * 1024 })).rejects.toThrow(/over 1 MiB/);
		// Endless chunks, no length: cut off past the cap, the connection dropped.
		let sent = 0;
		let closed = false;
		allowed.answer = (_req, res) => {
			res.writeHead(200, { 'content-type': 'application/x-ndjson' });
			const chunk = Buffer.alloc(64 * 1024, 0x20);
			const pump = () => {
				while (!res.destroyed && sent < 1024 * 1024 * 1024 && res.write(chunk)) sent += chunk.length;
				if (!res.destroyed && sent < 1024 * 1024 * 1024) res.once('drain', pump);
			};
			res.on('close', () => (closed = true));
			pump();
		};
		await expect(download(`http://${allowed.host}/endless`, { allowedHosts: [allowed.host], maxBytes: 1024 * 1024 })).rejects.toThrow(/over 1 MiB/);
		await expect.poll(() => closed).toBe(true);
		expect(sent).toBeLessThan(64 * 1024 * 1024);
	});

	it('refuses a gzip that unpacks past the cap, read from the datasets folder', async () => {
		writeFileSync(join(datasets, 'bomb.jsonl.gz'), gzipSync(Buffer.alloc(60 * 1024 * 1024, 0x20)));
		await expect(loadProblems(join(datasets, 'bomb.jsonl.gz'), 'bomb.jsonl.gz')).rejects.toThrow(/unpacks to over 50 MiB/);
		await expect(loadProblems(join(datasets, 'missing.jsonl'), 'missing.jsonl')).rejects.toThrow(/no such file/);
	});
});
