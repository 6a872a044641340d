// One participant's live connection to a generation session: the socket.io socket (same origin,
// so the session cookie goes along), the join and its snapshot, the runs kept in step with the hub
// (RunBook holds the rules), the variable values everyone in the session shares (SharedVariablesModel
// holds those rules; typing is sent at most every SESSION_LIMITS.variableSendMs), who is watching, and
// what the page shows about it. Browser only:
// create it in an $effect and destroy it when the page goes. socket.io reconnects by itself; every
// (re)connection joins again and merges the new snapshot.
import { io, type Socket } from 'socket.io-client';
import { toast } from 'svelte-sonner';
import type { ModelId } from '$lib/models';
import {
	SESSION_LIMITS,
	SESSION_SOCKET_PATH,
	type Ack,
	type ClientToServerEvents,
	type Participant,
	type ResyncResult,
	type RunView,
	type ServerToClientEvents,
	type SessionError,
	type SessionSnapshot,
	type StartRunRequest
} from '$lib/realtime/session-events';
import { RunBook, type ResyncNeed, type RunEvent } from './run-state';
import { SharedVariablesModel } from './shared-variables';

export type SessionSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * connecting: not joined since the page opened; connected: joined, events flowing; offline: was
 * joined, lost the connection, retrying (runs go on without us and catch up on rejoin); refused:
 * the studio will not let this socket in (signed out, no access to the session).
 */
export type SessionState = 'connecting' | 'connected' | 'offline' | 'refused';

export type RunRequest = Omit<StartRunRequest, 'sessionId'>;

const ACK_TIMEOUT_MS = 10_000;
/** After a failed send of variable values (no answer, the studio could not keep them), the next try. */
const VARIABLES_RETRY_MS = 3000;
const RESYNC_ATTEMPTS = 5;
/** Join refusals that joining again would not change. */
const FINAL_JOIN_CODES: ReadonlySet<SessionError['code']> = new Set(['unauthorized', 'forbidden', 'not-found']);

export class SessionConnection {
	state = $state<SessionState>('connecting');
	/** Why the studio refused this socket, when it did. */
	refusal = $state<string | null>(null);
	/** True once a snapshot has arrived at least once. */
	loaded = $state(false);
	participants = $state.raw<Participant[]>([]);
	/** Every run known, newest first. */
	runs = $state.raw<RunView[]>([]);
	canRun = $state(false);
	notConfigured = $state.raw<Partial<Record<ModelId, string>>>({});
	/** Models that run on the embedded stand-in model (no endpoint), each with its id. */
	standIns = $state.raw<Partial<Record<ModelId, string>>>({});
	/** The session's variable values as this page shows them (a copy, replaced on every change). */
	variables = $state.raw<ReadonlyMap<string, string>>(new Map());
	/** Why a value typed here is not shared (too long), by name. */
	variableProblems = $state.raw<ReadonlyMap<string, string>>(new Map());
	/** Why the values typed here are not shared at the moment, when they are not. */
	variablesError = $state<string | null>(null);
	/** Something typed here is not yet kept by the server. */
	variablesUnsent = $state(false);

	readonly sessionId: string;
	readonly #socket: SessionSocket;
	readonly #book = new RunBook();
	readonly #shared = new SharedVariablesModel();
	#variablesTimer: ReturnType<typeof setTimeout> | null = null;
	#variablesSentAt = 0;
	#joinAttempt = 0;
	#destroyed = false;
	#timers = new Set<ReturnType<typeof setTimeout>>();

	constructor(sessionId: string, socket?: SessionSocket) {
		this.sessionId = sessionId;
		// A socket of its own (forceNew): destroying it never touches another page's connection.
		this.#socket = socket ?? io({ path: SESSION_SOCKET_PATH, transports: ['websocket'], forceNew: true });
		const s = this.#socket;

		s.on('connect', () => this.#join());
		s.on('disconnect', (reason) => {
			this.#book.suspend();
			if (this.state !== 'refused') this.state = this.loaded ? 'offline' : 'connecting';
			// The studio closed the socket (it is stopping, say): socket.io leaves that one to us.
			if (reason === 'io server disconnect' && !this.#destroyed) this.#later(() => s.connect(), 1000 + Math.random() * 1000);
		});
		s.on('connect_error', (error) => {
			// A refusal by the studio's middleware (not signed in) is final; socket.io stops trying.
			if (!s.active) this.#refuse(error.message || 'The studio refused the live connection.');
		});

		s.on('session:presence', ({ sessionId: id, participants }) => {
			if (id === this.sessionId) this.participants = participants;
		});
		s.on('run:started', ({ run }) => this.#apply({ type: 'started', run }, run.sessionId));
		s.on('run:waiting', (event) => this.#apply({ type: 'waiting', event }, event.sessionId));
		s.on('run:tokens', (event) => this.#apply({ type: 'tokens', event }, event.sessionId));
		s.on('run:finished', ({ run }) => this.#apply({ type: 'finished', run }, run.sessionId));
		s.on('variables:changed', (event) => {
			if (event.sessionId === this.sessionId && this.#shared.changed(event)) this.#publishVariables();
		});
		s.on('session:refresh', () => {
			if (s.connected) void this.#join();
		});
		s.on('session:error', (error) => {
			if (error.event === 'session:join' && FINAL_JOIN_CODES.has(error.code)) this.#refuse(error.message);
			else toast.error(error.message);
		});
	}

	/** Starts the chosen models; the runs appear for everyone (this page included) as they start. */
	async start(request: RunRequest): Promise<{ groupId: string } | null> {
		const result = await this.#ask<{ groupId: string; runs: RunView[] }>((s) =>
			s.emitWithAck('run:start', { ...request, sessionId: this.sessionId })
		);
		if (!result.ok) {
			toast.error(result.error.message);
			return null;
		}
		this.#resync(this.#book.started(result.data.runs));
		this.#publish();
		return { groupId: result.data.groupId };
	}

	/** Cancels every run of the group still going, for everyone. */
	async cancel(groupId: string): Promise<boolean> {
		const result = await this.#ask<{ cancelled: number }>((s) => s.emitWithAck('run:cancel', { sessionId: this.sessionId, groupId }));
		if (!result.ok) toast.error(result.error.message);
		return result.ok;
	}

	/** This person typed a variable's value: shown at once, shared with the session shortly. */
	setVariable(name: string, value: string): void {
		this.#shared.typed(name, value);
		this.#publishVariables();
		this.#sendVariablesSoon();
	}

	destroy(): void {
		this.#destroyed = true;
		for (const timer of this.#timers) clearTimeout(timer);
		this.#timers.clear();
		if (this.#socket.connected) this.#socket.emit('session:leave', { sessionId: this.sessionId });
		this.#socket.removeAllListeners();
		this.#socket.disconnect();
	}

	// ---- joining ----------------------------------------------------------------------------------

	async #join(): Promise<void> {
		const attempt = ++this.#joinAttempt;
		this.#book.suspend();
		const result = await this.#ask<SessionSnapshot>((s) =>
			s.emitWithAck('session:join', { sessionId: this.sessionId })
		);
		// A newer connection is joining by now (or the page went): this answer is stale.
		if (attempt !== this.#joinAttempt || this.#destroyed) return;
		if (!result.ok) {
			if (FINAL_JOIN_CODES.has(result.error.code)) return this.#refuse(result.error.message);
			toast.error(`Could not join the session: ${result.error.message}`);
			const wait = (result.error.retryAfterSeconds ?? 3) * 1000;
			this.#later(() => this.#socket.connected && attempt === this.#joinAttempt && void this.#join(), wait);
			return;
		}
		const snapshot = result.data;
		const needs = this.#book.snapshot(snapshot.runs);
		this.participants = snapshot.participants;
		this.canRun = snapshot.canRun;
		this.notConfigured = snapshot.notConfigured;
		this.standIns = snapshot.standIns;
		if (snapshot.variables) this.#shared.snapshot(snapshot.variables);
		this.#publishVariables();
		this.loaded = true;
		this.state = 'connected';
		this.#publish();
		this.#resync(needs);
		// What was typed while the connection was away goes now.
		this.#sendVariablesSoon();
	}

	#refuse(message: string): void {
		this.state = 'refused';
		this.refusal = message;
		this.canRun = false;
	}

	// ---- runs -------------------------------------------------------------------------------------

	#apply(event: RunEvent, sessionId: string | null): void {
		if (sessionId !== this.sessionId) return;
		const needs = this.#book.apply(event);
		if (this.#book.ready) this.#publish();
		this.#resync(needs);
	}

	#resync(needs: ResyncNeed[], attempt = 1): void {
		for (const need of needs) void this.#resyncOne(need, attempt);
	}

	async #resyncOne(need: ResyncNeed, attempt: number): Promise<void> {
		const result = await this.#ask<ResyncResult>((s) =>
			s.emitWithAck('run:resync', { sessionId: this.sessionId, executionId: need.executionId, afterSeq: need.afterSeq })
		);
		if (this.#destroyed) return;
		if (!result.ok) {
			// The next token past the gap asks again; the run's final view has all of its text anyway.
			this.#book.resyncFailed(need.executionId);
			return;
		}
		const more = this.#book.resynced(result.data);
		this.#publish();
		// Still a gap (another instance had not logged those tokens yet): ask again, a little later.
		if (more.length > 0 && attempt < RESYNC_ATTEMPTS) this.#later(() => this.#resync(more, attempt + 1), 200 * attempt);
		else for (const need of more) this.#book.resyncFailed(need.executionId);
	}

	#publish(): void {
		this.runs = this.#book.list();
	}

	// ---- variables --------------------------------------------------------------------------------

	#publishVariables(): void {
		this.variables = new Map(this.#shared.values);
		this.variableProblems = this.#shared.problems;
		this.variablesUnsent = this.#shared.unsent;
	}

	/** Sends what was typed, at most once every variableSendMs (the hub's budget for them is counted). */
	#sendVariablesSoon(delayMs = Math.max(0, this.#variablesSentAt + SESSION_LIMITS.variableSendMs - Date.now())): void {
		if (this.#variablesTimer !== null || this.#destroyed) return;
		const timer = setTimeout(() => {
			this.#timers.delete(timer);
			this.#variablesTimer = null;
			if (!this.#destroyed) void this.#sendVariables();
		}, delayMs);
		this.#variablesTimer = timer;
		this.#timers.add(timer);
	}

	async #sendVariables(): Promise<void> {
		// Not joined: sent once the join is back (#join calls #sendVariablesSoon).
		if (this.state !== 'connected' || !this.canRun) return;
		const values = this.#shared.takeOutgoing();
		if (!values) return;
		this.#variablesSentAt = Date.now();
		const result = await this.#ask<{ revision: number }>((s) => s.emitWithAck('variables:set', { sessionId: this.sessionId, values }));
		if (this.#destroyed) return;
		if (result.ok) {
			this.#shared.acknowledged(result.data.revision);
			this.variablesError = null;
			this.#publishVariables();
			if (this.#shared.unsent) this.#sendVariablesSoon();
			return;
		}
		this.#shared.refused();
		this.#publishVariables();
		const { code, message, retryAfterSeconds } = result.error;
		if (code === 'forbidden') this.canRun = false;
		this.variablesError = code === 'rate-limited' ? null : `Your values are not shared yet: ${message}`;
		// Something passing (a busy socket, no answer) is tried again; a refusal (too many values, no
		// right to change them) waits for the next change this person makes.
		if (code === 'rate-limited' || code === 'internal') this.#sendVariablesSoon(retryAfterSeconds ? retryAfterSeconds * 1000 : VARIABLES_RETRY_MS);
	}

	// ---- plumbing ---------------------------------------------------------------------------------

	/** An event with an acknowledgement; no answer in time (or a lost connection) is an error too. */
	async #ask<T>(send: (socket: ReturnType<SessionSocket['timeout']>) => Promise<Ack<T>>): Promise<Ack<T>> {
		try {
			return await send(this.#socket.timeout(ACK_TIMEOUT_MS));
		} catch {
			return { ok: false, error: { code: 'internal', message: 'The studio did not answer in time; check your connection and try again.' } };
		}
	}

	#later(work: () => void, ms: number): void {
		const timer = setTimeout(() => {
			this.#timers.delete(timer);
			if (!this.#destroyed) work();
		}, ms);
		this.#timers.add(timer);
	}
}
