// The prompt API over HTTP as programs call it: the studio's production build (`vite build` of the
// committed tree in a temporary folder, started as `node server.js` with NODE_ENV=production, as
// the Dockerfile runs it) in a process of its own, and autocannon (keep-alive connections) in this
// one driving GET /api/v1/prompts/<slug>?label=production at 1, 10 and 50 connections, then POST
// …/render. The per-token limit is raised (API_REQUESTS_PER_MINUTE, at its maximum) so the endpoint
// is measured, not the limiter; each run has a token of its own, so no run inherits another's count.
// A last short run against a second start at the default limit shows 429s with Retry-After.
// BENCH_API_SECONDS=10 sets each run's length; BENCH_API_STUDIO=<folder> uses a folder that already
// holds server.js and a current build/ instead of building.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, realpath, rm, stat, symlink } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
// @ts-expect-error autocannon ships no types (and @types/autocannon is not installed): the parts used are typed below
import autocannon from 'autocannon';
import { writeDraft, type DraftContent } from '$lib/prompt-doc';
import { promptMetaSchema } from '$lib/schemas/prompt';
import { createApiToken } from '$lib/server/api-tokens';
import { closeDatabase, prisma } from '$lib/server/db';
import { flushDrafts, unloadIdleDrafts, updateDraft } from '$lib/server/drafts';
import { createPrompt } from '$lib/server/prompts';
import { closeRedis } from '$lib/server/redis';
import { commitDraft, moveLabel } from '$lib/server/versions';
import { freePort } from '../tests/helpers/app-server';
import { newWorkspace } from '../tests/helpers/people';

const SECONDS = Number(process.env.BENCH_API_SECONDS ?? 10);
const CONNECTIONS = [1, 10, 50];
const RENDER_CONNECTIONS = 10;
/** The configuration's ceiling for API_REQUESTS_PER_MINUTE (src/lib/server/config.ts). */
const RAISED_LIMIT = 100_000;
const DEFAULT_LIMIT_SECONDS = 5;

const run = promisify(execFile);

const SYSTEM = `You are a senior application security engineer reviewing code before it ships. Look for
injection (SQL, shell, template), broken access control, unsafe deserialisation, secrets in code,
weak cryptography and missing input validation. For each finding give the line, the risk, how an
attacker would use it and the smallest fix. Say plainly when the code is fine.`;

function version(n: number): DraftContent {
	return {
		systemPrompt: SYSTEM,
		userPromptTemplate:
			n === 1
				? 'Review this {{language}} code:\n{{code}}'
				: `Review this {{language}} code for {{focus}}${n === 3 ? ' and rank the findings by severity' : ''}:\n\n{{code}}\n\nAnswer as a list of findings.`,
		fewShotExamples: [
			{ input: 'query = "SELECT * FROM users WHERE id = " + request.args["id"]', output: 'SQL injection: the id is concatenated into the query. Use a parameter: cursor.execute("SELECT * FROM users WHERE id = %s", (user_id,)).' },
			{ input: 'subprocess.run(f"convert {name} out.png", shell=True)', output: 'Shell injection through name. Pass a list without a shell: subprocess.run(["convert", name, "out.png"]).' }
		],
		parameters: { modelType: 'whiterabbitneo', temperature: 0.2, maxTokens: 1024 }
	};
}

const RENDER_VARIABLES = {
	language: 'Python',
	focus: 'injection and access control',
	code: Array.from({ length: 30 }, (_, i) => `def handler_${i}(request):\n    return db.query("SELECT * FROM t WHERE id = " + request.args["id"])`).join('\n')
};

interface Fixture {
	slug: string;
	productionVersion: number;
	tokens: string[];
}

/** A workspace, a shared prompt with three committed versions, production on v2, staging on v3, and read tokens. */
async function createFixture(tokenCount: number): Promise<Fixture> {
	const { owner } = await newWorkspace('apibench');
	const { slug } = await createPrompt(owner, promptMetaSchema.parse({ name: 'Security review', description: 'Finds injection and access-control bugs.', tags: 'security,code-review' }));
	const promptId = (await (await prisma()).prompt.findFirstOrThrow({ where: { workspaceId: owner.workspace.id, slug }, select: { id: true } })).id;
	for (const n of [1, 2, 3]) {
		await updateDraft(promptId, (doc) => writeDraft(doc, version(n)));
		await commitDraft(owner, slug, `Version ${n}`);
	}
	await moveLabel(owner, slug, 'production', 2);
	await moveLabel(owner, slug, 'staging', 3);
	const tokens: string[] = [];
	for (let i = 0; i < tokenCount; i++) tokens.push((await createApiToken(owner, { name: `bench ${i + 1}`, scopes: ['read'], expiresInDays: 1 })).token);
	return { slug, productionVersion: 2, tokens };
}

interface Studio {
	dir: string;
	description: string;
	remove(): Promise<void>;
}

/** The production build of the committed tree, in a temporary folder (the shared build/ is left alone). */
async function buildStudio(root: string): Promise<Studio> {
	if (process.env.BENCH_API_STUDIO) {
		const dir = resolve(process.env.BENCH_API_STUDIO);
		const built = await stat(join(dir, 'build', 'handler.js'));
		return { dir, description: `the build in ${dir} (built ${built.mtime.toISOString()})`, remove: async () => {} };
	}
	const started = performance.now();
	const dir = await mkdtemp(join(tmpdir(), 'cts-bench-build-'));
	const remove = () => rm(dir, { recursive: true, force: true });
	try {
		const { stdout: commit } = await run('git', ['rev-parse', '--short', 'HEAD'], { cwd: root });
		const { stdout: changed } = await run('git', ['status', '--porcelain', '--', 'src', 'realtime', 'plugins', 'prisma', 'server.js'], { cwd: root });
		await run('sh', ['-c', 'git archive --format=tar HEAD | tar -x -C "$1"', 'sh', dir], { cwd: root });
		await symlink(join(root, 'node_modules'), join(dir, 'node_modules'));
		const bin = (name: string) => realpath(join(root, 'node_modules', '.bin', name));
		const node = async (name: string, args: string[], env: Record<string, string> = {}) =>
			run(process.execPath, [await bin(name), ...args], { cwd: dir, env: { ...process.env, ...env }, maxBuffer: 64 * 2 ** 20 });
		await node('svelte-kit', ['sync']);
		await node('prisma', ['generate'], { PRISMA_SCHEMA_ENGINE_BINARY: process.execPath });
		await node('svelte-kit', ['sync']);
		await node('vite', ['build'], { NODE_ENV: 'production' });
		const dirty = changed.split('\n').filter(Boolean).length;
		const note = dirty ? `; ${dirty} uncommitted change(s) in the working tree are not in it` : '';
		return { dir, description: `vite build of commit ${commit.trim()} in ${dir} (${((performance.now() - started) / 1000).toFixed(0)} s${note})`, remove };
	} catch (error) {
		await remove();
		const { stderr, stdout } = error as { stderr?: string; stdout?: string };
		throw new Error(`building the studio failed: ${(error as Error).message}\n${(stderr || stdout || '').slice(-4000)}`);
	}
}

interface Server {
	url: string;
	stop(): Promise<void>;
	output(): string;
}

/** `node server.js` in the build's folder, as `npm start` and the Dockerfile run it. */
async function startServer(dir: string, env: Record<string, string | undefined>): Promise<Server> {
	const port = await freePort();
	const childEnv: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), EMBEDDED_MODEL: 'off', LOG_LEVEL: 'warn', ...env };
	for (const [key, value] of Object.entries(childEnv)) if (value === undefined) delete childEnv[key];
	const child: ChildProcess = spawn(process.execPath, ['server.js'], { cwd: dir, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
	let log = '';
	child.stdout!.on('data', (chunk) => (log += chunk));
	child.stderr!.on('data', (chunk) => (log += chunk));
	const exited = () => child.exitCode !== null || child.signalCode !== null;
	const server: Server = {
		url: `http://127.0.0.1:${port}`,
		output: () => log,
		async stop() {
			if (exited()) return;
			const gone = new Promise((done) => child.once('exit', done));
			process.kill(-child.pid!, 'SIGTERM');
			await Promise.race([gone, new Promise((done) => setTimeout(done, 10_000))]);
			if (!exited()) process.kill(-child.pid!, 'SIGKILL');
		}
	};
	const deadline = Date.now() + 60_000;
	while (Date.now() < deadline) {
		if (exited()) throw new Error(`the studio exited (${child.exitCode}):\n${log}`);
		if (await fetch(`${server.url}/api/health`).then((r) => r.ok, () => false)) return server;
		await new Promise((done) => setTimeout(done, 200));
	}
	await server.stop();
	throw new Error(`the studio did not answer /api/health within 60 s:\n${log}`);
}

interface Cannonade {
	connections: number;
	seconds: number;
	requests: number;
	perSecond: number;
	ok: number;
	statuses: Record<string, number>;
	errors: number;
	timeouts: number;
	/** Latencies of the 2xx answers, ms, sorted. */
	latencies: Float64Array;
}

interface AutocannonResult {
	duration: number;
	errors: number;
	timeouts: number;
	'2xx': number;
	statusCodeStats: Record<string, { count: number }>;
	requests: { total: number };
}

/** autocannon for `seconds` at `connections` keep-alive connections; latencies taken from each response (sub-ms). */
async function cannonade(options: { url: string; token: string; connections: number; seconds: number; method?: 'GET' | 'POST'; body?: string }): Promise<Cannonade> {
	const latencies: number[] = [];
	const tracker = autocannon({
		url: options.url,
		method: options.method ?? 'GET',
		connections: options.connections,
		duration: options.seconds,
		headers: { authorization: `Bearer ${options.token}`, ...(options.body ? { 'content-type': 'application/json' } : {}) },
		body: options.body
	});
	tracker.on('response', (_client: unknown, statusCode: number, _bytes: number, ms: number) => {
		if (statusCode >= 200 && statusCode < 300) latencies.push(ms);
	});
	const result = (await tracker) as AutocannonResult;
	const statuses = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]));
	const requests = Object.values(statuses).reduce((a, b) => a + b, 0);
	return {
		connections: options.connections,
		seconds: result.duration,
		requests,
		perSecond: requests / result.duration,
		ok: result['2xx'],
		statuses,
		errors: result.errors,
		timeouts: result.timeouts,
		latencies: Float64Array.from(latencies).sort()
	};
}

function percentile(sorted: Float64Array, p: number): number {
	if (sorted.length === 0) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
const ms = (value: number) => (Number.isNaN(value) ? '-' : value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)).padStart(7);
const load = () => loadavg().map((l) => l.toFixed(2)).join(' / ');
const nonOk = (c: Cannonade) => {
	const others = Object.entries(c.statuses).filter(([code]) => !code.startsWith('2'));
	const text = others.length ? others.map(([code, n]) => `${n} × ${code}`).join(', ') : '0';
	return `${text}${c.errors ? `, ${c.errors} errors` : ''}${c.timeouts ? `, ${c.timeouts} timeouts` : ''}`;
};
function row(label: string, c: Cannonade): string {
	return `${label.padEnd(34)} ${String(c.connections).padStart(5)} ${c.perSecond.toFixed(0).padStart(8)} ${String(c.requests).padStart(8)} ${ms(percentile(c.latencies, 50))} ${ms(percentile(c.latencies, 99))} ${ms(c.latencies.at(-1) ?? NaN)}  ${nonOk(c)}`;
}

async function expectJson(response: Response, status: number, what: string): Promise<Record<string, any>> {
	const body = (await response.json().catch(() => null)) as Record<string, any> | null;
	if (response.status !== status || !body) throw new Error(`${what}: expected ${status}, got ${response.status} ${JSON.stringify(body)}`);
	return body;
}

export async function runBench({ database, redis, root }: { database: string; redis: string; root: string }): Promise<void> {
	const cpuList = cpus();
	console.log('\nPrompt API: fetch by label and render, over HTTP with keep-alive connections (autocannon 9, in the bench process)');
	console.log(`database: ${database}`);
	console.log(`redis: ${redis}`);
	console.log(`machine: ${cpuList[0]?.model.trim() ?? 'unknown CPU'}, ${cpuList.length} CPUs (available parallelism ${availableParallelism()}); node ${process.version}; studio and client share them`);
	console.log(`measured at ${new Date().toISOString()}; load average (1 / 5 / 15 min) before: ${load()}`);

	const studio = await buildStudio(root);
	let server: Server | undefined;
	try {
		console.log(`studio: ${studio.description}; started as node server.js, NODE_ENV=production, EMBEDDED_MODEL=off`);
		// One token per run, the last for the default-limit run.
		const fixture = await createFixture(CONNECTIONS.length + 3);
		// The studio process must be the only one with the database open (the embedded engine is
		// single-process): everything this process wrote is stored, then it lets go.
		await flushDrafts();
		await unloadIdleDrafts();
		await closeDatabase();
		await closeRedis();
		const tokens = [...fixture.tokens];
		const fetchPath = `/api/v1/prompts/${fixture.slug}?label=production`;
		const renderPath = `/api/v1/prompts/${fixture.slug}/render`;
		const renderBody = JSON.stringify({ label: 'production', variables: RENDER_VARIABLES });

		server = await startServer(studio.dir, { API_REQUESTS_PER_MINUTE: String(RAISED_LIMIT) });
		const check = await expectJson(await fetch(server.url + fetchPath, { headers: { authorization: `Bearer ${tokens[0]}` } }), 200, 'GET by label');
		if (check.version?.number !== fixture.productionVersion) throw new Error(`GET by label answered version ${check.version?.number}, not ${fixture.productionVersion}`);
		const fetchBytes = JSON.stringify(check).length;
		const rendered = await expectJson(
			await fetch(server.url + renderPath, { method: 'POST', body: renderBody, headers: { authorization: `Bearer ${tokens[0]}`, 'content-type': 'application/json' } }),
			200,
			'POST render'
		);
		console.log(`prompt: 3 versions, production -> v${fixture.productionVersion}; GET answers ${fetchBytes.toLocaleString('en-US')} bytes of JSON; render sends ${renderBody.length.toLocaleString('en-US')} bytes and gets ${JSON.stringify(rendered).length.toLocaleString('en-US')}`);

		console.log(`\nper-token limit raised to ${RAISED_LIMIT.toLocaleString('en-US')}/min (the configuration's maximum), a fresh token per run; ${SECONDS} s per run after a ${Math.min(3, SECONDS)} s warm-up at 10 connections; latency of the 2xx answers in ms`);
		console.log(`${'request'.padEnd(34)} ${'conns'.padStart(5)} ${'req/s'.padStart(8)} ${'requests'.padStart(8)} ${'p50'.padStart(7)} ${'p99'.padStart(7)} ${'max'.padStart(7)}  non-2xx`);
		await cannonade({ url: server.url + fetchPath, token: tokens.shift()!, connections: 10, seconds: Math.min(3, SECONDS) });
		for (const connections of CONNECTIONS) {
			const result = await cannonade({ url: server.url + fetchPath, token: tokens.shift()!, connections, seconds: SECONDS });
			console.log(row(`GET ?label=production`, result));
		}
		const render = await cannonade({ url: server.url + renderPath, token: tokens.shift()!, connections: RENDER_CONNECTIONS, seconds: SECONDS, method: 'POST', body: renderBody });
		console.log(row('POST /render', render));
		console.log(`load average after: ${load()}`);
		await server.stop();

		// The default limit: a second start without API_REQUESTS_PER_MINUTE.
		server = await startServer(studio.dir, { API_REQUESTS_PER_MINUTE: undefined });
		const limited = await cannonade({ url: server.url + fetchPath, token: tokens.shift()!, connections: 10, seconds: DEFAULT_LIMIT_SECONDS });
		const refusal = await fetch(server.url + fetchPath, { headers: { authorization: `Bearer ${fixture.tokens.at(-1)}` } });
		const refusalBody = (await refusal.json()) as { error?: { code?: string } };
		console.log(`\nat the default limit (120/min per token), ${DEFAULT_LIMIT_SECONDS} s at 10 connections, one token:`);
		console.log(row('GET ?label=production', limited));
		console.log(`  then: ${refusal.status} ${refusalBody.error?.code ?? ''}, Retry-After: ${refusal.headers.get('retry-after') ?? 'none'} s`);
	} catch (error) {
		if (server) console.error(`studio output:\n${server.output().slice(-4000)}`);
		throw error;
	} finally {
		await server?.stop();
		await studio.remove();
	}
}
