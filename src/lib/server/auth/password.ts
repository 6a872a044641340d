// Password hashing with argon2id at OWASP's recommended minimum cost (19 MiB, 2 passes).
import { hash, verify } from '@node-rs/argon2';

// algorithm 2 is Argon2id (a const enum in the typings, so spelled as its value here).
const OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, outputLen: 32, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
	return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
	try {
		return await verify(passwordHash, password);
	} catch {
		// A malformed stored hash is a mismatch, never a crash of the sign-in form.
		return false;
	}
}

/** Verifying against this keeps "no such user" as slow as "wrong password" (no timing oracle). */
let decoyHash: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
	decoyHash ??= hashPassword('codetunestudio-decoy-password');
	await verifyPassword(await decoyHash, password);
}
