// The attack bench (`npm run bench`, last part; the issue "Safe to expose"): while each of the
// security review's attacks runs against one production studio (`node server.js` of the current
// build), how fast /api/health answers (the issue's target: within 100 ms), how much memory the
// studio holds at its peak and 10 s after the attack, and how long an edit takes to reach a second
// editor of the flooded draft (the bystanders). The attacker (bench/attack-floods.mjs) and the
// health watcher (bench/attack-watch.mjs) run in worker threads of their own; an idle row (the same
// studio, no attack) and a bare node:http server answering the same path (the transport's floor)
// come first. The dos-*.test.ts tests bound the same attacks loosely (1 s); this prints the figures.
import { spawn } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { writeDraft, type DraftContent } from '$lib/prompt-doc';
import { YJS_PATH_PREFIX } from '$lib/realtime/yjs-protocol';
import { SESSION_SOCKET_PATH } from '$lib/realtime/session-events';
import { promptMetaSchema } from '$lib/schemas/prompt';
import { createApiToken } from '$lib/server/api-tokens';
import { closeDatabase } from '$lib/server/db';
import { flushDrafts, unloadIdleDrafts, updateDraft } from '$lib/server/drafts';
import { openSession } from '$lib/server/generation';
import { savePluginSetting } from '$lib/server/plugins';
import { createPrompt, getPrompt } from '$lib/server/prompts';
import { closeRedis } from '$lib/server/redis';
import { commitDraft } from '$lib/server/versions';
import { startTgiServer, type TgiServer } from '../tests/helpers/tgi-server';
import { connectClient, type TestClient } from '../tests/helpers/yjs-client';
import { newPromptTeam } from '../tests/helpers/yjs-team';
import { startStudio, studioLoopDelay } from './load-processes.mjs';

export const ATTACK_KINDS = ['step1', 'awareness', 'diff', 'plugin', 'socketio', 'signin'] as const;
export type AttackKind = (typeof ATTACK_KINDS)[number];

const ATTACK_LABELS: Record<AttackKind, string> = {
	step1: '1 Yjs sync-step-1 flood',
	awareness: '2 Yjs awareness flood',
	diff: '3 word + character diffs',
	plugin: '4 scanner on `token-…`',
	socketio: '5 socket.io event flood',
	signin: '6 40 parallel sign-ins'
};

export interface AttackOptions {
	root: string;
	/** A copy of server.js and the build, taken when the bench began. */
	serverDir: string;
	database: string;
	redis: string;
	/** Length of each attack (and of the idle and floor measurements). */
	seconds: number;
	/** How long after an attack stops its studio's memory is read again. */
	settle: number;
	attacks: AttackKind[];
}

/** What the attacker worker is handed (bench/attack-floods.mjs). */
interface AttackFixture {
	httpUrl: string;
	yjsUrl: string;
	socketPath: string;
	promptId: string;
	ownerCookie: string;
	sessionId: string;
	diff: { path: string };
	scanner: { slug: string; token: string };
}

/** The issue's target: /api/health answers within this long while an attack runs (p99). */
const REFERENCE_MS = 100;
const HEALTH_EVERY_MS = 50;
/** An edit not seen by the other editor within this long counts as missed. */
const ROUND_TRIP_TIMEOUT_MS = 5_000;
const ROUND_TRIP_GAP_MS = 100;
/** The answer the scanner reads: backtracking bait for its secret rule, and a real secret on line 2. */
const SCANNER_BAIT = 'token-'.repeat(1_700) + '\nAWS_SECRET = "AKIAIOSFODNN7EXAMPLE"';

const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
/** `count` words on one line, every one `letter` and a digit: two letters share no word (the recipe's -gen:N:word). */
const words = (count: number, letter: string) => Array.from({ length: count }, (_, i) => `${letter}${i % 7}`).join(' ');
const load = () => loadavg().map((l) => l.toFixed(2)).join(' / ');

function content(template: string, systemPrompt = ''): DraftContent {
	return { systemPrompt, userPromptTemplate: template, fewShotExamples: [], parameters: { modelType: 'whiterabbitneo', temperature: 0, maxTokens: 64 } };
}

// ---- set-up, in this process, before the studio starts ----

interface Fixture {
	attacker: Omit<AttackFixture, 'httpUrl' | 'yjsUrl'>;
	bystanderCookies: [string, string];
	draftChars: number;
}

async function createFixture(): Promise<Fixture> {
	const team = await newPromptTeam();
	const owner = team.owner.member;
	// The flooded draft: ~39k characters, so every sync step 1 asks for all of it (the template's limit is 50k).
	const draft = words(13_000, 'a');
	await updateDraft(team.promptId, (doc) => writeDraft(doc, content(draft)));
	// Two versions whose 48k-character templates share no word (the recipe's 20-diff-dos.sh).
	const { slug: diffSlug } = await createPrompt(owner, promptMetaSchema.parse({ name: 'Long template' }));
	const diffPrompt = await getPrompt(owner, diffSlug);
	for (const letter of ['a', 'b']) {
		await updateDraft(diffPrompt.id, (doc) => writeDraft(doc, content(words(16_000, letter))));
		await commitDraft(owner, diffSlug, `every word ${letter}`);
	}
	// A prompt whose runs the security scanner reads, and a token that may run it.
	const { slug: scannerSlug } = await createPrompt(owner, promptMetaSchema.parse({ name: 'Scanned answers' }));
	const scannerPrompt = await getPrompt(owner, scannerSlug);
	await updateDraft(scannerPrompt.id, (doc) => writeDraft(doc, content('Review this {{language}} code:\n{{code}}')));
	await commitDraft(owner, scannerSlug, 'v1');
	await savePluginSetting(owner, 'security-scanner', true, '{}');
	const { token } = await createApiToken(owner, { name: 'attacker', scopes: ['run'], expiresInDays: 1 });
	const session = await openSession(owner, team.promptSlug, 'Flooded session');
	return {
		attacker: {
			socketPath: SESSION_SOCKET_PATH,
			promptId: team.promptId,
			ownerCookie: team.owner.cookie,
			sessionId: session.id,
			diff: { path: `/w/${team.workspaceSlug}/prompts/${diffSlug}` },
			scanner: { slug: scannerSlug, token }
		},
		bystanderCookies: [team.owner.cookie, team.editor.cookie],
		draftChars: draft.length
	};
}

// ---- what is measured ----

interface Watcher {
	/** Stops polling health: the answer times (ms; Infinity: none within 10 s) and the non-200 count. */
	health(): Promise<{ times: number[]; failures: number }>;
	/** Stops sampling memory: bytes before, at the peak, now. */
	rss(): Promise<{ before: number; peak: number; now: number }>;
}

async function watch(url: string, pid: number): Promise<Watcher> {
	const worker = new Worker(resolve(import.meta.dirname, 'attack-watch.mjs'), { workerData: { url, pid, everyMs: HEALTH_EVERY_MS } });
	const next = (type: string) =>
		new Promise<any>((done, fail) => {
			const onMessage = (message: { type: string }) => {
				if (message.type !== type) return;
				worker.off('message', onMessage);
				done(message);
			};
			worker.on('message', onMessage);
			worker.once('error', fail);
		});
	await next('ready');
	return {
		health: () => (worker.postMessage('health'), next('health')),
		rss: async () => {
			const answer = next('rss');
			worker.postMessage('rss');
			const rss = await answer;
			await worker.terminate();
			return rss;
		}
	};
}

/** An attack in its worker, ready to go (its frames built, its modules loaded). */
async function attacker(kind: AttackKind, seconds: number, fixture: AttackFixture): Promise<{ go(): Promise<string> }> {
	const worker = new Worker(resolve(import.meta.dirname, 'attack-floods.mjs'), { workerData: { kind, seconds, fixture } });
	const message = (type: string) => new Promise<any>((done, fail) => {
		const onMessage = (m: { type: string }) => m.type === type && (worker.off('message', onMessage), done(m));
		worker.on('message', onMessage);
		worker.once('error', fail);
	});
	await message('ready');
	return {
		async go() {
			const done = message('done');
			worker.postMessage('go');
			const { summary } = await done;
			await worker.terminate();
			return summary;
		}
	};
}

/**
 * Until `deadline`: one bystander rewrites the system prompt with a fresh marker, and the time until
 * the other has it is one round trip (each at most ROUND_TRIP_TIMEOUT_MS, else a miss).
 */
async function roundTrips([a, b]: [TestClient, TestClient], deadline: number): Promise<{ times: number[]; missed: number }> {
	const times: number[] = [];
	let missed = 0;
	let n = 0;
	while (Date.now() < deadline) {
		const marker = `bystander ${++n} ${Date.now()}`;
		const seen = new Promise<boolean>((done) => {
			const check = () => {
				if (b.text('system') !== marker) return;
				b.doc.off('update', check);
				clearTimeout(timer);
				done(true);
			};
			const timer = setTimeout(() => (b.doc.off('update', check), done(false)), ROUND_TRIP_TIMEOUT_MS);
			b.doc.on('update', check);
		});
		const started = performance.now();
		a.doc.transact(() => {
			const text = a.doc.getText('system');
			text.delete(0, text.length);
			text.insert(0, marker);
		});
		if (await seen) times.push(performance.now() - started);
		else missed++;
		await sleep(ROUND_TRIP_GAP_MS);
	}
	return { times, missed };
}

// ---- the table ----

interface Row {
	label: string;
	health: { times: number[]; failures: number };
	rss: { before: number; peak: number; now: number };
	roundTrips: { times: number[]; missed: number } | null;
	/** The studio's own event-loop delay over the window (its /metrics), ms; null for the floor or no answer. */
	loopDelay: { p99: number; max: number } | null;
}

function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
const ms = (value: number) => (Number.isNaN(value) ? '-' : !Number.isFinite(value) ? '>10000' : value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
const mib = (bytes: number) => (bytes / MiB).toFixed(0);

const HEADER = `${'attack'.padEnd(27)} ${'health p50'.padStart(10)} ${'p99'.padStart(7)} ${'max'.padStart(7)} ${'n'.padStart(4)} ${'fail'.padStart(4)}  ${'ref p99'.padStart(7)}  ${'loop p99 / max'.padEnd(15)}  ${'RSS MiB before→peak / after'.padEnd(27)}  bystander round-trip p50 / max (missed)`;

function line(row: Row): string {
	const sorted = [...row.health.times].sort((x, y) => x - y);
	const p99 = percentile(sorted, 99);
	const max = sorted.at(-1) ?? NaN;
	const rss = `${mib(row.rss.before)} → ${mib(row.rss.peak)} / ${mib(row.rss.now)}`;
	let bystander = '-';
	if (row.roundTrips) {
		const trips = [...row.roundTrips.times].sort((x, y) => x - y);
		bystander = `${ms(percentile(trips, 50))} / ${ms(trips.at(-1) ?? NaN)} ms (${row.roundTrips.missed} missed of ${trips.length + row.roundTrips.missed})`;
	}
	const verdict = p99 > REFERENCE_MS || row.health.failures > 0 ? `  ✗ OVER: p99 ${ms(p99)} ms > ${REFERENCE_MS} ms${row.health.failures ? `, ${row.health.failures} failed` : ''}` : max > REFERENCE_MS ? '  (p99 within; max over)' : '';
	return `${row.label.padEnd(27)} ${ms(percentile(sorted, 50)).padStart(10)} ${ms(p99).padStart(7)} ${ms(max).padStart(7)} ${String(sorted.length).padStart(4)} ${String(row.health.failures).padStart(4)}  ${`${REFERENCE_MS} ms`.padStart(7)}  ${(row.loopDelay ? `${ms(row.loopDelay.p99)} / ${ms(row.loopDelay.max)}` : '-').padEnd(15)}  ${rss.padEnd(27)}  ${bystander}${verdict}`;
}

// ---- the bench ----

/** A bare node:http server in a process of its own answering GET /api/health with `body`: the floor. */
async function startFloor(body: string): Promise<{ url: string; pid: number; stop(): void }> {
	const script = `const body = ${JSON.stringify(body)};
require('node:http').createServer((request, response) => {
	if (request.url === '/api/health') response.writeHead(200, { 'content-type': 'application/json' }).end(body);
	else response.writeHead(404).end();
}).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`;
	const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
	const port = await new Promise<number>((done, fail) => {
		child.stdout.once('data', (chunk) => done(Number(String(chunk).trim())));
		child.once('exit', (code) => fail(new Error(`the floor server exited (${code})`)));
	});
	return { url: `http://127.0.0.1:${port}`, pid: child.pid!, stop: () => child.kill() };
}

export async function runBench(options: AttackOptions): Promise<void> {
	const cpuList = cpus();
	console.log('\nAttacks: /api/health, memory and co-editing of one production studio while each attack of the security review runs');
	console.log(`database: ${options.database}`);
	console.log(`redis: ${options.redis}`);
	console.log(`machine: ${cpuList[0]?.model.trim() ?? 'unknown CPU'}, ${cpuList.length} CPUs (available parallelism ${availableParallelism()}); node ${process.version}; the studio, PostgreSQL, the attacker, the watcher and the bystanders all share them`);
	console.log(`measured at ${new Date().toISOString()}; load average (1 / 5 / 15 min) before: ${load()}`);

	const fixture = await createFixture();
	// Everything this process wrote is stored before the studio loads it; then it lets go (the
	// embedded engine, when there is no PostgreSQL server, belongs to one process).
	await flushDrafts();
	await unloadIdleDrafts();
	await closeDatabase();
	await closeRedis();

	let tgi: TgiServer | undefined;
	let studio: Awaited<ReturnType<typeof startStudio>> | undefined;
	let floor: Awaited<ReturnType<typeof startFloor>> | undefined;
	const bystanders: TestClient[] = [];
	try {
		tgi = await startTgiServer({ tokens: [SCANNER_BAIT.slice(0, 5_000), SCANNER_BAIT.slice(5_000)] });
		// The run and API limits are raised so the scanner is measured, not the limits (like the prompt
		// API bench); the client address is read from X-Forwarded-For, as behind the Space's proxy, so
		// the sign-in attack's guesses come from many addresses (tests/integration/auth-throttles.test.ts).
		studio = await startStudio(options.root, options.serverDir, 'attacked studio', {
			WHITERABBITNEO_ENDPOINT_URL: tgi.url,
			CODET5P_ENDPOINT_URL: '',
			EMBEDDED_MODEL: 'off',
			RUNS_PER_MINUTE_PER_USER: '10000',
			API_REQUESTS_PER_MINUTE: '100000',
			ADDRESS_HEADER: 'x-forwarded-for',
			XFF_DEPTH: '1'
		});
		const running = studio;
		const healthBody = await (await fetch(`${running.httpUrl}/api/health`)).text();
		const attackFixture: AttackFixture = { ...fixture.attacker, httpUrl: running.httpUrl, yjsUrl: `ws://127.0.0.1:${running.port}${YJS_PATH_PREFIX.slice(0, -1)}` };
		const pair = fixture.bystanderCookies.map((cookie) => connectClient(attackFixture.yjsUrl, fixture.attacker.promptId, cookie)) as [TestClient, TestClient];
		bystanders.push(...pair);
		await Promise.all(pair.map((client) => client.synced()));

		console.log(`studio: node server.js of the current build (copied), NODE_ENV=production, pid ${running.pid}; RUNS_PER_MINUTE_PER_USER=10000, API_REQUESTS_PER_MINUTE=100000, ADDRESS_HEADER=x-forwarded-for; other limits at their defaults`);
		console.log(`draft: ${fixture.draftChars.toLocaleString('en-US')} characters in its template, two editors on it (the bystanders); the diffed versions are 48k characters each`);
		console.log(`each row: ${options.seconds} s of GET /api/health one at a time, one every ${HEALTH_EVERY_MS} ms (from a worker thread); RSS peak over the attack and the ${options.settle} s after it, "after" at the end of those; round trip = an edit of one bystander until the other has it, one every ${ROUND_TRIP_GAP_MS} ms after the last, missed if not within ${ROUND_TRIP_TIMEOUT_MS / 1000} s`);
		console.log(`reference: /api/health within ${REFERENCE_MS} ms while attacked (the issue "Safe to expose"), read here as its p99; the studio's health also asks PostgreSQL for SELECT 1; "loop" is the studio's own event-loop delay over the window (its /metrics), in ms\n`);
		console.log(HEADER);

		floor = await startFloor(healthBody);
		const floorWatch = await watch(floor.url, floor.pid);
		await sleep(options.seconds * 1000);
		console.log(line({ label: 'bare node:http (floor)', health: await floorWatch.health(), rss: await floorWatch.rss(), roundTrips: null, loopDelay: null }));
		floor.stop();
		floor = undefined;

		const measure = async (label: string, attack: (() => Promise<string>) | null, settle: number) => {
			const watcher = await watch(running.httpUrl, running.pid!);
			await studioLoopDelay(running.httpUrl); // its histogram starts again from here
			const deadline = Date.now() + options.seconds * 1000;
			const [summary, trips] = await Promise.all([attack ? attack() : sleep(options.seconds * 1000).then(() => null), roundTrips(pair, deadline)]);
			const health = await watcher.health();
			const loopDelay = await studioLoopDelay(running.httpUrl);
			await sleep(settle * 1000);
			const row: Row = { label, health, rss: await watcher.rss(), roundTrips: trips, loopDelay };
			console.log(line(row));
			if (running.child.exitCode !== null || running.child.signalCode !== null) throw new Error(`the studio exited during "${label}":\n${running.output().slice(-4000)}`);
			return summary;
		};

		await measure('idle studio', null, 0);
		const summaries: string[] = [];
		for (const kind of options.attacks) {
			const ready = await attacker(kind, options.seconds, attackFixture);
			const summary = await measure(ATTACK_LABELS[kind], () => ready.go(), options.settle);
			summaries.push(`  ${ATTACK_LABELS[kind]}: ${summary}`);
		}
		console.log(`\nwhat each attacker did in its ${options.seconds} s, and what the studio answered:`);
		for (const summary of summaries) console.log(summary);
		console.log(`studio log lines that look like errors: ${running.errorLines}; load average after: ${load()}`);
	} catch (error) {
		if (studio) console.error(`studio output:\n${studio.output().slice(-4000)}`);
		throw error;
	} finally {
		for (const client of bystanders) client.destroy();
		floor?.stop();
		await studio?.stop();
		await tgi?.close();
	}
}
