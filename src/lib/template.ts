// The one template language of the studio: Mustache (mustache.js), identical in the editor's
// preview, on the server and through the API. `{{name}}` inserts a variable, `{{#name}}…{{/name}}`
// is a section (shown when truthy, repeated over lists), `{{^name}}…{{/name}}` its inverse.
// Prompts are plain text, so nothing is HTML-escaped.
import Mustache from 'mustache';

export class TemplateError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'TemplateError';
	}
}

type Token = [type: string, value: string, start: number, end: number, children?: Token[]];

function parse(template: string): Token[] {
	try {
		return Mustache.parse(template) as unknown as Token[];
	} catch (error) {
		throw new TemplateError(`The template cannot be read: ${(error as Error).message}`);
	}
}

/** Variables in order of first use, sections and inverted sections included. */
export function extractVariables(template: string): string[] {
	const names = new Set<string>();
	const walk = (tokens: Token[]) => {
		for (const [type, value, , , children] of tokens) {
			if (type === 'name' || type === '&' || type === '#' || type === '^') {
				// `{{.}}` inside a list section is the item itself, not a variable of the prompt.
				if (value !== '.') names.add(value.split('.')[0]!);
			}
			if (children) walk(children);
		}
	};
	walk(parse(template));
	return [...names];
}

/** Like extractVariables, but never throws: what the editor shows while a section is half typed. */
export function extractVariablesLenient(template: string): string[] {
	try {
		return extractVariables(template);
	} catch {
		return [...new Set([...template.matchAll(/\{\{\s*[#^/&]?\s*([\w.-]+)\s*\}\}/g)].map((m) => m[1]!.split('.')[0]!))];
	}
}

export type TemplateValues = Record<string, unknown>;

export function renderTemplate(template: string, values: TemplateValues): string {
	parse(template); // a clear TemplateError for a malformed template, before rendering
	return Mustache.render(template, values, {}, { escape: (text: string) => text });
}

/** Variables the template uses that `values` does not provide. */
export function missingVariables(template: string, values: TemplateValues): string[] {
	return extractVariables(template).filter((name) => !(name in values));
}
