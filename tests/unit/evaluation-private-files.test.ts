// The studio's own files are private to its user: the embedded database's folder (PGlite unpacks it
// world-writable) and the model download cache end up 0700 for folders, 0600 for files, and the
// process umask keeps files made later so. (Here beside the evaluation tests: the same issue asked
// for both, the sandbox and the database files it could once read.)
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '$lib/server/db/connect';
import { keepPrivate } from '$lib/server/private-files';

const root = mkdtempSync(join(tmpdir(), 'cts-private-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Every path under `dir` whose mode lets anyone but the owner in. */
function openToOthers(dir: string): string[] {
	const found: string[] = [];
	for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
		const path = join(entry.parentPath, entry.name);
		if (!entry.isSymbolicLink() && (statSync(path).mode & 0o077) !== 0) found.push(path);
	}
	if ((statSync(dir).mode & 0o077) !== 0) found.push(dir);
	return found;
}

describe('the studio’s own files', () => {
	it('a folder made private: its tree 0700/0600, and files made afterwards too', async () => {
		const dir = join(root, 'cache');
		mkdirSync(join(dir, 'models', 'x'), { recursive: true, mode: 0o777 });
		writeFileSync(join(dir, 'models', 'x', 'model.onnx'), 'weights');
		chmodSync(join(dir, 'models', 'x', 'model.onnx'), 0o666);
		chmodSync(join(dir, 'models'), 0o777);
		await keepPrivate(dir);
		expect(openToOthers(dir)).toEqual([]);
		expect(statSync(join(dir, 'models', 'x', 'model.onnx')).mode & 0o777).toBe(0o600);
		writeFileSync(join(dir, 'later.bin'), 'x');
		mkdirSync(join(dir, 'later'));
		expect(openToOthers(dir)).toEqual([]);
	});

	it('the embedded database’s folder: nothing in it readable or writable by others after it opens', async () => {
		const dataDir = join(root, 'data', 'pglite');
		const db = await openDatabase({ kind: 'embedded', dataDir });
		try {
			await db.prisma.$executeRawUnsafe('create table private_check (x int)');
			expect(readdirSync(dataDir).length).toBeGreaterThan(5);
			expect(openToOthers(dataDir)).toEqual([]);
			expect(statSync(join(root, 'data')).mode & 0o077).toBe(0);
		} finally {
			await db.close();
		}
		expect(openToOthers(dataDir)).toEqual([]);
	}, 60_000);
});
