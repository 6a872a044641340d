// Finds the code in a model's output: fenced blocks with their language, or the whole output when
// it is bare code. Shared by the code analyser and the security scanner. Linear in the output: line
// anchors match spaces and tabs only (`^\s*` would run across every following blank line), and
// fences are paired in one pass over the lines.
export type Language = 'python' | 'javascript' | 'typescript' | 'shell' | 'unknown';
export interface CodeBlock { language: Language; declared: string | null; code: string; /** 1-based line of the code's first line in the output. */ line: number; fenced: boolean }

const ALIASES: Record<string, Language> = {
	python: 'python', py: 'python', python3: 'python', javascript: 'javascript', js: 'javascript', jsx: 'javascript', mjs: 'javascript',
	node: 'javascript', typescript: 'typescript', ts: 'typescript', tsx: 'typescript', bash: 'shell', sh: 'shell', shell: 'shell', zsh: 'shell', console: 'shell'
};

/** Guesses a snippet's language from keywords that only one of them uses. */
export function detectLanguage(code: string): Language {
	const score = { python: 0, javascript: 0, typescript: 0, shell: 0 };
	if (/^#!.*\b(ba|z)?sh\b/m.test(code)) score.shell += 5;
	if (/^[ \t]*(def|class)[ \t]+\w+.*:[ \t]*$/m.test(code)) score.python += 3;
	if (/^[ \t]*(from[ \t]+[\w.]+[ \t]+import|import[ \t]+[\w.]+([ \t]+as[ \t]+\w+)?[ \t]*$)/m.test(code)) score.python += 2;
	if (/^[ \t]*(elif|except|try)\b.*:[ \t]*$|\bself\.|\bprint\(|\bNone\b|\bTrue\b|\bFalse\b/m.test(code)) score.python += 1;
	if (/\bfunction\s+\w*\s*\(|=>|\b(const|let|var)\s+\w+\s*=|console\.log|require\(/.test(code)) score.javascript += 3;
	if (/^[ \t]*import[ \t]+.+[ \t]+from[ \t]+['"]/m.test(code) || /;[ \t]*$/m.test(code)) score.javascript += 1;
	if (/\binterface\s+\w+\s*\{|\btype\s+\w+\s*=|:\s*(string|number|boolean|void|any|unknown)\b|\bas\s+const\b|<\w+>\(/.test(code)) score.typescript += 4;
	if (/^[ \t]*(sudo|apt(-get)?|curl|wget|echo|export|cd|chmod|rm|ls|pip|npm)\s/m.test(code)) score.shell += 2;
	if (score.typescript > 0 && score.javascript + score.typescript > score.python) return 'typescript';
	const [best, value] = Object.entries(score).sort((a, b) => b[1] - a[1])[0]!;
	return value >= 2 ? (best as Language) : 'unknown';
}

/** A fence's opening line: indent, ``` or ~~~ (3 or more, the whole run), an optional language. */
const OPENER = /^([ \t]*)(`{3,}(?!`)|~{3,}(?!~))[ \t]*([\w+#.-]*)/;
/** A closing line: the same indent and fence, nothing after but spaces. */
const CLOSER = /^([ \t]*)(`{3,}|~{3,})[ \t]*$/;

/** Strips blank lines around the code but keeps its indentation (a function body starts indented). */
function trimBlankLines(code: string): string {
	return code.replace(/^(?:[ \t]*\n)+/, '').trimEnd() + '\n';
}

/**
 * Fenced blocks: an opening line, then the lines up to the next closing line with the same indent
 * and fence (an opening line with no such closer is not a block). One pass: the closers of each
 * indent and fence are listed first, in order.
 */
function fencedBlocks(output: string): CodeBlock[] {
	const lines = output.split('\n');
	const closers = new Map<string, number[]>();
	lines.forEach((text, i) => {
		const closer = CLOSER.exec(text);
		if (!closer) return;
		const fence = closer[1]! + closer[2]!;
		const list = closers.get(fence);
		if (list) list.push(i);
		else closers.set(fence, [i]);
	});
	const next = new Map<string, number>(); // per fence, how far its closers were used up
	const blocks: CodeBlock[] = [];
	for (let i = 0; i < lines.length - 1; i++) {
		const opener = OPENER.exec(lines[i]!);
		if (!opener) continue;
		const fence = opener[1]! + opener[2]!;
		const candidates = closers.get(fence) ?? [];
		let k = next.get(fence) ?? 0;
		while (k < candidates.length && candidates[k]! <= i) k++;
		next.set(fence, k);
		if (k === candidates.length) continue;
		const end = candidates[k]!;
		const declared = opener[3] ? opener[3].toLowerCase() : null;
		const code = lines.slice(i + 1, end).map((text) => `${text}\n`).join('');
		blocks.push({ language: (declared && ALIASES[declared]) || detectLanguage(code), declared, code: code.endsWith('\n') ? code : code + '\n', line: i + 2, fenced: true });
		i = end;
	}
	return blocks;
}

export function extractCodeBlocks(output: string): CodeBlock[] {
	const blocks = fencedBlocks(output);
	if (blocks.length === 0 && output.trim()) {
		const language = detectLanguage(output);
		if (language !== 'unknown') {
			const leading = output.match(/^(?:[ \t]*\n)*/)![0].split('\n').length;
			blocks.push({ language, declared: null, code: trimBlankLines(output), line: leading, fenced: false });
		}
	}
	return blocks;
}
