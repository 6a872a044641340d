// `npm run bench`, third part: the embedded stand-in model (bench/embedded-model-bench.ts): load time,
// time to first token and tokens/s of the shipped model in this process. No database and no Redis:
// like the other entries it only loads the studio's server code through Vite (for $lib).
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

process.env.LOG_LEVEL ??= 'warn';
// The shipped model from this checkout, whatever the environment names: the gateway's runs load
// the process's configured model (embeddedModel()).
process.env.EMBEDDED_MODEL = 'codetune-tiny-code';
process.env.EMBEDDED_MODEL_DIR = resolve(root, 'models');
setTimeout(() => {
	console.error('embedded model bench: gave up after 5 minutes');
	process.exit(1);
}, 300_000).unref();
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
	const bench = await vite.ssrLoadModule('/bench/embedded-model-bench.ts');
	const importMs = performance.now() - importStarted;
	await bench.runBench({ root, importMs });
} catch (error) {
	failed = true;
	console.error(error);
} finally {
	await vite.close();
}
process.exit(failed ? 1 : 0);
