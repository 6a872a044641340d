// The parts of the evaluation sandbox that hold without running Python: the memory cap written into
// the interpreter's WebAssembly (memory cannot grow past it, whatever the code does), and the list of
// imports a sample may call once the gate has closed (syscalls on in-memory files, clocks, memory;
// never pyodide's bridge to JavaScript, sockets, processes or library loading).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { capMemory } from '$lib/server/evaluation/sandbox-assets';
import { allowedImports, importAllowed } from '$lib/server/evaluation/sandbox-imports';

/** A module with one memory (1 page, at most 65536 written in three LEB128 bytes), exported as `mem`. */
const TINY = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x05, 0x06, 0x01, 0x01, 0x01, 0x80, 0x80, 0x04, 0x07, 0x07, 0x01, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00]);
const pyodideWasm = () => readFileSync(join(dirname(createRequire(import.meta.url).resolve('pyodide/package.json')), 'pyodide.asm.wasm'));

describe('the memory cap', () => {
	it('lets memory grow to the cap and no further, the module otherwise unchanged', async () => {
		const capped = capMemory(TINY, 4);
		expect(capped.length).toBe(TINY.length);
		const { instance } = await WebAssembly.instantiate(capped);
		const memory = instance.exports.mem as WebAssembly.Memory;
		expect(memory.grow(3)).toBe(1);
		expect(() => memory.grow(1)).toThrow(RangeError);
		expect(memory.buffer.byteLength).toBe(4 * 65536);
		// The original was not touched.
		expect((await WebAssembly.instantiate(TINY)).instance.exports.mem).toBeInstanceOf(WebAssembly.Memory);
	});

	it('refuses a module whose memory it could not cap', () => {
		expect(() => capMemory(TINY.slice(0, 8), 4)).toThrow(/no memory/);
		const unbounded = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x05, 0x03, 0x01, 0x00, 0x01]);
		expect(() => capMemory(unbounded, 4)).toThrow(/no maximum/);
	});

	it('caps the interpreter’s own memory, which it defines rather than imports', async () => {
		const module = await WebAssembly.compile(capMemory(pyodideWasm(), 4096));
		expect(WebAssembly.Module.imports(module).some((i) => i.kind === 'memory')).toBe(false);
		expect(WebAssembly.Module.exports(module).some((e) => e.kind === 'memory')).toBe(true);
	});
});

describe('the gate', () => {
	it('lets through the calls a Python program needs to compute, and nothing that reaches out', () => {
		for (const name of ['fd_write', 'fd_read', 'clock_time_get', 'random_get', 'proc_exit']) expect(importAllowed('wasi_snapshot_preview1', name), name).toBe(true);
		for (const name of ['__syscall_openat', '__syscall_unlinkat', '__syscall_getdents64', 'emscripten_resize_heap', '_localtime_js', 'invoke_vii', '_PyEM_TrampolineCall_JS']) {
			expect(importAllowed('env', name), name).toBe(true);
		}
		const refused = [
			// pyodide's bridge: JsProxy, to_js, run_js, calling and constructing JavaScript
			'JsProxy_GetAttr_js', 'JsvFunction_CallBound', 'JsvFunction_Construct', 'JsvObject_CallMethod', 'raw_call_js', 'JsvArray_New', 'python2js__default_converter_js', 'pyproxy_new',
			// sockets and names, processes, libraries, ctypes' calls into JavaScript, JS from C strings
			'__syscall_socket', '__syscall_connect', '__syscall_sendto', 'getaddrinfo', '_emscripten_system', '_dlopen_js', 'ffi_call_js', 'ffi_closure_alloc_js', 'emscripten_asm_const_int'
		];
		for (const name of refused) expect(importAllowed('env', name), name).toBe(false);
		expect(importAllowed('GOT.func', 'anything')).toBe(false);
	});

	it('on the real interpreter, closes every bridge import and keeps only the known kinds open', async () => {
		const module = await WebAssembly.compile(pyodideWasm());
		const allowed = new Set(allowedImports(module));
		const functions = WebAssembly.Module.imports(module).filter((i) => i.kind === 'function');
		const bridges = functions.filter((i) => /^(Jsv|JsProxy|JsArray|JsObjMap|JsMap|JsBuffer|JsModule|js2python|python2js|_python2js|pyproxy|_pyproxy|hiwire)/.test(i.name));
		expect(bridges.length).toBeGreaterThan(50);
		expect(bridges.filter((i) => allowed.has(`${i.module}.${i.name}`)).map((i) => i.name)).toEqual(['JsvError_Check', 'Jsv_GetError_import']);
		expect(allowed.size).toBeLessThan(functions.length / 2);
	});
});
