// Ready-to-run code that fetches a prompt by label (or version) and runs it through the prompt API:
// curl, TypeScript (fetch) and Python (requests). Built from what the page knows (the studio's
// origin, the prompt's slug, the chosen label and the version's variables), so a program gets the
// real paths; the token comes from the CTS_API_TOKEN environment variable, never pasted into code.
// The integration tests run these very snippets against a studio.

/** Which version a program asks for: by label (what the snippets are for), or by number. */
export type VersionChoice = { label: string } | { version: number };

export interface SnippetInput {
	/** The studio's public origin, e.g. https://studio.example.com (no trailing slash). */
	origin: string;
	promptSlug: string;
	choice: VersionChoice;
	/** The template's variables: each gets a placeholder value to replace. */
	variables: string[];
}

export interface PromptSnippets {
	curl: string;
	typescript: string;
	python: string;
}

/** The environment variable the snippets read the token from. */
export const TOKEN_VARIABLE = 'CTS_API_TOKEN';

/** A placeholder value for a variable: says what goes there. */
export const placeholderFor = (variable: string) => `<${variable}>`;

function runBody(input: SnippetInput): Record<string, unknown> {
	const variables = Object.fromEntries(input.variables.map((name) => [name, placeholderFor(name)]));
	return { ...input.choice, variables, stream: false };
}

const query = (choice: VersionChoice) => ('label' in choice ? `label=${encodeURIComponent(choice.label)}` : `version=${choice.version}`);
const what = (choice: VersionChoice) => ('label' in choice ? `the version labelled ${choice.label}` : `version ${choice.version}`);

/** `text` inside single quotes for a POSIX shell. */
const shellQuoted = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/** A JSON-like value as Python source (strings, numbers, booleans, dicts and lists only). */
function python(value: unknown, indent = ''): string {
	if (value === true) return 'True';
	if (value === false) return 'False';
	if (value === null) return 'None';
	if (Array.isArray(value)) return `[${value.map((v) => python(v, indent)).join(', ')}]`;
	if (typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>);
		if (entries.length === 0) return '{}';
		const inner = `${indent}    `;
		return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${python(v, inner)}`).join(',\n')}\n${indent}}`;
	}
	return JSON.stringify(value);
}

export function promptSnippets(input: SnippetInput): PromptSnippets {
	const base = `${input.origin}/api/v1/prompts/${encodeURIComponent(input.promptSlug)}`;
	const body = runBody(input);
	const bodyJson = JSON.stringify(body);
	const curl = [
		`# Fetch ${what(input.choice)}`,
		`curl --fail-with-body -H "Authorization: Bearer $${TOKEN_VARIABLE}" \\`,
		`  ${shellQuoted(`${base}?${query(input.choice)}`)}`,
		'',
		'# Run it: the answer comes as one JSON body when the run ends',
		`curl --fail-with-body -H "Authorization: Bearer $${TOKEN_VARIABLE}" -H 'Content-Type: application/json' \\`,
		`  -d ${shellQuoted(bodyJson)} \\`,
		`  ${shellQuoted(`${base}/run`)}`
	].join('\n');

	const typescript = [
		`const base = ${JSON.stringify(base)};`,
		`const token = process.env.${TOKEN_VARIABLE};`,
		'',
		'async function call(path: string, init: RequestInit = {}): Promise<any> {',
		'\tconst response = await fetch(base + path, {',
		'\t\t...init,',
		"\t\theaders: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }",
		'\t});',
		'\tconst body = await response.json();',
		'\tif (!response.ok) throw new Error(`${body.error.code}: ${body.error.message}`);',
		'\treturn body;',
		'}',
		'',
		`// Fetch ${what(input.choice)}`,
		`const prompt = await call(${JSON.stringify(`?${query(input.choice)}`)});`,
		'console.log(prompt);',
		'',
		'// Run it: the answer comes as one JSON body when the run ends',
		`const run = await call('/run', { method: 'POST', body: JSON.stringify(${JSON.stringify(body, null, '\t')}) });`,
		'console.log(run.text);'
	].join('\n');

	const params = 'label' in input.choice ? { label: input.choice.label } : { version: input.choice.version };
	const py = [
		'import os',
		'',
		'import requests',
		'',
		`BASE = ${JSON.stringify(base)}`,
		`HEADERS = {"Authorization": f"Bearer {os.environ['${TOKEN_VARIABLE}']}"}`,
		'',
		`# Fetch ${what(input.choice)}`,
		`prompt = requests.get(BASE, params=${python(params)}, headers=HEADERS, timeout=30)`,
		'prompt.raise_for_status()',
		'print(prompt.json())',
		'',
		'# Run it: the answer comes as one JSON body when the run ends',
		`run = requests.post(f"{BASE}/run", json=${python(body)}, headers=HEADERS, timeout=600)`,
		'run.raise_for_status()',
		'print(run.json()["text"])'
	].join('\n');

	return { curl, typescript, python: py };
}

export interface VersionOption {
	/** What the select shows: "production (v3)". */
	title: string;
	choice: VersionChoice;
	variables: string[];
}

/**
 * What a program can ask for: every label of the prompt (production first, then by name), each with
 * its version's variables; with no label yet, the newest version by number. Versions newest first.
 */
export function versionOptions(versions: { number: number; labels: string[]; variables: string[] }[]): VersionOption[] {
	const labelled = versions.flatMap((v) => v.labels.map((label) => ({ title: `${label} (v${v.number})`, choice: { label }, variables: v.variables, label })));
	labelled.sort((a, b) => (a.label === 'production' ? -1 : b.label === 'production' ? 1 : a.label.localeCompare(b.label)));
	if (labelled.length > 0) return labelled.map(({ label: _label, ...option }) => option);
	const newest = versions[0];
	return newest ? [{ title: `v${newest.number}, the newest (no label yet)`, choice: { version: newest.number }, variables: newest.variables }] : [];
}
