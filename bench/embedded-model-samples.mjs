// What the embedded stand-in model writes (bench/embedded-model-samples.ts): greedy answers to a few
// HumanEval problems (from ../shared/data, through the "Complete a function" starter) and to the
// "Generate code" starter, as a run in the studio would send them. Not timed: it shows the text.
// EMBEDDED_MODEL_DIR=<folder of model folders> samples another copy of the model.
import { resolve } from 'node:path';
import { root, runStudioBench } from './run-studio-bench.mjs';

process.env.LOG_LEVEL ??= 'warn';
process.env.EMBEDDED_MODEL = 'codetune-tiny-code';
process.env.EMBEDDED_MODEL_DIR = resolve(process.env.EMBEDDED_MODEL_DIR ?? resolve(root, 'models'));
await runStudioBench('/bench/embedded-model-samples-bench.ts', { root });
