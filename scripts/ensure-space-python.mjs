#!/usr/bin/env node
// Makes sure Debian's Python has the web stack the Space's servers need (FastAPI, uvicorn, httpx), for
// tests/integration/hf-space.test.ts, which runs deploy/hf-space's real proxy and CodeT5+ server (no
// torch, no GPU). As root it installs Debian's packages with apt-get; anyone else gets told what to run
// (without them those tests are skipped, which fails a CI run). Plain JavaScript: runs on Node 20 too.
import { execFileSync, spawnSync } from 'node:child_process';

const PYTHON = process.env.SPACE_PYTHON ?? '/usr/bin/python3';
const PACKAGES = ['python3', 'python3-fastapi', 'python3-uvicorn', 'python3-httpx'];

const ready = () => spawnSync(PYTHON, ['-c', 'import fastapi, uvicorn, httpx'], { stdio: 'ignore' }).status === 0;

function fail(lines) {
	console.error(['', `ensure-space-python: the Space's tests need ${PYTHON} with FastAPI, uvicorn and httpx.`, ...lines, ''].join('\n'));
	process.exit(1);
}

if (!ready()) {
	if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
		fail(['Only root can install them. Run:', `  sudo apt-get update && sudo apt-get install -y ${PACKAGES.join(' ')}`]);
	}
	console.log(`ensure-space-python: installing ${PACKAGES.join(' ')}`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	try {
		execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
		execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...PACKAGES], { stdio: 'inherit', env });
	} catch (error) {
		fail([`Installing them failed: ${error.message}`]);
	}
	if (!ready()) fail(['apt-get finished but the modules still do not import.']);
}
