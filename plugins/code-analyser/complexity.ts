// Cyclomatic complexity per function, McCabe's 1 + decision points, counted on the source with
// strings and comments blanked out. A lexical count, not a parse: close to radon / eslint's
// `complexity` rule on ordinary code. Bounded: at most COMPLEXITY_LIMITS.functions functions of the
// first COMPLEXITY_LIMITS.sourceChars characters, each found and measured in time linear in its body.
export interface FunctionComplexity { name: string; line: number; complexity: number }

export const COMPLEXITY_LIMITS = { sourceChars: 100_000, functions: 200 } as const;

function blank(code: string, language: 'python' | 'javascript'): string {
	const keep = (s: string) => s.replace(/[^\n]/g, ' ');
	// An unterminated string or comment runs to the end (as in a parser): tried again from every later
	// quote, the lazy `[\s\S]*?` would make the scan quadratic.
	const pattern = language === 'python'
		? /("""[\s\S]*?(?:"""|$)|'''[\s\S]*?(?:'''|$)|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|#[^\n]*)/g
		: /(`(?:\\.|[^`\\])*(?:`|$)|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$))/g;
	return code.replace(pattern, keep);
}

const count = (text: string, re: RegExp) => (text.match(re) ?? []).length;

export function pythonComplexity(source: string): FunctionComplexity[] {
	const lines = blank(source.slice(0, COMPLEXITY_LIMITS.sourceChars), 'python').split('\n');
	const result: FunctionComplexity[] = [];
	for (let i = 0; i < lines.length && result.length < COMPLEXITY_LIMITS.functions; i++) {
		const def = lines[i]!.match(/^([ \t]*)(?:async[ \t]+)?def[ \t]+(\w+)/);
		if (!def) continue;
		const indent = def[1]!.length;
		// The body: the lines after, up to the first non-blank line indented no deeper. Nested
		// functions count for themselves, not for their parent: from the first one on, the lines
		// are theirs.
		const own: string[] = [];
		let nested = false;
		for (let end = i + 1; end < lines.length; end++) {
			const text = lines[end]!;
			if (text.trim() && text.match(/^[ \t]*/)![0].length <= indent) break;
			nested ||= /^[ \t]*(async[ \t]+)?def[ \t]/.test(text);
			if (!nested) own.push(text);
		}
		const body = own.join('\n');
		const decisions = count(body, /\b(if|elif|for|while|except|and|or|case)\b/g) + count(body, /\bassert\b/g);
		result.push({ name: def[2]!, line: i + 1, complexity: 1 + decisions });
	}
	return result;
}

export function javascriptComplexity(source: string): FunctionComplexity[] {
	const code = blank(source.slice(0, COMPLEXITY_LIMITS.sourceChars), 'javascript');
	const result: FunctionComplexity[] = [];
	// Parameter lists and return types are bounded: unbounded, every `function` of a text without
	// a `{` would scan to its end.
	const starts = /(?:function\s*\*?\s*(\w*)\s*\([^)]{0,2000}\)[^{]{0,300}|(\w+)\s*=\s*(?:async\s*)?(?:\([^)]{0,2000}\)|\w+)\s*=>\s*|^[ \t]*(?:async\s+)?(\w+)\s*\([^)]{0,2000}\)\s*(?::[^{]{0,300})?)\{/gm;
	let lineAt = 0;
	let line = 1;
	for (const m of code.matchAll(starts)) {
		if (result.length >= COMPLEXITY_LIMITS.functions) break;
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
		for (; lineAt < m.index; lineAt++) if (code.charCodeAt(lineAt) === 10) line++;
		result.push({ name, line: line + (m[0].match(/^\s*\n/) ? 1 : 0), complexity: 1 + decisions });
	}
	return result;
}
