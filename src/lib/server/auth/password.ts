// Password hashing with argon2id at OWASP's recommended minimum cost (19 MiB, 2 passes). Every hash
// and check passes one gate: a burst of sign-ins (each one a new name, so no per-account limit holds)
// would otherwise take every thread of libuv's pool, which file reads and the rest of the studio share,
// and 19 MiB for each check at once. A few run at a time, a bounded queue waits, the rest are refused.
import { availableParallelism } from 'node:os';
import { hash, verify } from '@node-rs/argon2';
import { ServiceError } from '../errors';

// algorithm 2 is Argon2id (a const enum in the typings, so spelled as its value here).
const OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, outputLen: 32, parallelism: 1 } as const;

/** Checks at once: half the cores (at least one), never the whole of libuv's pool of four. */
export const PASSWORD_CHECKS_AT_ONCE = Math.min(2, Math.max(1, Math.floor(availableParallelism() / 2)));
/** Checks that may wait for a turn; one more is refused at once (each takes ~50–100 ms). */
export const PASSWORD_CHECKS_WAITING = 32;
const BUSY_SECONDS = 5;

let running = 0;
const waiting: (() => void)[] = [];

async function gated<T>(work: () => Promise<T>): Promise<T> {
	if (running >= PASSWORD_CHECKS_AT_ONCE) {
		if (waiting.length >= PASSWORD_CHECKS_WAITING) {
			throw new ServiceError(429, `Many people are signing in right now: try again in ${BUSY_SECONDS} seconds.`, undefined, BUSY_SECONDS);
		}
		await new Promise<void>((resolve) => waiting.push(resolve));
	} else running++;
	try {
		return await work();
	} finally {
		// The turn passes straight to the next in line (running stays counted), or is given back.
		const next = waiting.shift();
		if (next) next();
		else running--;
	}
}

export function hashPassword(password: string): Promise<string> {
	return gated(() => hash(password, OPTIONS));
}

export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
	return gated(async () => {
		try {
			return await verify(passwordHash, password);
		} catch {
			// A malformed stored hash is a mismatch, never a crash of the sign-in form.
			return false;
		}
	});
}

/** Verifying against this keeps "no such user" as slow as "wrong password" (no timing oracle). */
let decoyHash: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
	decoyHash ??= hashPassword('codetunestudio-decoy-password');
	await verifyPassword(await decoyHash, password);
}
