// The scanner's rules, one regular expression per line of output. Secrets are reported with their
// value masked: the finding is stored and shown, and must not leak the secret again. Some rules
// cost time quadratic in a line's length (`curl … | sh`, `.*` then more): the scanner reads long
// lines in windows of SCAN_LIMITS.windowChars.
import type { Severity } from '$lib/plugins';

export const SCAN_LIMITS = {
	/** Characters of an output scanned at most. */
	outputChars: 200_000,
	/** A longer line is read in windows this long, each overlapping the previous by `overlapChars`. */
	windowChars: 2_000,
	overlapChars: 200
} as const;

export interface Rule { id: string; category: 'secret' | 'shell' | 'vulnerable'; severity: Severity; pattern: RegExp; message: string }

export const RULES: Rule[] = [
	{ id: 'aws-access-key', category: 'secret', severity: 'error', pattern: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/, message: 'AWS access key id' },
	{ id: 'aws-secret-key', category: 'secret', severity: 'error', pattern: /aws_secret_access_key\s*[=:]\s*['"]?[A-Za-z0-9/+]{40}\b/i, message: 'AWS secret access key' },
	{ id: 'private-key', category: 'secret', severity: 'error', pattern: /-----BEGIN ((RSA|EC|DSA|OPENSSH|PGP) )?PRIVATE KEY( BLOCK)?-----/, message: 'private key' },
	{ id: 'github-token', category: 'secret', severity: 'error', pattern: /\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})\b/, message: 'GitHub token' },
	{ id: 'slack-token', category: 'secret', severity: 'error', pattern: /\bxox[baprs]-[A-Za-z0-9-]{10,}\b|hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+/, message: 'Slack token or webhook' },
	{ id: 'huggingface-token', category: 'secret', severity: 'error', pattern: /\bhf_[A-Za-z0-9]{30,}\b/, message: 'Hugging Face token' },
	{ id: 'rm-rf-root', category: 'shell', severity: 'error', pattern: /\brm\s+(?=(?:-[-\w]+\s+)*-[a-zA-Z]*[rR])(?:-[-\w]+\s+)*(\/\*?|~\/?|\$HOME\/?)(?=\s|$|;|&)/, message: 'recursive delete of / or the home directory' },
	{ id: 'curl-pipe-shell', category: 'shell', severity: 'error', pattern: /\b(curl|wget)\b[^|\n]*\|\s*(sudo\s+)?(ba|z|da)?sh\b/, message: 'downloads a script and runs it unseen' },
	{ id: 'chmod-777', category: 'shell', severity: 'warning', pattern: /\bchmod\s+(-R\s+)?(0?777|a\+rwx)\b/, message: 'world-writable permissions' },
	{ id: 'fork-bomb', category: 'shell', severity: 'error', pattern: /:\s*\(\s*\)\s*\{\s*:\s*\|\s*:\s*&\s*\}\s*;\s*:/, message: 'fork bomb' },
	{ id: 'tls-verify-disabled', category: 'shell', severity: 'warning', pattern: /\bverify\s*=\s*False\b|\bcurl\b.*\s(-k|--insecure)\b|NODE_TLS_REJECT_UNAUTHORIZED\s*=\s*['"]?0|rejectUnauthorized\s*:\s*false|--no-check-certificate|InsecureSkipVerify:\s*true|ssl\._create_unverified_context/, message: 'TLS certificate verification disabled' },
	{ id: 'eval-exec-input', category: 'vulnerable', severity: 'error', pattern: /\b(eval|exec)\s*\(\s*(input\s*\(|request\.|req\.(body|query|params)|sys\.argv|params\b|user_?input)/, message: 'eval/exec of user input' },
	{ id: 'pickle-loads', category: 'vulnerable', severity: 'warning', pattern: /\b(c?pickle|dill)\.loads?\s*\(/, message: 'pickle loads run arbitrary code from untrusted data' },
	{ id: 'yaml-unsafe-load', category: 'vulnerable', severity: 'warning', pattern: /\byaml\.load\s*\((?!.*Loader\s*=\s*(yaml\.)?C?SafeLoader)/, message: 'yaml.load without SafeLoader' },
	{ id: 'sql-string-format', category: 'vulnerable', severity: 'error', pattern: /\b(execute|executemany|query|raw)\s*\(\s*(f"[^"]*\b(SELECT|INSERT|UPDATE|DELETE)\b[^"]*\{|f'[^']*\b(SELECT|INSERT|UPDATE|DELETE)\b[^']*\{|"[^"]*\b(SELECT|INSERT|UPDATE|DELETE)\b[^"]*"\s*(%|\+|\.format\()|'[^']*\b(SELECT|INSERT|UPDATE|DELETE)\b[^']*'\s*(%|\+|\.format\()|`[^`]*\b(SELECT|INSERT|UPDATE|DELETE)\b[^`]*\$\{)/i, message: 'SQL built by string formatting (injection); use parameters' },
	{ id: 'subprocess-shell-true', category: 'vulnerable', severity: 'warning', pattern: /\bsubprocess\.\w+\([^)]*shell\s*=\s*True|\bos\.system\s*\(/, message: 'command run through a shell' },
	{ id: 'weak-password-hash', category: 'vulnerable', severity: 'error', pattern: /\b(hashlib\.(md5|sha1)|createHash\(\s*['"](md5|sha1)['"]\s*\))[^\n]*\bpass(word|wd)?\b|\bpass(word|wd)?\b[^\n]*\b(hashlib\.(md5|sha1)|createHash\(\s*['"](md5|sha1)['"])/i, message: 'MD5/SHA-1 used for a password' }
];

/** Shannon entropy in bits per character. */
export function entropy(text: string): number {
	const counts = new Map<string, number>();
	for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
	let bits = 0;
	for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
	return bits;
}

/**
 * `name = "…"` or `name: '…'`: a name of at most 64 word characters or dashes, starting where no
 * such character precedes it, then a quoted value of 16 or more characters. Every part is bounded
 * or cannot overlap the next, so a line costs linear time (the older one-piece expression, with
 * the keyword inside `[\w-]*…[\w-]*`, took cubic time on `token-token-…`).
 */
const ASSIGNMENT = /(?<![\w-])([\w-]{1,64})(?<=\w)[ \t]{0,16}[:=][ \t]{0,16}['"]([^'"\s]{16,})['"]/g;
const SECRET_NAME = /secret|token|api[_-]?key|passw(?:or)?d|pwd|credential|auth/i;

/** The first assignment on a line whose name says it holds a secret (`password = "…"`, `API_KEY: '…'`). */
export function secretAssignment(line: string): { name: string; value: string } | null {
	for (const match of line.matchAll(ASSIGNMENT)) if (SECRET_NAME.test(match[1]!)) return { name: match[1]!, value: match[2]! };
	return null;
}

export function mask(value: string): string {
	return value.length <= 8 ? '****' : `${value.slice(0, 4)}…${value.slice(-2)}`;
}
