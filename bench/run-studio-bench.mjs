// How every `npm run bench` entry runs its bench: the studio's server code loaded through Vite (for
// $lib and $realtime, as the app resolves them), the bench module's runBench(options) called, Vite
// closed, then the entry's own clean-up; the process exits 1 when the bench threw.
import { resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '..');

/**
 * Runs `runBench` of `benchModule` (a path from the repository root, e.g. '/bench/yjs-bench.ts').
 * `options` may be a function of the time the module took to import.
 */
export async function runStudioBench(benchModule, options, cleanUp = async () => {}) {
	const { createServer } = await import('vite');
	const vite = await createServer({
		root,
		logLevel: 'warn',
		appType: 'custom',
		server: { middlewareMode: true, hmr: false, ws: false }
	});
	let failed = false;
	try {
		const importStarted = performance.now();
		const bench = await vite.ssrLoadModule(benchModule);
		const importMs = performance.now() - importStarted;
		await bench.runBench(typeof options === 'function' ? options(importMs) : options);
	} catch (error) {
		failed = true;
		console.error(error);
	} finally {
		await vite.close();
		await cleanUp();
	}
	process.exit(failed ? 1 : 0);
}
