// `npm run bench`, third part: the embedded stand-in model (bench/embedded-model-bench.ts): load time,
// time to first token and tokens/s of the shipped model in this process. No database and no Redis:
// like the other entries it only loads the studio's server code through Vite (for $lib).
import { resolve } from 'node:path';
import { root, runStudioBench } from './run-studio-bench.mjs';

process.env.LOG_LEVEL ??= 'warn';
// The shipped model from this checkout, whatever the environment names: the gateway's runs load
// the process's configured model (embeddedModel()).
process.env.EMBEDDED_MODEL = 'codetune-tiny-code';
process.env.EMBEDDED_MODEL_DIR = resolve(root, 'models');
setTimeout(() => {
	console.error('embedded model bench: gave up after 5 minutes');
	process.exit(1);
}, 300_000).unref();
await runStudioBench('/bench/embedded-model-bench.ts', (importMs) => ({ root, importMs }));
