// A session's variable values, shared by everyone in it: what its editors and owners typed, kept by
// the server so that a reload or a late joiner finds them. With REDIS_URL they live in Redis, where
// every instance reads and writes the same values; alone, in this process's memory (bounded: the
// sessions changed longest ago are forgotten first). They are working state, not history: no table
// holds them (a run records the values it ran with), and a session nobody changed for
// VARIABLES_KEPT_DAYS forgets them.
import type { Redis } from 'ioredis';
import { SESSION_LIMITS, type SessionVariables } from '$lib/realtime/session-events';
import { forbidden, invalid } from '../errors';
import { logger } from '../logger';
import { redis, redisKey } from '../redis';
import { slot } from '../runtime';
import type { SessionAccess } from './sessions';

export const VARIABLES_KEPT_DAYS = 30;
const KEPT_SECONDS = VARIABLES_KEPT_DAYS * 24 * 60 * 60;

/** A change refused because the session would then keep more than SESSION_LIMITS.variables values. */
export const TOO_MANY = Symbol('too many variables');

export interface VariablesStore {
	read(sessionId: string): Promise<SessionVariables>;
	/** Sets each value ('' removes it) all at once; the session's new revision, or TOO_MANY (nothing changed). */
	change(sessionId: string, values: Record<string, string>): Promise<number | typeof TOO_MANY>;
}

/**
 * The next revision: at least the clock (so a session forgotten and typed in again still moves
 * forward for a page that was open all along), and always past the last one.
 */
export function nextRevision(previous: number, nowMs: number): number {
	return Math.max(previous + 1, nowMs);
}

interface KeptSession {
	values: Map<string, string>;
	revision: number;
	/** Characters held (names and values), counted against the store's budget. */
	size: number;
	changedAt: number;
}

/** One instance's store: sessions in memory, least recently changed first (a Map keeps insertion order). */
export class MemoryVariablesStore implements VariablesStore {
	private readonly sessions = new Map<string, KeptSession>();
	private held = 0;

	constructor(
		/** Characters held in all, at most: past it the sessions changed longest ago are forgotten. */
		private readonly budget = 32 * 1024 * 1024,
		private readonly keptMs = KEPT_SECONDS * 1000,
		private readonly now: () => number = Date.now
	) {}

	async read(sessionId: string): Promise<SessionVariables> {
		const kept = this.live(sessionId);
		return kept ? { values: Object.fromEntries(kept.values), revision: kept.revision } : { values: {}, revision: 0 };
	}

	async change(sessionId: string, values: Record<string, string>): Promise<number | typeof TOO_MANY> {
		const kept = this.live(sessionId) ?? { values: new Map<string, string>(), revision: 0, size: 0, changedAt: 0 };
		const added = Object.entries(values).filter(([name, value]) => value !== '' && !kept.values.has(name)).length;
		const removed = Object.entries(values).filter(([name, value]) => value === '' && kept.values.has(name)).length;
		if (kept.values.size + added - removed > SESSION_LIMITS.variables) return TOO_MANY;
		// Out of the count before its size changes: taken out after, the growth was never counted.
		this.forget(sessionId);
		for (const [name, value] of Object.entries(values)) {
			const before = kept.values.get(name);
			if (before !== undefined) kept.size -= name.length + before.length;
			if (value === '') kept.values.delete(name);
			else {
				kept.values.set(name, value);
				kept.size += name.length + value.length;
			}
		}
		const now = this.now();
		kept.revision = nextRevision(kept.revision, now);
		kept.changedAt = now;
		this.sessions.set(sessionId, kept);
		this.held += kept.size;
		this.keepWithinBudget(sessionId);
		return kept.revision;
	}

	/** Sessions kept now (for tests and figures). */
	get count(): number {
		return this.sessions.size;
	}

	private live(sessionId: string): KeptSession | undefined {
		const kept = this.sessions.get(sessionId);
		if (kept && this.now() - kept.changedAt > this.keptMs) this.forget(sessionId);
		return this.sessions.get(sessionId);
	}

	private forget(sessionId: string): void {
		const kept = this.sessions.get(sessionId);
		if (!kept) return;
		this.held -= kept.size;
		this.sessions.delete(sessionId);
	}

	private keepWithinBudget(changed: string): void {
		for (const sessionId of this.sessions.keys()) {
			if (this.held <= this.budget || sessionId === changed) break;
			this.forget(sessionId);
		}
	}
}

/**
 * Sets or removes each value, refuses a change that would leave more than `max` values, and moves the
 * revision forward on Redis's own clock, all in one step: instances changing a session at once
 * cannot both pass the count, and revisions never go back.
 * KEYS: values hash, revision. ARGV: max, seconds to keep, then name, value pairs.
 */
const CHANGE_SCRIPT = `
local added, removed = 0, 0
for i = 3, #ARGV, 2 do
  local present = redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1
  if ARGV[i + 1] ~= '' and not present then added = added + 1 end
  if ARGV[i + 1] == '' and present then removed = removed + 1 end
end
if redis.call('HLEN', KEYS[1]) + added - removed > tonumber(ARGV[1]) then return -1 end
for i = 3, #ARGV, 2 do
  if ARGV[i + 1] == '' then redis.call('HDEL', KEYS[1], ARGV[i]) else redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local revision = math.max((tonumber(redis.call('GET', KEYS[2])) or 0) + 1, now)
redis.call('SET', KEYS[2], revision, 'EX', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return revision
`;

/** Every instance's store: the session's values in one Redis hash, its revision beside it (one hash slot). */
export class RedisVariablesStore implements VariablesStore {
	constructor(private readonly client: Redis) {}

	private keys(sessionId: string): [string, string] {
		const base = redisKey('session-variables', `{${sessionId}}`);
		return [`${base}:values`, `${base}:revision`];
	}

	async read(sessionId: string): Promise<SessionVariables> {
		const [valuesKey, revisionKey] = this.keys(sessionId);
		const results = await this.client.multi().hgetall(valuesKey).get(revisionKey).exec();
		if (!results) throw new Error('the read of the session variables was discarded');
		const [[valuesError, values], [revisionError, revision]] = results as [[Error | null, Record<string, string>], [Error | null, string | null]];
		if (valuesError || revisionError) throw valuesError ?? revisionError;
		// Written only by the studio, and read back within the same bounds all the same.
		const entries = Object.entries(values)
			.filter(([name, value]) => name.length <= SESSION_LIMITS.variableName && value.length <= SESSION_LIMITS.variableValue)
			.slice(0, SESSION_LIMITS.variables);
		return { values: Object.fromEntries(entries), revision: Number(revision ?? 0) || 0 };
	}

	async change(sessionId: string, values: Record<string, string>): Promise<number | typeof TOO_MANY> {
		const pairs = Object.entries(values).flat();
		const result = await this.client.eval(CHANGE_SCRIPT, 2, ...this.keys(sessionId), SESSION_LIMITS.variables, KEPT_SECONDS, ...pairs);
		const revision = Number(result);
		return revision < 0 ? TOO_MANY : revision;
	}
}

const store = slot<VariablesStore>('generation.sessionVariables', () => {
	const client = redis();
	return client ? new RedisVariablesStore(client) : new MemoryVariablesStore();
});

/** The session's values as kept now; null when they cannot be read at the moment (Redis away). */
export async function readSessionVariables(sessionId: string): Promise<SessionVariables | null> {
	try {
		return await store().read(sessionId);
	} catch (error) {
		logger.warn({ err: error, sessionId }, 'reading the session variables failed; the joiner keeps what it shows');
		return null;
	}
}

/**
 * An editor's or owner's changed values, kept for the session: a viewer reads them and may not change
 * them, and a session keeps at most SESSION_LIMITS.variables values (the wire schema bounds each one).
 * Answers the session's revision after the change.
 */
export async function changeSessionVariables(access: SessionAccess, values: Record<string, string>): Promise<number> {
	if (!access.canRun) throw forbidden('Viewers see the variable values but cannot change them.');
	if (Object.keys(values).length === 0) return (await store().read(access.session.id)).revision;
	const revision = await store().change(access.session.id, values);
	if (revision === TOO_MANY) {
		throw invalid(`This session already keeps ${SESSION_LIMITS.variables} variable values: clear one before adding another.`);
	}
	return revision;
}
