// The studio's own files (the embedded database, the model download cache) belong to its user alone:
// their folders 0700 and files 0600, and a umask of 077 so that files made later are too. Engines
// that set their own modes (PGlite unpacks its database world-writable) are put right after they open.
import { chmod, lstat, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';

/** Creates `dir` if needed and makes it, and everything under it, private to this user. */
export async function keepPrivate(dir: string): Promise<void> {
	// process.umask() cannot be set from a worker thread; the main thread sets it for the process.
	if (isMainThread) process.umask(0o077);
	await mkdir(dir, { recursive: true, mode: 0o700 });
	await makePrivate(dir);
}

async function makePrivate(path: string): Promise<void> {
	const stats = await lstat(path).catch(() => null);
	if (!stats || stats.isSymbolicLink()) return;
	if (stats.isDirectory()) {
		if ((stats.mode & 0o777) !== 0o700) await chmod(path, 0o700);
		for (const entry of await readdir(path)) await makePrivate(join(path, entry));
	} else if (stats.isFile() && (stats.mode & 0o777) !== 0o600) {
		await chmod(path, 0o600);
	}
}
