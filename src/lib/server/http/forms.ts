// Reading and answering forms the same way in every action: parse with a zod schema, answer a
// bad form with 400 and per-field messages, and map a ServiceError to its status.
import { fail, type ActionFailure } from '@sveltejs/kit';
import type { z } from 'zod';
import type { FormFailure } from '$lib/forms';
import { ServiceError } from '../errors';

/** Never echo these back into a page. */
const SECRET_FIELDS = new Set(['password', 'confirmPassword', 'currentPassword', 'newPassword']);

export type Parsed<T> = { ok: true; data: T; values: Record<string, string> } | { ok: false; failure: ActionFailure<FormFailure> };

export function formValues(formData: FormData): Record<string, string> {
	const values: Record<string, string> = {};
	for (const [key, value] of formData) {
		if (typeof value === 'string' && !SECRET_FIELDS.has(key)) values[key] = value.slice(0, 5000);
	}
	return values;
}

export async function parseForm<S extends z.ZodType>(request: Request, schema: S): Promise<Parsed<z.infer<S>>> {
	let formData: FormData;
	try {
		formData = await request.formData();
	} catch {
		return { ok: false, failure: fail(400, { message: 'The form could not be read.' }) };
	}
	// A name sent more than once (checkboxes of one list) arrives as an array, in order; a schema
	// that expects one value refuses an array, so a doubled field is never silently dropped.
	const raw: Record<string, FormDataEntryValue | FormDataEntryValue[]> = {};
	for (const key of new Set(formData.keys())) {
		const all = formData.getAll(key);
		raw[key] = all.length === 1 ? all[0]! : all;
	}
	const values = formValues(formData);
	const result = schema.safeParse(raw);
	if (result.success) return { ok: true, data: result.data, values };
	const errors: Record<string, string> = {};
	for (const issue of result.error.issues) {
		const field = String(issue.path[0] ?? 'form');
		errors[field] ??= issue.message;
	}
	return { ok: false, failure: fail(400, { message: 'Please correct the highlighted fields.', errors, values }) };
}

/** A ServiceError becomes an action failure with its status; anything else is rethrown. */
export function toFailure(error: unknown, values: Record<string, string> = {}): ActionFailure<FormFailure> {
	if (!(error instanceof ServiceError)) throw error;
	const body: FormFailure = { message: error.message, values };
	if (error.field) body.errors = { [error.field]: error.message };
	return fail(error.status, body);
}
