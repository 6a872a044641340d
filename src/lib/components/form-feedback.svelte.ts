// Glue between form actions and pages: `use:enhance` handling that toasts an action's message and
// tracks whether a submission is in flight, plus reads of a FormFailure (errors and refill values).
// Import it as '$lib/components/form-feedback.svelte'.
import type { ActionResult, SubmitFunction } from '@sveltejs/kit';
import { toast } from 'svelte-sonner';
import type { FormFailure } from '$lib/forms';

export interface FeedbackOptions {
	/** Reset the form after a successful submission (SvelteKit's default: true). */
	reset?: boolean;
	/** Re-run load functions after a successful submission (SvelteKit's default: true). */
	invalidateAll?: boolean;
	/** Runs after the result has been applied, e.g. to close a dialog on success. */
	onResult?: (result: ActionResult) => void;
	/** Toast the result's message (default true); false where the page says it once itself. */
	toast?: boolean;
}

/**
 * One form's submission state. `enhance` is a SubmitFunction for `use:enhance`: it shows a failure's
 * `message` as an error toast and `{ success: true, message }` as a success toast, then applies the
 * result exactly as SvelteKit's default does (form prop, redirects, error page, invalidation).
 */
export class FormFeedback {
	/** True while the form is submitting; bind a submit button's `disabled` to it. */
	pending = $state(false);
	readonly #options: FeedbackOptions;

	constructor(options: FeedbackOptions = {}) {
		this.#options = options;
	}

	readonly enhance: SubmitFunction = () => {
		this.pending = true;
		return async ({ result, update }) => {
			try {
				if (this.#options.toast ?? true) toastFor(result);
				await update({ reset: this.#options.reset ?? true, invalidateAll: this.#options.invalidateAll ?? true });
			} finally {
				this.pending = false;
			}
			this.#options.onResult?.(result);
		};
	};
}

/** `use:enhance={withFeedback()}` where nothing needs the pending state. */
export function withFeedback(options?: FeedbackOptions): SubmitFunction {
	return new FormFeedback(options).enhance;
}

function toastFor(result: ActionResult): void {
	if (result.type === 'failure') {
		const message = failureMessage(result.data);
		if (message) toast.error(message);
	} else if (result.type === 'success') {
		const message = successMessage(result.data);
		if (message) toast.success(message);
	}
}

/** Whatever a page's `form` prop holds: a FormFailure, a success value, or nothing. */
type ActionData = object | null | undefined;

function isSuccess(form: object): boolean {
	return 'success' in form && form.success === true;
}

function failureOf(form: ActionData): FormFailure | undefined {
	return form && !isSuccess(form) ? (form as FormFailure) : undefined;
}

/** A failed action's message, for the inline Alert; undefined after success or before any submit. */
export function failureMessage(form: ActionData): string | undefined {
	const message = failureOf(form)?.message;
	return typeof message === 'string' && message ? message : undefined;
}

/** A successful action's `{ success: true, message }` message. */
export function successMessage(form: ActionData): string | undefined {
	if (!form || !isSuccess(form) || !('message' in form)) return undefined;
	return typeof form.message === 'string' && form.message ? form.message : undefined;
}

/** The error for one field, e.g. `error={fieldError(form, 'username')}` on a Field. */
export function fieldError(form: ActionData, name: string): string | undefined {
	return failureOf(form)?.errors?.[name];
}

/** The value to refill one field with after a failure, else `fallback` (e.g. the saved value). */
export function fieldValue(form: ActionData, name: string, fallback = ''): string {
	return failureOf(form)?.values?.[name] ?? fallback;
}
