import { describe, expect, it } from 'vitest';
import { TemplateError, extractVariables, extractVariablesLenient, missingVariables, renderTemplate } from '$lib/template';

describe('the template language (Mustache)', () => {
	it('lists variables in order of first use, sections included, each once', () => {
		expect(extractVariables('Review {{language}} code:\n{{#strict}}Be strict.{{/strict}}{{^strict}}Be kind.{{/strict}} {{code}} {{language}}')).toEqual([
			'language',
			'strict',
			'code'
		]);
	});

	it('renders plain text: nothing is HTML-escaped', () => {
		expect(renderTemplate('Fix: {{code}}', { code: 'if (a < b && c > "d") {}' })).toBe('Fix: if (a < b && c > "d") {}');
	});

	it('renders conditionals and lists', () => {
		const template = '{{#items}}- {{.}}\n{{/items}}{{^items}}nothing{{/items}}';
		expect(renderTemplate(template, { items: ['a', 'b'] })).toBe('- a\n- b\n');
		expect(renderTemplate(template, { items: [] })).toBe('nothing');
	});

	it('names a malformed template instead of rendering garbage', () => {
		expect(() => renderTemplate('{{#open}} never closed', {})).toThrow(TemplateError);
		expect(extractVariablesLenient('{{#open}} {{name}}')).toEqual(['open', 'name']);
	});

	it('tells which variables a set of values leaves out', () => {
		expect(missingVariables('{{a}} {{b}} {{#c}}{{/c}}', { a: 1 })).toEqual(['b', 'c']);
	});
});
