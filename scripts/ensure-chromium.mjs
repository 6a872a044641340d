#!/usr/bin/env node
// Makes sure Debian's chromium is installed for the browser tests (Playwright's own browser
// downloads are not reachable here, so the tests use /usr/bin/chromium). As root it installs the
// package with apt-get; anyone else gets told what to run. Plain JavaScript: runs on Node 20 too.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';

function version() {
	try {
		return execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 }).trim();
	} catch (error) {
		return null;
	}
}

function fail(lines) {
	console.error(['', 'ensure-chromium: the browser tests need Debian\'s chromium at /usr/bin/chromium.', ...lines, ''].join('\n'));
	process.exit(1);
}

if (!existsSync(CHROMIUM)) {
	if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
		fail([
			'It is not installed, and only root can install it. Run:',
			'  sudo apt-get update && sudo apt-get install -y chromium',
			'then run the tests again.'
		]);
	}
	console.log('ensure-chromium: installing chromium (apt-get update && apt-get install -y chromium)');
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	try {
		execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
		execFileSync('apt-get', ['install', '-y', 'chromium'], { stdio: 'inherit', env });
	} catch (error) {
		fail([`Installing it failed: ${error.message}`, 'Install it by hand: apt-get update && apt-get install -y chromium']);
	}
	if (!existsSync(CHROMIUM)) fail(['apt-get finished but /usr/bin/chromium is still missing.']);
}

const found = version();
if (!found) fail([`${CHROMIUM} is there but \`chromium --version\` failed: the package may be broken.`, 'Reinstall it: apt-get install --reinstall -y chromium']);
console.log(`ensure-chromium: ${found}`);
