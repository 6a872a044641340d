// Loads Prisma's schema engine (the WebAssembly build) so that migrations run offline, with no
// binary engine download. The package's entry imports a .wasm file as an ES module, which needs a
// Node flag; instantiating the .wasm ourselves works on every Node and inside Vite alike.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';

type Bindings = typeof import('@prisma/schema-engine-wasm/schema_engine_bg');

let bindingsPromise: Promise<Bindings> | undefined;

async function loadBindings(): Promise<Bindings> {
	const require = createRequire(import.meta.url);
	// The exports map hides the .wasm file; it sits beside the package's entry.
	const wasmPath = join(dirname(require.resolve('@prisma/schema-engine-wasm')), 'schema_engine_bg.wasm');
	const bindings = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as Bindings & {
		__wbg_set_wasm(exports: WebAssembly.Exports): void;
	};
	const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), {
		'./schema_engine_bg.js': bindings as unknown as WebAssembly.ModuleImports
	});
	bindings.__wbg_set_wasm(instance.exports);
	(instance.exports.__wbindgen_start as () => void)();
	return bindings;
}

export interface EngineLog {
	level?: string;
	message?: string;
}

/** A schema engine bound to one database through a Prisma driver adapter factory. */
export async function openSchemaEngine(
	schemaPath: string,
	schemaText: string,
	adapterFactory: SqlMigrationAwareDriverAdapterFactory,
	onLog: (line: string) => void = () => {}
): Promise<SchemaEngine> {
	bindingsPromise ??= loadBindings();
	const { SchemaEngine } = await bindingsPromise;
	return SchemaEngine.new(
		{ datamodels: [[schemaPath, schemaText]] },
		(line: string) => onLog(line),
		bindMigrationAwareSqlAdapterFactory(adapterFactory)
	);
}
