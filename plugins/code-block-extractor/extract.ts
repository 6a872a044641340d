// Finds the code in a model's output: fenced blocks with their language, or the whole output when
// it is bare code. Shared by the code analyser and the security scanner.
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
	if (/^\s*(def|class)\s+\w+.*:\s*$/m.test(code)) score.python += 3;
	if (/^\s*(from\s+[\w.]+\s+import|import\s+[\w.]+(\s+as\s+\w+)?\s*$)/m.test(code)) score.python += 2;
	if (/^\s*(elif|except|try)\b.*:\s*$|\bself\.|\bprint\(|\bNone\b|\bTrue\b|\bFalse\b/m.test(code)) score.python += 1;
	if (/\bfunction\s+\w*\s*\(|=>|\b(const|let|var)\s+\w+\s*=|console\.log|require\(/.test(code)) score.javascript += 3;
	if (/^\s*import\s+.+\s+from\s+['"]/m.test(code) || /;\s*$/m.test(code)) score.javascript += 1;
	if (/\binterface\s+\w+\s*\{|\btype\s+\w+\s*=|:\s*(string|number|boolean|void|any|unknown)\b|\bas\s+const\b|<\w+>\(/.test(code)) score.typescript += 4;
	if (/^\s*(sudo|apt(-get)?|curl|wget|echo|export|cd|chmod|rm|ls|pip|npm)\s/m.test(code)) score.shell += 2;
	if (score.typescript > 0 && score.javascript + score.typescript > score.python) return 'typescript';
	const [best, value] = Object.entries(score).sort((a, b) => b[1] - a[1])[0]!;
	return value >= 2 ? (best as Language) : 'unknown';
}

const FENCE = /^([ \t]*)(`{3,}|~{3,})[ \t]*([\w+#.-]*)[^\n]*\n([\s\S]*?)^\1\2[ \t]*$/gm;

/** Strips blank lines around the code but keeps its indentation (a function body starts indented). */
function trimBlankLines(code: string): string {
	return code.replace(/^(?:[ \t]*\n)+/, '').replace(/\s+$/, '') + '\n';
}

export function extractCodeBlocks(output: string): CodeBlock[] {
	const blocks: CodeBlock[] = [];
	for (const match of output.matchAll(FENCE)) {
		const declared = match[3] ? match[3].toLowerCase() : null;
		const code = match[4] ?? '';
		const line = output.slice(0, match.index).split('\n').length + 1;
		blocks.push({ language: (declared && ALIASES[declared]) || detectLanguage(code), declared, code: code.endsWith('\n') ? code : code + '\n', line, fenced: true });
	}
	if (blocks.length === 0 && output.trim()) {
		const language = detectLanguage(output);
		if (language !== 'unknown') {
			const leading = output.match(/^(?:[ \t]*\n)*/)![0].split('\n').length;
			blocks.push({ language, declared: null, code: trimBlankLines(output), line: leading, fenced: false });
		}
	}
	return blocks;
}
