// What every sandbox interpreter is made from, read once per process: pyodide's standard library and
// its WebAssembly, compiled once per memory cap with that cap written into the module's memory
// limits (a WebAssembly memory cannot grow past its declared maximum, whatever the code inside does).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface SandboxAssets {
	/** pyodide's folder as a file: URL ending in '/'. */
	indexURL: string;
	stdlib: Uint8Array;
	/** pyodide-lock.json's `info` (the interpreter checks its version against it). */
	lockInfo: Record<string, unknown>;
	/** The interpreter's WebAssembly with its memory capped at `memoryBytes`. */
	module(memoryBytes: number): Promise<WebAssembly.Module>;
}

const PAGE = 64 * 1024;
/** Python needs this much to start and import what samples use; a lower cap is raised to it. */
export const MIN_MEMORY_BYTES = 96 * 1024 * 1024;

/** Reads an unsigned LEB128 at `offset`: its value and how many bytes it takes. */
function readLeb(bytes: Uint8Array, offset: number): { value: number; size: number } {
	let value = 0;
	let size = 0;
	let byte: number;
	do {
		byte = bytes[offset + size]!;
		value += (byte & 0x7f) * 2 ** (7 * size);
		size++;
	} while (byte & 0x80 && size < 5);
	return { value, size };
}

/** Writes `value` as an unsigned LEB128 of exactly `size` bytes (padded; the format allows it). */
function writeLeb(bytes: Uint8Array, offset: number, value: number, size: number): void {
	for (let i = 0; i < size; i++) {
		const part = Math.floor(value / 2 ** (7 * i)) & 0x7f;
		bytes[offset + i] = i < size - 1 ? part | 0x80 : part;
	}
	if (value >= 2 ** (7 * size)) throw new Error(`${value} does not fit in ${size} LEB128 bytes`);
}

/**
 * A copy of `wasm` whose (single, defined) memory may grow to `pages` at most. Throws when the module
 * imports its memory, has several, or declares no maximum to lower: then the cap could not hold.
 */
export function capMemory(wasm: Uint8Array, pages: number): Uint8Array<ArrayBuffer> {
	const bytes = new Uint8Array(wasm);
	let offset = 8; // magic and version
	while (offset < bytes.length) {
		const id = bytes[offset]!;
		const length = readLeb(bytes, offset + 1);
		const start = offset + 1 + length.size;
		if (id === 5) {
			const count = readLeb(bytes, start);
			if (count.value !== 1) throw new Error(`the interpreter's wasm declares ${count.value} memories`);
			const flags = bytes[start + count.size]!;
			if (!(flags & 1)) throw new Error("the interpreter's wasm memory has no maximum");
			const minimum = readLeb(bytes, start + count.size + 1);
			const maximumAt = start + count.size + 1 + minimum.size;
			const maximum = readLeb(bytes, maximumAt);
			writeLeb(bytes, maximumAt, Math.max(minimum.value, Math.min(pages, maximum.value)), maximum.size);
			return bytes;
		}
		offset = start + length.value;
	}
	throw new Error("the interpreter's wasm declares no memory");
}

let assets: Promise<SandboxAssets> | null = null;

export function sandboxAssets(): Promise<SandboxAssets> {
	assets ??= (async () => {
		const folder = dirname(createRequire(import.meta.url).resolve('pyodide/package.json'));
		const [wasm, stdlib, lock] = await Promise.all([
			readFile(`${folder}/pyodide.asm.wasm`),
			readFile(`${folder}/python_stdlib.zip`),
			readFile(`${folder}/pyodide-lock.json`, 'utf8')
		]);
		const compiled = new Map<number, Promise<WebAssembly.Module>>();
		return {
			indexURL: pathToFileURL(`${folder}/`).href,
			stdlib: new Uint8Array(stdlib),
			lockInfo: (JSON.parse(lock) as { info: Record<string, unknown> }).info,
			module(memoryBytes) {
				const pages = Math.ceil(Math.max(memoryBytes, MIN_MEMORY_BYTES) / PAGE);
				let module = compiled.get(pages);
				if (!module) {
					module = WebAssembly.compile(capMemory(wasm, pages)).then((m) => {
						if (WebAssembly.Module.imports(m).some((i) => i.kind === 'memory')) throw new Error("the interpreter's wasm imports its memory: its cap could not hold");
						return m;
					});
					compiled.set(pages, module);
				}
				return module;
			}
		};
	})();
	assets.catch(() => (assets = null));
	return assets;
}
