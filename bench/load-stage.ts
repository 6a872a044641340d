// What the load bench stands on (bench/load-bench.ts): the people (users and session cookies,
// written in bulk), a workspace per measurement with its prompts and sessions, and the runners who
// start runs in sessions while the viewers watch.
import { io, type Socket } from 'socket.io-client';
import { writeDraft, type DraftContent } from '$lib/prompt-doc';
import { SESSION_SOCKET_PATH, type ClientToServerEvents, type RunView, type ServerToClientEvents } from '$lib/realtime/session-events';
import { promptMetaSchema } from '$lib/schemas/prompt';
import { SESSION_COOKIE, generateSessionToken, signUp } from '$lib/server/auth';
import { sessionIdFromToken, SESSION_TTL_MS } from '$lib/server/auth/session';
import { prisma } from '$lib/server/db';
import { flushDrafts, updateDraft } from '$lib/server/drafts';
import { openSession } from '$lib/server/generation';
import { createPrompt, getPrompt } from '$lib/server/prompts';
import { commitDraft } from '$lib/server/versions';
import { createWorkspace, findMembership, type Member } from '$lib/server/workspaces';

/** A new run in each run session every 3.2 s: under the 20 runs a minute a user may start. */
export const RUN_EVERY_MS = 3200;

export interface StageShape {
	prompts: number;
	/** Sessions the viewers are spread over, and how many of them have runs streaming. */
	viewerSessions: number;
	runSessions: number;
}

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const micros = () => Number(process.hrtime.bigint() / 1000n);

const CONTENT: DraftContent = {
	systemPrompt: 'You are a senior code reviewer.',
	userPromptTemplate: 'Write a small function.',
	fewShotExamples: [],
	parameters: { modelType: 'whiterabbitneo', temperature: 0.7, maxTokens: 256 }
};

export interface People {
	owner: { id: string; username: string };
	/** Kept to write the runners of each measurement with. */
	passwordHash: string;
	editorIds: string[];
	viewerIds: string[];
	editorCookies: string[];
	viewerCookies: string[];
}

/** `n` users named `<prefix>…` and a session cookie each, written in bulk (argon2 per sign-up would take minutes). */
async function bulkUsers(prefix: string, n: number, passwordHash: string): Promise<{ ids: string[]; cookies: string[] }> {
	if (n === 0) return { ids: [], cookies: [] };
	const db = await prisma();
	const tag = `${prefix}${(Date.now() % 1e9).toString(36)}`;
	const users = await db.user.createManyAndReturn({
		data: Array.from({ length: n }, (_, i) => ({ username: `${tag}x${i}`, usernameKey: `${tag}x${i}`, passwordHash })),
		select: { id: true }
	});
	const tokens = users.map(() => generateSessionToken());
	const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
	await db.session.createMany({ data: users.map(({ id }, i) => ({ id: sessionIdFromToken(tokens[i]!), userId: id, expiresAt })) });
	return { ids: users.map(({ id }) => id), cookies: tokens.map((token) => `${SESSION_COOKIE}=${token}`) };
}

/** The bench's editors and viewers; one owner signed up for real, whose password hash the rest share. */
export async function bulkPeople(editors: number, viewers: number): Promise<People> {
	const owner = await signUp(`load${(Date.now() % 1e9).toString(36)}`, 'correct horse battery staple 42');
	const db = await prisma();
	const { passwordHash } = await db.user.findUniqueOrThrow({ where: { id: owner.id }, select: { passwordHash: true } });
	const e = await bulkUsers('le', editors, passwordHash);
	const v = await bulkUsers('lv', viewers, passwordHash);
	return { owner, passwordHash, editorIds: e.ids, viewerIds: v.ids, editorCookies: e.cookies, viewerCookies: v.cookies };
}

export interface Stage {
	promptIds: string[];
	viewerSessionIds: string[];
	/** One runner (an editor of its own, for the per-user run limit) per run session. */
	runners: Array<{ sessionId: string; cookie: string }>;
}

/** A workspace of its own for one measurement: the bench's people as members, the prompts, the sessions. */
export async function buildStage(label: string, people: People, options: StageShape): Promise<Stage> {
	const db = await prisma();
	const { slug } = await createWorkspace(people.owner.id, `Load ${label} ${Date.now()}`);
	const member = { user: people.owner, ...(await findMembership(people.owner.id, slug))! } as Member;
	const workspaceId = member.workspace.id;
	await db.membership.createMany({
		data: [
			...people.editorIds.map((userId) => ({ workspaceId, userId, role: 'editor' as const })),
			...people.viewerIds.map((userId) => ({ workspaceId, userId, role: 'viewer' as const }))
		]
	});
	// Editors who start the runs, one per run session (a user may start 20 runs a minute).
	const runnerPeople = await bulkUsers('lr', options.runSessions, people.passwordHash);
	await db.membership.createMany({ data: runnerPeople.ids.map((userId) => ({ workspaceId, userId, role: 'editor' as const })) });
	const promptIds: string[] = [];
	const slugs: string[] = [];
	for (let p = 0; p < options.prompts; p++) {
		const created = await createPrompt(member, promptMetaSchema.parse({ name: `Load ${label} ${p}` }));
		promptIds.push((await getPrompt(member, created.slug)).id);
		slugs.push(created.slug);
	}
	const viewerSessionIds: string[] = [];
	const runners: Stage['runners'] = [];
	for (let s = 0; s < Math.min(options.viewerSessions, options.prompts); s++) {
		if (s < options.runSessions) {
			await updateDraft(promptIds[s]!, (doc) => writeDraft(doc, CONTENT));
			await commitDraft(member, slugs[s]!, 'First version');
		}
		const { id } = await openSession(member, slugs[s]!, `Load ${s}`);
		viewerSessionIds.push(id);
		if (s < options.runSessions) runners.push({ sessionId: id, cookie: runnerPeople.cookies[s]! });
	}
	await flushDrafts();
	return { promptIds, viewerSessionIds, runners };
}


/** Starts a run in its session every RUN_EVERY_MS until `until`, waiting for each to finish. */
export class Runner {
	readonly runs: Array<{ executionId: string; sessionId: string; lastSeq: number; status: string }> = [];
	readonly problems: string[] = [];
	private socket: Client | null = null;
	private finished = new Map<string, RunView>();
	private finishWaiters = new Map<string, (run: RunView) => void>();

	constructor(
		private readonly url: string,
		private readonly cookie: string,
		readonly sessionId: string
	) {}

	async join(): Promise<void> {
		const socket: Client = io(this.url, { path: SESSION_SOCKET_PATH, transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { cookie: this.cookie } });
		socket.on('run:finished', ({ run }) => {
			const waiter = this.finishWaiters.get(run.executionId);
			if (waiter) waiter(run);
			else this.finished.set(run.executionId, run);
		});
		await new Promise<void>((done, fail) => (socket.once('connect', () => done()), socket.once('connect_error', fail)));
		const joined = await new Promise<any>((done) => socket.emit('session:join', { sessionId: this.sessionId }, done));
		if (!joined?.ok) throw new Error(`a runner could not join: ${joined?.error?.message}`);
		this.socket = socket;
	}

	private whenFinished(executionId: string, timeoutMs: number): Promise<RunView | null> {
		const known = this.finished.get(executionId);
		if (known) return Promise.resolve(known);
		return new Promise((done) => {
			const timer = setTimeout(() => (this.finishWaiters.delete(executionId), done(null)), timeoutMs);
			this.finishWaiters.set(executionId, (run) => (clearTimeout(timer), this.finishWaiters.delete(executionId), done(run)));
		});
	}

	async loop(startAt: number, until: number): Promise<void> {
		await sleep(Math.max(0, (startAt - micros()) / 1000));
		while (micros() < until) {
			const started = performance.now();
			const answer = await new Promise<any>((done) =>
				this.socket!.emit(
					'run:start',
					{ sessionId: this.sessionId, source: { kind: 'version', versionNumber: 1 }, variables: {}, models: ['whiterabbitneo'], parameters: {}, cacheMode: 'never' },
					done
				)
			);
			if (!answer?.ok) {
				this.problems.push(`run:start refused: ${answer?.error?.code}: ${answer?.error?.message}`);
			} else {
				const executionId: string = answer.data.runs[0].executionId;
				const run = await this.whenFinished(executionId, 60_000);
				if (!run) this.problems.push(`run ${executionId} did not finish within 60 s`);
				else {
					if (run.status !== 'succeeded') this.problems.push(`run ${executionId} ${run.status}: ${run.error}`);
					this.runs.push({ executionId, sessionId: this.sessionId, lastSeq: run.lastSeq, status: run.status });
				}
			}
			await sleep(Math.max(0, RUN_EVERY_MS - (performance.now() - started)));
		}
	}

	close(): void {
		this.socket?.disconnect();
	}
}
