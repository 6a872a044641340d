// Which of the interpreter's imports (the JavaScript functions its WebAssembly calls out to) a sample
// may call once the gate in sandbox-worker.js has closed. Allowed: the WASI calls and syscalls on the
// in-memory file system, clocks, random bytes, memory growth (capped by the module's maximum), exits
// and the interpreter's own trampolines. Everything else is refused: pyodide's bridge to JavaScript
// (JsProxy, to_js, run_js, pyodide_js), sockets, DNS, processes (`system`), loading libraries, ctypes'
// calls into JavaScript, promises and JSPI. Drawn up from the imports HumanEval's 164 canonical
// solutions, the standard library modules they use and the hostile programs in the tests called.

/** Socket syscalls: emscripten would route them to WebSockets (absent) or pyodide's Node sockets. */
const SOCKET_SYSCALLS = new Set(['accept4', 'bind', 'connect', 'getpeername', 'getsockname', 'getsockopt', 'listen', 'recvfrom', 'recvmsg', 'sendmsg', 'sendto', 'socket', 'setsockopt', 'socketpair', 'shutdown']);

const ENV_ALLOWED = new Set([
	// clocks and time zones
	'emscripten_date_now', 'emscripten_get_now', 'emscripten_get_now_res', '_localtime_js', '_gmtime_js', '_mktime_js', '_timegm_js', '_tzset_js',
	// memory: growth stops at the module's declared maximum (the sample limit)
	'emscripten_resize_heap', 'emscripten_get_heap_max', '_mmap_js', '_munmap_js', '_msync_js',
	// ending: exit, abort, failed assertions in C
	'exit', '_abort_js', '__assert_fail', 'emscripten_runtime_keepalive_push', 'emscripten_runtime_keepalive_pop', '_emscripten_runtime_keepalive_clear',
	// the interpreter's own plumbing: indirect calls, signals, its error sentinels
	'_PyEM_TrampolineCall_JS', '_Py_CheckEmscriptenSignals_Helper', '_Py_emscripten_runtime', '__call_sighandler', 'JsvError_Check', 'Jsv_GetError_import',
	'can_run_sync_js', '_try_fcntl64', '_emscripten_get_progname'
]);

/** Whether a sample may call the import `module`.`name`. */
export function importAllowed(module: string, name: string): boolean {
	if (module === 'wasi_snapshot_preview1') return true;
	if (module !== 'env') return false;
	if (name.startsWith('invoke_')) return true;
	if (name.startsWith('__syscall_')) return !SOCKET_SYSCALLS.has(name.slice('__syscall_'.length));
	return ENV_ALLOWED.has(name);
}

/** The function imports of `module` a sample may call, as `module.name`. */
export function allowedImports(module: WebAssembly.Module): string[] {
	return WebAssembly.Module.imports(module)
		.filter((i) => i.kind === 'function' && importAllowed(i.module, i.name))
		.map((i) => `${i.module}.${i.name}`);
}
