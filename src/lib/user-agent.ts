// A browser's User-Agent in a person's words ("Firefox on Windows"), to tell their sessions apart.
// Only the families people recognise; the order matters, since Chromium-based browsers also say
// "Chrome" and "Safari", and Chrome says "Safari" too.

const BROWSERS: [RegExp, string][] = [
	[/\bEdg(?:e|A|iOS)?\//, 'Edge'],
	[/\bOPR\/|\bOpera\b/, 'Opera'],
	[/\bSamsungBrowser\//, 'Samsung Internet'],
	[/\bFirefox\/|\bFxiOS\//, 'Firefox'],
	[/\bCriOS\/|Chrome\/|\bChromium\//, 'Chrome'],
	[/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
	[/^curl\//, 'curl (a command line)'],
	[/^node\b|\bundici\b|^node-fetch\b/, 'A Node.js program'],
	[/^python-requests\/|\bpython\b/i, 'A Python program']
];

const SYSTEMS: [RegExp, string][] = [
	[/\biPhone\b/, 'iPhone'],
	[/\biPad\b/, 'iPad'],
	[/\bAndroid\b/, 'Android'],
	[/\bCrOS\b/, 'ChromeOS'],
	[/\bWindows\b/, 'Windows'],
	[/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
	[/\bLinux\b/, 'Linux']
];

/** "Firefox on Windows", "Chrome", "Linux", or "An unknown browser" when nothing is recognised. */
export function describeUserAgent(userAgent: string): string {
	const browser = BROWSERS.find(([pattern]) => pattern.test(userAgent))?.[1];
	const system = SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1];
	if (browser && system) return `${browser} on ${system}`;
	if (browser) return browser;
	if (system) return `A browser on ${system}`;
	return userAgent.trim() ? 'An unknown browser' : 'A browser that did not say which';
}
