#!/usr/bin/env node
// Makes sure the Debian packages the tests use are installed: chromium for the browser tests
// (Playwright's own browser downloads are not reachable here, so they use /usr/bin/chromium), and
// Debian's python3 with requests (the "Use this prompt" Python snippet is run as written) and with
// FastAPI, uvicorn and httpx (tests/integration/hf-space.test.ts runs deploy/hf-space's real proxy
// and CodeT5+ server; no torch, no GPU). Without them those tests would be skipped, which fails CI. As root it
// installs what is missing with apt-get; anyone else gets told what to run. Plain JavaScript: runs
// on Node 20 too, before npm ci has provided Node 24.
import { execFileSync } from 'node:child_process';

/** Each tool: the Debian package that provides it, and a command that works once it is there. */
const TOOLS = [
	{ name: 'chromium', package: 'chromium', check: ['/usr/bin/chromium', ['--version']] },
	{ name: 'python3 with requests', package: 'python3-requests', check: ['/usr/bin/python3', ['-c', 'import requests; print("requests", requests.__version__)']] },
	...['fastapi', 'uvicorn', 'httpx'].map((module) => ({
		name: `python3 with ${module}`,
		package: `python3-${module}`,
		check: ['/usr/bin/python3', ['-c', `import ${module}; print("${module}", ${module}.__version__)`]]
	}))
];

function works([file, args]) {
	try {
		return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 }).trim();
	} catch {
		return null;
	}
}

function fail(lines) {
	console.error(['', 'ensure-test-tools: the tests need Debian packages that are not installed.', ...lines, ''].join('\n'));
	process.exit(1);
}

const missing = TOOLS.filter((tool) => !works(tool.check));
if (missing.length > 0) {
	const packages = missing.map((tool) => tool.package);
	const command = `apt-get update && apt-get install -y ${packages.join(' ')}`;
	if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
		fail([`Missing: ${missing.map((tool) => tool.name).join(', ')}. Only root can install them. Run:`, `  sudo ${command}`, 'then run the tests again.']);
	}
	console.log(`ensure-test-tools: installing ${packages.join(', ')} (${command})`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	try {
		execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
		execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { stdio: 'inherit', env });
	} catch (error) {
		fail([`Installing them failed: ${error.message}`, `Install them by hand: ${command}`]);
	}
}

for (const tool of TOOLS) {
	const found = works(tool.check);
	if (!found) fail([`${tool.name} is still not usable after installing ${tool.package}: \`${tool.check.flat().join(' ')}\` failed.`, `Reinstall it: apt-get install --reinstall -y ${tool.package}`]);
	console.log(`ensure-test-tools: ${found}`);
}
