// The production build (`vite build` into build/) and whether it is current: `npm start` builds
// when a source is newer than the build, `npm test` builds from scratch once before every runner,
// and the integration set-up makes sure its studios (`node server.js`) start a current build.
// Plain JavaScript, like setup.mjs: it runs before Node 24 is installed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const built = join(root, 'build', 'handler.js');
// One build at a time in a checkout: a second caller waits, then finds the build current.
const lock = join(root, 'node_modules', '.codetunestudio-build.lock');

/** @param {string} dir */
function newest(dir) {
	let latest = 0;
	for (const entry of readdirSync(join(root, dir), { withFileTypes: true, recursive: true })) {
		if (entry.isFile()) latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
	}
	return latest;
}

/** Whether build/ holds a build newer than every source it is made from. */
export function buildIsCurrent() {
	if (!existsSync(built)) return false;
	const sources = Math.max(
		...['src', 'realtime', 'plugins', 'static', 'prisma'].map(newest),
		...['package-lock.json', 'svelte.config.js', 'vite.config.ts', 'server.js'].map((f) => statSync(join(root, f)).mtimeMs)
	);
	return statSync(built).mtimeMs >= sources;
}

/**
 * @template T
 * @param {() => T} work
 */
function withLock(work) {
	const deadline = Date.now() + 5 * 60_000;
	for (;;) {
		try {
			mkdirSync(lock);
			break;
		} catch (error) {
			if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EEXIST') throw error;
			// A lock older than any build can take was left by a killed process.
			const heldSince = statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
			if (Date.now() - heldSince > 5 * 60_000) rmSync(lock, { recursive: true, force: true });
			if (Date.now() > deadline) throw new Error(`build: ${lock} has been held for 5 minutes`);
			execFileSync('sleep', ['0.5']);
		}
	}
	try {
		return work();
	} finally {
		rmSync(lock, { recursive: true, force: true });
	}
}

/** Builds with `vite build`, always (`force`) or only when the build is older than a source. */
export function build({ force = false, log = console.log } = {}) {
	return withLock(() => {
		if (!force && buildIsCurrent()) return false;
		log(force ? 'build: building the studio (vite build)' : 'build: a source is newer than the build; building the studio (vite build)');
		// Built beside build/, then swapped in: a studio starting meanwhile finds the old build or the
		// new one, never a half-written folder (svelte.config.js reads CTS_BUILD_OUT).
		const next = join(root, 'build.next');
		const old = join(root, 'build.old');
		rmSync(next, { recursive: true, force: true });
		execFileSync(join(root, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], {
			cwd: root,
			stdio: 'inherit',
			env: { ...process.env, CTS_BUILD_OUT: 'build.next' }
		});
		rmSync(old, { recursive: true, force: true });
		if (existsSync(join(root, 'build'))) renameSync(join(root, 'build'), old);
		renameSync(next, join(root, 'build'));
		rmSync(old, { recursive: true, force: true });
		return true;
	});
}

// `npm run build`: a fresh build, always.
if (process.argv[1] === new URL(import.meta.url).pathname) build({ force: true });
