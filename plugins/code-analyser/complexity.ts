// Cyclomatic complexity per function, McCabe's 1 + decision points, counted on the source with
// strings and comments blanked out. A lexical count, not a parse: close to radon / eslint's
// `complexity` rule on ordinary code.
export interface FunctionComplexity { name: string; line: number; complexity: number }

function blank(code: string, language: 'python' | 'javascript'): string {
	const keep = (s: string) => s.replace(/[^\n]/g, ' ');
	const pattern = language === 'python'
		? /("""[\s\S]*?"""|'''[\s\S]*?'''|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|#[^\n]*)/g
		: /(`(?:\\.|[^`\\])*`|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|\/\/[^\n]*|\/\*[\s\S]*?\*\/)/g;
	return code.replace(pattern, keep);
}

const count = (text: string, re: RegExp) => (text.match(re) ?? []).length;

export function pythonComplexity(source: string): FunctionComplexity[] {
	const lines = blank(source, 'python').split('\n');
	const result: FunctionComplexity[] = [];
	lines.forEach((line, i) => {
		const def = line.match(/^(\s*)(?:async\s+)?def\s+(\w+)/);
		if (!def) return;
		const indent = def[1]!.length;
		let end = i + 1;
		while (end < lines.length && (!lines[end]!.trim() || lines[end]!.match(/^\s*/)![0].length > indent)) end++;
		// Nested functions count for themselves, not for their parent.
		const body = lines.slice(i + 1, end).filter((l, k, all) => {
			const nested = all.slice(0, k + 1).findLastIndex((x) => /^\s*(async\s+)?def\s/.test(x));
			return nested === -1;
		}).join('\n');
		const decisions = count(body, /\b(if|elif|for|while|except|and|or|case)\b/g) + count(body, /\bassert\b/g);
		result.push({ name: def[2]!, line: i + 1, complexity: 1 + decisions });
	});
	return result;
}

export function javascriptComplexity(source: string): FunctionComplexity[] {
	const code = blank(source, 'javascript');
	const result: FunctionComplexity[] = [];
	const starts = /(?:function\s*\*?\s*(\w*)\s*\([^)]*\)[^{]*|(\w+)\s*=\s*(?:async\s*)?(?:\([^)]*\)|\w+)\s*=>\s*|^\s*(?:async\s+)?(\w+)\s*\([^)]*\)\s*(?::[^{]*)?)\{/gm;
	for (const m of code.matchAll(starts)) {
		const name = m[1] || m[2] || m[3] || '(anonymous)';
		if (['if', 'for', 'while', 'switch', 'catch', 'with'].includes(name)) continue;
		const open = m.index + m[0].length - 1;
		let depth = 0;
		let close = open;
		for (; close < code.length; close++) {
			if (code[close] === '{') depth++;
			else if (code[close] === '}' && --depth === 0) break;
		}
		const body = code.slice(open, close);
		const decisions = count(body, /\b(if|for|while|case|catch)\b/g) + count(body, /&&|\|\||\?\?/g) + count(body, /(?<!\?)\?(?![.?])/g);
		result.push({ name, line: code.slice(0, m.index).split('\n').length + (m[0].match(/^\s*\n/) ? 1 : 0), complexity: 1 + decisions });
	}
	return result;
}
