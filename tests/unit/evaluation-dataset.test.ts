// Where a benchmark comes from: only one of the benchmarks offered (the shipped HumanEval, first and
// the default; the JSONL files in the datasets folder; the datasets server where a site admin allowed
// it); URLs only on hosts a site admin allowed (none by default), a redirect followed only to another
// allowed host, the body read as a stream and cut off past its cap (a declared length over it refused
// before reading), a gzip that unpacks too large refused; each failure says what went wrong in words.
// Loopback HTTP servers stand in for the hosts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DatasetError, HUMANEVAL_ROWS_URL, loadProblems } from '$lib/server/evaluation/dataset';
import { download } from '$lib/server/evaluation/download';
import { chosenBenchmark, listBenchmarks, SHIPPED_HUMANEVAL_PATH } from '$lib/server/evaluation/benchmarks';
import { configureEvaluation, evaluationSettings } from '$lib/server/evaluation/settings';

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

describe('which benchmarks are offered', () => {
	const ids = async () => (await listBenchmarks()).map((b) => b.id);

	it('ships HumanEval with its licence: offered first, the default, its 164 problems readable with no setting at all', async () => {
		configureEvaluation({ datasetHosts: [], datasetsDir: join(datasets, 'no-such-folder') });
		expect(SHIPPED_HUMANEVAL_PATH).toBe(resolve('datasets', 'HumanEval.jsonl.gz'));
		expect(existsSync(join(dirname(SHIPPED_HUMANEVAL_PATH), 'HumanEval.LICENSE'))).toBe(true);
		expect(await ids()).toEqual(['humaneval']);
		const chosen = await chosenBenchmark('');
		expect(chosen).toMatchObject({ id: 'humaneval', location: SHIPPED_HUMANEVAL_PATH, label: 'HumanEval', kind: 'humaneval' });
		expect(await loadProblems(chosen.location, chosen.label)).toHaveLength(164);
	});

	it('the container image carries the shipped folder, licence included', () => {
		expect(readFileSync('Dockerfile', 'utf8')).toMatch(/^COPY --from=build \S+ \/app\/datasets \.\/datasets$/m);
		expect(readFileSync('.dockerignore', 'utf8').split('\n').map((line) => line.trim())).not.toContain('datasets');
	});

	it('lists the JSONL files of the datasets folder by name, and the shipped file once when the folder is the shipped one', async () => {
		const folder = mkdtempSync(join(datasets, 'folder-'));
		writeFileSync(join(folder, 'small.jsonl'), JSON.stringify(problem));
		writeFileSync(join(folder, 'other-humaneval.jsonl.gz'), gzipSync(JSON.stringify(problem)));
		writeFileSync(join(folder, 'notes.txt'), 'not a benchmark');
		writeFileSync(join(folder, '.hidden.jsonl'), JSON.stringify(problem));
		mkdirSync(join(folder, 'folder.jsonl'));
		configureEvaluation({ datasetHosts: [], datasetsDir: folder });
		expect(await ids()).toEqual(['humaneval', 'file:other-humaneval.jsonl.gz', 'file:small.jsonl']);
		expect(await chosenBenchmark('file:small.jsonl')).toMatchObject({ location: join(folder, 'small.jsonl'), label: 'small.jsonl', kind: 'custom' });
		expect((await chosenBenchmark('file:other-humaneval.jsonl.gz')).kind).toBe('humaneval');
		// The default setting, ./datasets: the shipped folder itself.
		configureEvaluation({ datasetsDir: './datasets' });
		expect(await ids()).toEqual(['humaneval']);
	});

	it('refuses anything not offered: paths, URLs, other files, the datasets server unless a site admin allowed it', async () => {
		configureEvaluation({ datasetHosts: ['evil.example'], datasetsDir: datasets });
		writeFileSync(join(datasets, 'notes.txt'), 'not a benchmark');
		for (const id of ['../../etc/passwd', '/etc/passwd', 'file:../outside.jsonl', 'file:/etc/passwd', 'file:notes.txt', 'https://evil.example/x.jsonl', HUMANEVAL_ROWS_URL, 'hub:humaneval', 'HumanEval.jsonl.gz']) {
			await expect(chosenBenchmark(id), id).rejects.toMatchObject({ status: 400, field: 'dataset', message: 'Choose one of the benchmarks offered.' });
		}
	});

	it('offers HumanEval from the datasets server, last, where a site admin allowed its host', async () => {
		configureEvaluation({ datasetHosts: ['datasets-server.huggingface.co'], datasetsDir: join(datasets, 'no-such-folder') });
		expect(await ids()).toEqual(['humaneval', 'hub:humaneval']);
		expect(await chosenBenchmark('hub:humaneval')).toMatchObject({ location: HUMANEVAL_ROWS_URL, kind: 'humaneval' });
		expect((await chosenBenchmark('')).id).toBe('humaneval');
	});
});

describe('what a benchmark that cannot be used says', () => {
	it('a missing file, a line that is not JSON, a problem without its prompt', async () => {
		await expect(loadProblems(join(datasets, 'gone.jsonl'), 'gone.jsonl')).rejects.toThrow('gone.jsonl could not be read: its file is missing.');
		writeFileSync(join(datasets, 'broken.jsonl'), `${JSON.stringify(problem)}\n{oops\n`);
		await expect(loadProblems(join(datasets, 'broken.jsonl'), 'broken.jsonl')).rejects.toThrow('broken.jsonl is malformed: line 2 is not JSON.');
		writeFileSync(join(datasets, 'partial.jsonl'), JSON.stringify({ ...problem, prompt: undefined }));
		await expect(loadProblems(join(datasets, 'partial.jsonl'), 'partial.jsonl')).rejects.toThrow('partial.jsonl is malformed: line 1 has no “prompt”.');
	});

	it('a host that refuses the connection or the download', async () => {
		const closed = await startHost();
		await new Promise((done) => closed.server.close(done));
		await expect(loadProblems(`http://${closed.host}/p.jsonl`, 'p', [closed.host])).rejects.toThrow(`${closed.host} could not be reached (connection refused).`);
		allowed.answer = (_req, res) => res.writeHead(403).end();
		await expect(loadProblems(`http://${allowed.host}/p.jsonl`, 'p', [allowed.host])).rejects.toThrow(`${allowed.host} refused the download (HTTP 403).`);
	});
});

describe('downloading a benchmark', () => {
	it('reads the datasets server’s rows API page by page, from an allowed host', async () => {
		// The network edge: a local server answering as datasets-server.huggingface.co/rows does.
		const rows = Array.from({ length: 130 }, (_, i) => ({ ...problem, task_id: `t/${i}` }));
		allowed.answer = (req, res) => {
			const url = new URL(req.url!, 'http://x');
			const offset = Number(url.searchParams.get('offset'));
			const length = Number(url.searchParams.get('length'));
			const page = rows.slice(offset, offset + length).map((row, i) => ({ row_idx: offset + i, row, truncated_cells: [] }));
			res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ features: [], rows: page, num_rows_total: rows.length, partial: false }));
		};
		allowed.requests.length = 0;
		const rowsUrl = new URL(HUMANEVAL_ROWS_URL);
		const address = `http://${allowed.host}/rows${rowsUrl.search}`;
		expect(await loadProblems(address, 'HumanEval', [allowed.host])).toEqual(rows);
		expect(allowed.requests.map((path) => new URL(path, 'http://x').searchParams).map((q) => [q.get('dataset'), q.get('offset'), q.get('length')])).toEqual([
			['openai/openai_humaneval', '0', '100'],
			['openai/openai_humaneval', '100', '100']
		]);
	});

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
		await expect(loadProblems(join(datasets, 'missing.jsonl'), 'missing.jsonl')).rejects.toThrow(/its file is missing/);
	});
});
