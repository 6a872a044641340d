// The built-in plugins' hooks on 60k-character lines built to make a backtracking regular expression
// take super-linear time (tests/fixtures/plugin-pathological-lines.ts, the lines the unit test
// tests/unit/plugins/isolation.test.ts checks the answers on): called directly, in this process, as
// a plugin worker calls them. Needs nothing else running.
//   npm exec -- node bench/plugins-pathological.mjs [--calls 20]
import { parseArgs } from 'node:util';
import { runStudioBench } from './run-studio-bench.mjs';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '20' } } });
const calls = Number(values.calls);
if (!Number.isInteger(calls) || calls < 1) throw new Error(`--calls must be a whole number of calls, not ${values.calls}`);
await runStudioBench('/bench/plugins-pathological-bench.ts', { calls });
