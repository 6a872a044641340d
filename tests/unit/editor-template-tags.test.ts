import { describe, expect, it } from 'vitest';
import { extractVariablesLenient } from '$lib/template';
import { findTemplateTags, sectionNames } from '$lib/components/editor/template-tags';

const tagsOf = (text: string) => findTemplateTags(text).map(({ from, to, kind, name }) => ({ text: text.slice(from, to), kind, name }));

describe('template tag highlighting in the editor', () => {
	it('marks variables, sections, inverted sections and their ends, each with its kind', () => {
		expect(tagsOf('Review {{language}}:\n{{#strict}}Be strict.{{/strict}}{{^strict}}Be kind.{{/strict}}')).toEqual([
			{ text: '{{language}}', kind: 'variable', name: 'language' },
			{ text: '{{#strict}}', kind: 'section', name: 'strict' },
			{ text: '{{/strict}}', kind: 'end', name: 'strict' },
			{ text: '{{^strict}}', kind: 'inverted', name: 'strict' },
			{ text: '{{/strict}}', kind: 'end', name: 'strict' }
		]);
	});

	it('covers exactly the tag, spaces inside the braces included', () => {
		const text = 'a {{ name }} b {{# items }}x{{/ items }}';
		expect(tagsOf(text).map((t) => t.text)).toEqual(['{{ name }}', '{{# items }}', '{{/ items }}']);
	});

	it('treats unescaped and dotted names as variables', () => {
		expect(tagsOf('{{&raw}} {{{triple}}} {{user.name}} {{.}}')).toEqual([
			{ text: '{{&raw}}', kind: 'variable', name: 'raw' },
			{ text: '{{{triple}}}', kind: 'variable', name: 'triple' },
			{ text: '{{user.name}}', kind: 'variable', name: 'user.name' },
			{ text: '{{.}}', kind: 'variable', name: '.' }
		]);
	});

	it('leaves half-typed tags, comments and single braces alone', () => {
		expect(tagsOf('{{name} {name}} {{ }} {{!a comment}} {{name')).toEqual([]);
	});

	it('marks the same variables the side panel lists, while a section is still open', () => {
		const text = '{{#open}} {{name}} and {{other}}';
		const marked = [...new Set(findTemplateTags(text).map((t) => t.name))];
		expect(marked).toEqual(extractVariablesLenient(text));
	});

	it('knows which variables are sections', () => {
		expect([...sectionNames('{{#a}}{{b}}{{/a}}{{^c.d}}{{/c.d}}')]).toEqual(['a', 'c']);
	});
});
