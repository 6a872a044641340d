#!/usr/bin/env node
// Brings a checkout up to date before `npm start` / `npm test`: installs dependencies when
// package-lock.json changed since the last install, generates the Prisma client, syncs SvelteKit's
// types, and (with --build) builds the app when its sources are newer than the build.
// Plain JavaScript on purpose: it runs on whatever Node launched npm, before Node 24 is installed.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { build } from './build.mjs';

const root = new URL('..', import.meta.url).pathname;
const bin = (name) => join(root, 'node_modules', '.bin', name);
const run = (file, args, env = {}) =>
	execFileSync(file, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
const hash = (text) => createHash('sha256').update(text).digest('hex');

// 1. Dependencies: `npm ci` whenever the lock file differs from the one last installed.
const lockHash = hash(readFileSync(join(root, 'package-lock.json')));
const stamp = join(root, 'node_modules', '.codetunestudio-lock');
if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== lockHash || !existsSync(bin('node'))) {
	console.log('setup: installing dependencies (npm ci)');
	try {
		execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: ['inherit', 'inherit', 'pipe'] });
	} catch (error) {
		// npm ci also wants lock entries for other platforms' optional packages (rollup's, tailwind's
		// oxide for darwin/win32…); a registry mirror that lacks them makes it refuse a lock file that
		// `npm install` reproduces exactly. Install from the lock file then, without rewriting it.
		const reason = String(error.stderr ?? '').split('\n').find((line) => /npm error (?!code)\S/.test(line));
		console.log(`setup: npm ci refused (${reason?.replace(/^npm error\s*/, '') ?? `exit ${error.status}`})`);
		console.log('setup: installing from the lock file with npm install --no-save');
		run('npm', ['install', '--no-audit', '--no-fund', '--no-save']);
	}
	writeFileSync(stamp, lockHash);
}

// 2. Prisma client, generated offline: the binary schema engine it would fetch is not needed for
//    the `prisma-client` generator, so any existing file stands in for it.
const schemaHash = hash(readFileSync(join(root, 'prisma', 'schema.prisma')));
const clientStamp = join(root, 'src', 'lib', 'server', 'db', 'generated', '.schema-hash');
if (!existsSync(clientStamp) || readFileSync(clientStamp, 'utf8') !== schemaHash) {
	run(bin('svelte-kit'), ['sync']); // prisma.config.ts reads tsconfig, which extends .svelte-kit's
	run(bin('prisma'), ['generate'], { PRISMA_SCHEMA_ENGINE_BINARY: process.execPath });
	writeFileSync(clientStamp, schemaHash);
}
run(bin('svelte-kit'), ['sync']);

// 3. Build, for `npm start`: only when a source is newer than the last build.
if (process.argv.includes('--build')) build();
