// What a page's banner says of a form's outcome when it says anything: one message per outcome, in
// one place. A field's own error is the field's to show; a summary or a whole-form failure is the
// banner's (after a submission without JavaScript; with it, a toast says it and the banner is quiet).
import { describe, expect, it } from 'vitest';
import { formWideMessage, outcomeMessage, saidAlready } from '$lib/components/form-feedback.svelte';

describe('the banner of a form’s outcome', () => {
	it('leaves a field’s own error to the field, and says a success, a summary and a whole-form failure', () => {
		expect(outcomeMessage({ message: 'Enter a name.', errors: { name: 'Enter a name.' }, values: {} })).toBeUndefined();
		expect(outcomeMessage({ message: 'Please correct the highlighted fields.', errors: { userId: 'Invalid UUID' } })).toEqual({ kind: 'error', text: 'Please correct the highlighted fields.' });
		expect(outcomeMessage({ message: 'You are the last owner.' })).toEqual({ kind: 'error', text: 'You are the last owner.' });
		expect(outcomeMessage({ success: true, message: 'Rated 4 of 5.' })).toEqual({ kind: 'success', text: 'Rated 4 of 5.' });
		expect(outcomeMessage({ success: true })).toBeUndefined();
		expect(outcomeMessage(null)).toBeUndefined();
	});

	it('has said nothing before any enhanced submission', () => {
		expect(saidAlready({ success: true, message: 'Saved.' })).toBe(false);
		expect(saidAlready(null)).toBe(false);
	});
});

describe('the message a form shows above its fields', () => {
	it('is nothing when every problem is a field’s: each field says its own', () => {
		expect(formWideMessage({ message: 'Please correct the highlighted fields.', errors: { username: 'Enter your username.', password: 'Enter your password.' } })).toBeUndefined();
		expect(formWideMessage({ message: 'That username is taken.', errors: { username: 'That username is taken.' }, values: {} })).toBeUndefined();
	});

	it('is a problem of the whole form: wrong credentials, a rate limit, a rule of no one field', () => {
		expect(formWideMessage({ message: 'That username and password do not match an account.', values: { username: 'ada' } })).toBe(
			'That username and password do not match an account.'
		);
		expect(formWideMessage({ message: 'Too many failed sign-ins. Try again in 5 minutes.' })).toBe('Too many failed sign-ins. Try again in 5 minutes.');
		expect(formWideMessage({ message: 'Please correct the highlighted fields.', errors: { form: 'Choose at least one scope.' } })).toBe('Choose at least one scope.');
	});

	it('is nothing after a success or before any submit', () => {
		expect(formWideMessage({ success: true, message: 'Saved.' })).toBeUndefined();
		expect(formWideMessage(null)).toBeUndefined();
		expect(formWideMessage(undefined)).toBeUndefined();
	});
});
