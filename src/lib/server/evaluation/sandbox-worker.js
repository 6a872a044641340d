// One interpreter of the evaluation sandbox: CPython compiled to WebAssembly (pyodide) in this worker
// thread. What a sample can do outside its own memory goes through the interpreter's imports, and
// once the interpreter has started a gate lets through only syscalls on its in-memory files, clocks,
// random bytes and memory growth up to its cap: pyodide's bridge to JavaScript (js, pyodide_js,
// to_js, run_js, every JsProxy), sockets, processes and library loading are refused. Behind the gate,
// should anything pass it: pyodide is loaded as a browser worker would load it (no `process` in
// sight), so it never takes Node's fs, child_process or sockets, and this thread's realm loses every
// host capability (module loading, network, code from strings, large buffers, timers left behind).
// The pool (sandbox-pool.ts) starts it from a data: URL, sends one sample at a time and terminates
// the thread at the sample's deadline. Plain JavaScript: it runs as it is, imported by nobody.
import { registerHooks } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * @typedef {{ indexURL: string, wasmModule: WebAssembly.Module, stdlib: Uint8Array, lockInfo: object,
 *   harness: string, allocationCapBytes: number, preload: string[], importsAllowed: string[],
 *   snapshot: Uint8Array | null }} WorkerData
 * @typedef {{ type: 'run', id: number, program: string, outputCapBytes: number, fsCapBytes: number }} RunMessage
 */

const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
/** The realm and the WebAssembly namespace, indexed by name below (this file reshapes them). */
const realm = /** @type {Record<PropertyKey, any>} */ (/** @type {unknown} */ (globalThis));
const wasmApi = /** @type {Record<string, any>} */ (/** @type {unknown} */ (WebAssembly));
const { indexURL, wasmModule, stdlib, lockInfo, harness, allocationCapBytes, preload, importsAllowed, snapshot } = /** @type {WorkerData} */ (workerData);

const bootStarted = performance.now();
/** @type {Record<string, number>} */
const bootPhases = {};
const phase = (/** @type {string} */ name) => (bootPhases[name] = Math.round(performance.now() - bootStarted));

// 1. No module is loaded in this thread after pyodide's own two files: not by pyodide, not by code
//    that Python builds (`import()` in a Function) — node:child_process, node:fs, data: or file: URLs.
let loadingPyodide = true;
const pyodideFiles = new Set([`${indexURL}pyodide.mjs`, `${indexURL}pyodide.asm.mjs`]);
registerHooks({
	resolve(specifier, context, nextResolve) {
		if (loadingPyodide && pyodideFiles.has(specifier)) return nextResolve(specifier, context);
		throw new Error('modules cannot be loaded in the evaluation sandbox');
	}
});

// 2. What this thread keeps of its host, taken before the realm is stripped.
const hostCrypto = globalThis.crypto;
const hostPerformance = globalThis.performance;
const hostTimers = { setTimeout, clearTimeout, setInterval, clearInterval, setImmediate, clearImmediate };

// 3. The realm keeps the language's own objects and the few host objects pyodide needs; everything
//    else goes: process (env, getBuiltinModule, binding…), Buffer, fetch and undici's dispatcher,
//    WebSocket, BroadcastChannel, MessageChannel, streams, Blob, navigator… (symbol-keyed ones too).
const LANGUAGE = [
	'Object', 'Function', 'Array', 'Number', 'parseFloat', 'parseInt', 'Infinity', 'NaN', 'undefined', 'Boolean', 'String', 'Symbol',
	'Date', 'Promise', 'RegExp', 'Error', 'AggregateError', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError',
	'URIError', 'SuppressedError', 'globalThis', 'JSON', 'Math', 'Intl', 'ArrayBuffer', 'SharedArrayBuffer', 'Atomics', 'DataView',
	'Uint8Array', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array', 'BigUint64Array', 'BigInt64Array',
	'Uint8ClampedArray', 'Float16Array', 'Float32Array', 'Float64Array', 'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef',
	'FinalizationRegistry', 'BigInt', 'Iterator', 'Proxy', 'Reflect', 'decodeURI', 'decodeURIComponent', 'encodeURI',
	'encodeURIComponent', 'escape', 'unescape', 'eval', 'isFinite', 'isNaN', 'DisposableStack', 'AsyncDisposableStack', 'WebAssembly'
];
const HOST = ['TextEncoder', 'TextDecoder', 'URL', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'queueMicrotask'];
const keep = new Set([...LANGUAGE, ...HOST]);
for (const key of Reflect.ownKeys(globalThis)) {
	if (typeof key === 'string' && keep.has(key)) continue;
	if (!Reflect.deleteProperty(globalThis, key)) throw new Error(`the sandbox could not remove ${String(key)}`);
}
if ('process' in globalThis || 'fetch' in globalThis || 'WebSocket' in globalThis) throw new Error('the sandbox realm still reaches its host');

// What pyodide looks for in a browser worker, and nothing more: a crypto that only makes random
// bytes, a clock, a console that writes into the running sample's stderr.
/** @type {(text: string) => void} */
let consoleSink = () => {};
const say = (/** @type {unknown[]} */ ...parts) => consoleSink(parts.map((part) => (part instanceof Error ? (part.stack ?? part.message) : String(part))).join(' '));
Object.assign(globalThis, {
	crypto: Object.freeze({ getRandomValues: (/** @type {Uint8Array<ArrayBuffer>} */ array) => hostCrypto.getRandomValues(array), randomUUID: () => hostCrypto.randomUUID() }),
	performance: Object.freeze({ now: () => hostPerformance.now(), timeOrigin: hostPerformance.timeOrigin }),
	console: Object.freeze({ log: say, info: say, warn: say, error: say, debug: say, trace: say, group() {}, groupEnd() {}, time() {}, timeEnd() {} }),
	WorkerGlobalScope: class WorkerGlobalScope {
		static [Symbol.hasInstance]() {
			return true;
		}
	},
	self: globalThis,
	location: new URL(indexURL)
});

// Pyodide fetches its standard library and its wasm: both come from the pool, in memory.
realm.fetch = async (/** @type {string | URL} */ url) => {
	if (String(url) === `${indexURL}python_stdlib.zip`) return { ok: true, arrayBuffer: async () => stdlib.slice().buffer };
	if (String(url) === `${indexURL}pyodide.asm.wasm`) return { ok: true, precompiled: true };
	throw new Error('no network in the evaluation sandbox');
};
// The gate between Python and JavaScript. Everything Python does outside its own memory goes through
// the interpreter's imports: file and clock syscalls, and pyodide's bridge (JsProxy, to_js, run_js…)
// that reaches any JavaScript object. Once the interpreter has started the gate closes: a sample may
// use only the imports in `importsAllowed` (syscalls on the in-memory files, clocks, random bytes,
// memory growth up to the cap); any other one throws, and the sample fails.
let gateOpen = true;
class SandboxRefusal extends Error {
	name = 'SandboxRefusal';
}
/** @param {string} name @param {unknown} target */
function gated(name, target) {
	const wrapper = function (/** @type {unknown[]} */ ...args) {
		if (!gateOpen) throw new SandboxRefusal(`${name} (a bridge to JavaScript) is not available in the evaluation sandbox`);
		if (typeof target !== 'function') throw new SandboxRefusal(`${name} is not available in the evaluation sandbox`);
		// @ts-ignore: an import keeps its receiver
		return target.apply(this, args);
	};
	// Emscripten reads signatures and flags off its imports.
	if (typeof target === 'function') for (const [key, value] of Object.entries(target)) Object.defineProperty(wrapper, key, { value });
	return wrapper;
}
const allowed = new Set(importsAllowed);
const instantiateStreaming = WebAssembly.instantiateStreaming;
// The pool compiled the wasm once (its memory capped at the sample limit): instantiate that module,
// every import not on the allowed list behind the gate.
wasmApi.instantiateStreaming = async (/** @type {unknown} */ _response, /** @type {Record<string, Record<string, unknown>>} */ imports) => {
	/** @type {Record<string, Record<string, unknown>>} */
	const fenced = {};
	for (const { module, name, kind } of WebAssembly.Module.imports(wasmModule)) {
		const from = imports[module] ?? {};
		if (module.startsWith('GOT.')) {
			fenced[module] = from;
			continue;
		}
		const table = (fenced[module] ??= {});
		table[name] = kind === 'function' && !allowed.has(`${module}.${name}`) ? gated(`${module}.${name}`, from[name]) : from[name];
	}
	return { instance: await WebAssembly.instantiate(wasmModule, /** @type {WebAssembly.Imports} */ (fenced)), module: wasmModule };
};

const { loadPyodide } = await import(`${indexURL}pyodide.mjs`);
const { default: createPyodideModule } = await import(`${indexURL}pyodide.asm.mjs`);
loadingPyodide = false;
phase('modules');

/**
 * Output of the running sample at pyodide's level (os.write(1, …), C stdio, pyodide's own messages):
 * bytes counted, only the last `capBytes` of each stream kept, never decoded whole.
 */
class Tail {
	capBytes = 64 * 1024;
	bytes = new Uint8Array(0);
	reset(/** @type {number} */ capBytes) {
		this.capBytes = capBytes;
		this.bytes = new Uint8Array(0);
	}
	/** A writer for pyodide's setStdout / setStderr: keeps the tail of what it is given. */
	write(/** @type {Uint8Array} */ buffer) {
		const kept = Math.min(buffer.length, this.capBytes);
		const carried = Math.min(this.bytes.length, this.capBytes - kept);
		const next = new Uint8Array(carried + kept);
		next.set(this.bytes.subarray(this.bytes.length - carried), 0);
		next.set(buffer.subarray(buffer.length - kept), carried);
		this.bytes = next;
		return buffer.length;
	}
	text() {
		return new TextDecoder().decode(this.bytes);
	}
}
const stdout = new Tail();
const stderr = new Tail();
const encoder = new TextEncoder();
consoleSink = (text) => stderr.write(encoder.encode(`${text.slice(-stderr.capBytes)}\n`));

const pyodide = await loadPyodide({
	indexURL,
	createPyodideModule,
	lockFileContents: { info: lockInfo, packages: {} },
	packageBaseUrl: 'sandbox:none/',
	env: { HOME: '/home/pyodide' },
	stdin: () => null,
	// `import js` must not hand Python the realm: it gets an empty object (code cannot reach the rest).
	jsglobals: Object.freeze(Object.create(null)),
	checkAPIVersion: true,
	// The first interpreter (per memory cap) starts Python and makes a snapshot of its memory; the
	// others start from that snapshot (a tenth of a second instead of seconds).
	...(snapshot ? { _loadSnapshot: snapshot } : { _makeSnapshot: true })
});
wasmApi.instantiateStreaming = instantiateStreaming;
delete realm.fetch;
if (!snapshot) {
	// Taken before anything of ours runs in Python: the plain interpreter, as pyodide started it.
	const made = pyodide.makeMemorySnapshot();
	port.postMessage({ type: 'snapshot', bytes: made }, [made.buffer]);
}
phase('interpreter');
pyodide.setStdout({ write: (/** @type {Uint8Array} */ buffer) => stdout.write(buffer) });
pyodide.setStderr({ write: (/** @type {Uint8Array} */ buffer) => stderr.write(buffer) });

// 4. The file system is pyodide's in-memory one; what a sample may write is counted (bytes past a
//    file's end, truncations that grow a file) and refused past its cap with ENOSPC.
const FS = pyodide.FS;
const MEMFS = FS.filesystems.MEMFS;
const ENOSPC = 51;
const disk = { written: 0, capBytes: 16 * 1024 * 1024 };
const charge = (/** @type {number} */ bytes) => {
	if (!(bytes > 0)) return;
	if (disk.written + bytes > disk.capBytes) throw new FS.ErrnoError(ENOSPC);
	disk.written += bytes;
};
/** The harness's result file may take this much whatever the sample wrote (it reports the ENOSPC). */
const RESULT_FILE = '/sandbox/result';
const RESULT_CAP_BYTES = 1024 * 1024;
/** @typedef {{ path?: string, node: { usedBytes: number } }} MemfsStream */
const memfsWrite = MEMFS.stream_ops.write;
const chargedWrite = function (/** @type {MemfsStream} */ stream, /** @type {Uint8Array} */ buffer, /** @type {number} */ offset, /** @type {number} */ length, /** @type {number} */ position, /** @type {boolean} */ canOwn) {
	if (stream.path !== RESULT_FILE || position + length > RESULT_CAP_BYTES) charge(position + length - stream.node.usedBytes);
	// @ts-ignore: MEMFS's own receiver
	return memfsWrite.call(this, stream, buffer, offset, length, position, canOwn);
};
// Files made so far use the ops table; msync writes through stream_ops: both are charged.
MEMFS.stream_ops.write = chargedWrite;
if (MEMFS.ops_table) MEMFS.ops_table.file.stream.write = chargedWrite;
const resizeFileStorage = MEMFS.resizeFileStorage;
MEMFS.resizeFileStorage = function (/** @type {{ usedBytes: number }} */ node, /** @type {number} */ size) {
	charge(size - node.usedBytes);
	return resizeFileStorage.call(this, node, size);
};

// 5. The sample's harness (sandbox-harness.py) as a module; the modules HumanEval uses are imported
//    once here, so that each sample finds them ready. From now on JavaScript and the harness talk
//    through files in /sandbox and one C call, never through pyodide's bridge.
FS.mkdirTree('/sandbox');
const bootScope = pyodide.globals.get('dict')();
bootScope.set('source', harness);
bootScope.set('preload', pyodide.toPy(preload));
pyodide.runPython(
	"import sys, types\nharness = types.ModuleType('_cts_harness')\nexec(compile(source, 'sandbox-harness.py', 'exec'), harness.__dict__)\nsys.modules['_cts_harness'] = harness\nharness.prepare(list(preload))\n",
	{ globals: bootScope }
);
bootScope.destroy();
phase('harness');
const Module = pyodide._module;
const RUN_SAMPLE = Module.stringToNewUTF8("__import__('_cts_harness').run_sample()\n");
const SANDBOX = '/sandbox';

// 6. Last, the realm itself, should anything get past the gate: no code from strings (eval,
//    Function and its kin), no new wasm modules or memories, no finalizer callbacks, no buffer over
//    the allocation cap (typed arrays, ArrayBuffer, SharedArrayBuffer, resizable ones, transfer), and
//    every timer a sample starts is cleared when it ends.
const refuse = (/** @type {string} */ what) =>
	function () {
		throw new EvalError(`${what} is not available in the evaluation sandbox`);
	};
/**
 * Replaces `holder[name]` (a constructor) by a proxy with these traps, its prototype's `constructor` too.
 * @param {Record<string, any>} holder @param {string} name @param {ProxyHandler<any>} traps
 */
function fence(holder, name, traps) {
	const Original = holder[name];
	if (typeof Original !== 'function') return;
	const fenced = new Proxy(Original, traps);
	if (Original.prototype) Object.defineProperty(Original.prototype, 'constructor', { value: fenced, writable: false, configurable: false });
	holder[name] = fenced;
}
const codeFromStrings = { apply: refuse('code from strings'), construct: refuse('code from strings') };
fence(realm, 'Function', codeFromStrings);
for (const Kind of [async function () {}, function* () {}, async function* () {}].map((f) => Object.getPrototypeOf(f).constructor)) fence({ Kind }, 'Kind', codeFromStrings);
realm.eval = refuse('eval');
for (const name of ['FinalizationRegistry', 'WeakRef']) fence(realm, name, { apply: refuse(name), construct: refuse(name) });
for (const name of ['compile', 'compileStreaming', 'instantiate', 'instantiateStreaming', 'validate']) wasmApi[name] = refuse(`WebAssembly.${name}`);
for (const name of ['Module', 'Instance', 'Memory', 'Table']) fence(wasmApi, name, { apply: refuse(`WebAssembly.${name}`), construct: refuse(`WebAssembly.${name}`) });

const tooLarge = () => new RangeError(`a buffer over ${allocationCapBytes} bytes is not allowed in the evaluation sandbox`);
const isBuffer = (/** @type {unknown} */ value) => value instanceof ArrayBuffer || value instanceof SharedArrayBuffer || ArrayBuffer.isView(value);
for (const name of ['Uint8Array', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array', 'BigUint64Array', 'BigInt64Array', 'Uint8ClampedArray', 'Float16Array', 'Float32Array', 'Float64Array']) {
	const perElement = realm[name]?.BYTES_PER_ELEMENT ?? 1;
	fence(realm, name, {
		construct(target, args, newTarget) {
			let [first, ...rest] = args;
			// An array-like is copied first (its length read once); a length or a copy is checked.
			if (first !== null && typeof first === 'object' && !isBuffer(first)) first = Array.from(first);
			const elements = typeof first === 'object' && first !== null ? (first instanceof ArrayBuffer || first instanceof SharedArrayBuffer ? 0 : first.length) : Number(first ?? 0);
			if (elements * perElement > allocationCapBytes) throw tooLarge();
			return Reflect.construct(target, [first, ...rest], newTarget === realm[name] ? target : newTarget);
		}
	});
}
for (const name of ['ArrayBuffer', 'SharedArrayBuffer']) {
	fence(realm, name, {
		construct(target, args, newTarget) {
			const [length, options] = args;
			const most = options && typeof options === 'object' ? Number(options.maxByteLength) : 0;
			if (Number(length) > allocationCapBytes || most > allocationCapBytes) throw tooLarge();
			return Reflect.construct(target, args, newTarget === realm[name] ? target : newTarget);
		}
	});
}
const bufferMethods = /** @type {Record<string, any>} */ (ArrayBuffer.prototype);
for (const method of ['transfer', 'transferToFixedLength']) {
	const original = bufferMethods[method];
	if (typeof original !== 'function') continue;
	Object.defineProperty(bufferMethods, method, {
		value: function (/** @type {number | undefined} */ length) {
			if (length !== undefined && Number(length) > allocationCapBytes) throw tooLarge();
			// @ts-ignore: the buffer it is called on
			return original.call(this, length);
		},
		writable: false,
		configurable: false
	});
}

/** Timers started while a sample runs: none of them outlives it. */
const pending = new Set();
/** @param {Function} start @param {Function} stop @param {boolean} repeats */
const tracked = (start, stop, repeats) =>
	function (/** @type {unknown} */ callback, /** @type {unknown[]} */ ...rest) {
		const entry = { handle: /** @type {unknown} */ (null), stop };
		const run =
			typeof callback === 'function'
				? function (/** @type {unknown[]} */ ...args) {
						if (!repeats) pending.delete(entry);
						return callback(...args);
					}
				: callback;
		entry.handle = start(run, ...rest);
		pending.add(entry);
		return entry.handle;
	};
/** @param {Function} stop */
const untracked = (stop) =>
	function (/** @type {unknown} */ handle) {
		for (const entry of pending) if (entry.handle === handle) pending.delete(entry);
		return stop(handle);
	};
Object.assign(globalThis, {
	setTimeout: tracked(hostTimers.setTimeout, hostTimers.clearTimeout, false),
	setInterval: tracked(hostTimers.setInterval, hostTimers.clearInterval, true),
	setImmediate: tracked(hostTimers.setImmediate, hostTimers.clearImmediate, false),
	clearTimeout: untracked(hostTimers.clearTimeout),
	clearInterval: untracked(hostTimers.clearInterval),
	clearImmediate: untracked(hostTimers.clearImmediate)
});
/** Clears what the sample left scheduled; how many there were. */
const clearPending = () => {
	const left = pending.size;
	for (const { handle, stop } of pending) stop(handle);
	pending.clear();
	return left;
};

/** What stopped a sample from outside Python: a refused import, an exit, a fatal error. */
function describe(/** @type {unknown} */ error) {
	if (error instanceof SandboxRefusal) return `The program was stopped: ${error.message}.`;
	const exit = /** @type {{ name?: unknown, status?: unknown }} */ (error);
	if (exit && typeof exit === 'object' && exit.name === 'ExitStatus') return `The program exited the interpreter (status ${exit.status}).`;
	if (error instanceof Error) return `${error.name}: ${error.message}`;
	return String(error);
}

/** The result file the harness wrote: `passed|failed`, `changed|same`, then the sample's stderr. */
function readResult() {
	try {
		const text = FS.readFile(`${SANDBOX}/result`, { encoding: 'utf8' });
		FS.unlink(`${SANDBOX}/result`);
		const [verdict, state, ...rest] = text.split('\n');
		if (verdict !== 'passed' && verdict !== 'failed') return null;
		return { passed: verdict === 'passed', changed: state !== 'same', stderr: rest.join('\n') };
	} catch {
		return null;
	}
}

port.on('message', (/** @type {RunMessage} */ message) => {
	if (message.type !== 'run') return;
	stdout.reset(message.outputCapBytes);
	stderr.reset(message.outputCapBytes);
	disk.written = 0;
	disk.capBytes = message.fsCapBytes;
	let outcome = 'failed';
	let detail = '';
	let tainted = true;
	try {
		FS.writeFile(`${SANDBOX}/program.py`, message.program);
		FS.writeFile(`${SANDBOX}/cap`, String(message.outputCapBytes));
		// The program's writes are charged from here on (the two files above are the sandbox's own).
		disk.written = 0;
		Module._PyRun_SimpleString(RUN_SAMPLE);
		const result = readResult();
		if (result) {
			outcome = result.passed ? 'passed' : 'failed';
			detail = `${stderr.text()}${result.stderr}`;
			tainted = result.changed;
		} else detail = `${stderr.text()}The sample ended without a result (the interpreter was changed or stopped).`;
	} catch (error) {
		// A refused bridge, a fatal error, the wasm stack exhausted: this interpreter serves no more samples.
		detail = `${stderr.text()}${describe(error)}`;
	}
	tainted = clearPending() > 0 || tainted;
	// Posted only once the event loop turns: a sample that left microtasks spinning never reports, and
	// its deadline ends the thread.
	hostTimers.setImmediate(() =>
		port.postMessage({ type: 'result', id: message.id, outcome, detail: detail.replaceAll(indexURL, 'pyodide/').slice(-message.outputCapBytes), tainted })
	);
});
gateOpen = false;
phase('ready');
port.postMessage({ type: 'ready', phases: bootPhases });
