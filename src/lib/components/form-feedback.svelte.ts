// Glue between form actions and pages: `use:enhance` handling that says an action's outcome once and
// tracks whether a submission is in flight, plus reads of a FormFailure (errors and refill values).
// Import it as '$lib/components/form-feedback.svelte'.
//
// One message per outcome, in one place: a field's error next to that field, and nowhere else; what
// concerns the whole form in a toast when JavaScript submitted it, or in the page's FormResult when
// the page was loaded again without JavaScript. A FormResult stays quiet about an outcome this
// module has already said.
import type { ActionResult, SubmitFunction } from '@sveltejs/kit';
import { tick } from 'svelte';
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

/** How long a toast stays: a failure longer, since it asks the reader to do something. */
const TOAST_MS = { success: 4_000, error: 8_000 } as const;

/** The outcome the last enhanced submission already said (as JSON), which FormResult then leaves alone. */
const said = $state<{ outcome: string | null }>({ outcome: null });

const outcomeKey = (data: unknown): string | null => {
	try {
		return JSON.stringify(data) ?? null;
	} catch {
		return null;
	}
};

/** True when this outcome was said already (a toast, or a field's own error): FormResult shows nothing. */
export function saidAlready(form: ActionData): boolean {
	return form !== null && form !== undefined && said.outcome !== null && outcomeKey(form) === said.outcome;
}

/**
 * One form's submission state. `enhance` is a SubmitFunction for `use:enhance`: it toasts
 * `{ success: true, message }` and a failure of the whole form (a failure of fields the person can
 * see is left to those fields, and the first of them takes the focus), then applies the result
 * exactly as SvelteKit's default does (form prop, redirects, error page, invalidation).
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
		return async ({ result, update, formElement }) => {
			try {
				if (this.#options.toast ?? true) {
					toastFor(result, formElement);
					if (result.type === 'failure' || result.type === 'success') said.outcome = outcomeKey(result.data);
				}
				await update({ reset: this.#options.reset ?? true, invalidateAll: this.#options.invalidateAll ?? true });
			} finally {
				this.pending = false;
			}
			// The first field to correct takes the focus: its error is right under it.
			if (result.type === 'failure') {
				await tick();
				formElement.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
			}
			this.#options.onResult?.(result);
		};
	};
}

/** `use:enhance={withFeedback()}` where nothing needs the pending state. */
export function withFeedback(options?: FeedbackOptions): SubmitFunction {
	return new FormFeedback(options).enhance;
}

/** A form control a person sees and can correct (not a hidden input carrying an id). */
function shownControl(form: HTMLFormElement, name: string): boolean {
	const named = form.elements.namedItem(name);
	const first = named instanceof RadioNodeList ? named[0] : named;
	return first instanceof HTMLElement && !(first instanceof HTMLInputElement && first.type === 'hidden');
}

/**
 * Toasts what the page does not say itself: a success, a failure of the whole form, or the errors
 * of fields this form does not show. A field the person can see carries its own error instead.
 */
function toastFor(result: ActionResult, form: HTMLFormElement): void {
	if (result.type === 'success') {
		const message = successMessage(result.data);
		if (message) toast.success(message, { duration: TOAST_MS.success });
		return;
	}
	if (result.type !== 'failure') return;
	const failure = failureOf(result.data);
	const errors = Object.entries(failure?.errors ?? {});
	if (errors.length === 0) {
		const message = failureMessage(result.data);
		if (message) toast.error(message, { duration: TOAST_MS.error });
		return;
	}
	const unseen = errors.filter(([name]) => !shownControl(form, name)).map(([, error]) => error);
	if (unseen.length > 0) toast.error([...new Set(unseen)].join(' '), { duration: TOAST_MS.error });
}

/** Whatever a page's `form` prop holds: a FormFailure, a success value, or nothing. */
type ActionData = object | null | undefined;

function isSuccess(form: object): boolean {
	return 'success' in form && form.success === true;
}

function failureOf(form: ActionData): FormFailure | undefined {
	return form && !isSuccess(form) ? (form as FormFailure) : undefined;
}

/**
 * What FormResult says of an outcome (a page loaded again without JavaScript): a success, or a
 * failure's message unless it is a field's own error, which the field shows.
 */
export function outcomeMessage(form: ActionData): { kind: 'success' | 'error'; text: string } | undefined {
	const success = successMessage(form);
	if (success) return { kind: 'success', text: success };
	const message = failureMessage(form);
	if (!message) return undefined;
	const fieldErrors = Object.values(failureOf(form)?.errors ?? {});
	return fieldErrors.includes(message) ? undefined : { kind: 'error', text: message };
}

/** A failed action's message, for the inline Alert; undefined after success or before any submit. */
export function failureMessage(form: ActionData): string | undefined {
	const message = failureOf(form)?.message;
	return typeof message === 'string' && message ? message : undefined;
}

/**
 * What a form says above its fields after a failure: a problem of the whole form (wrong credentials,
 * a rate limit, a link that no longer works), or nothing when every problem is a field's, since each
 * field shows its own and a summary on top ("Please correct the highlighted fields.") only repeats
 * them. A whole-form rule the schema checks (an issue with no field: `errors.form`) is said here.
 */
export function formWideMessage(form: ActionData): string | undefined {
	const errors = failureOf(form)?.errors ?? {};
	if (errors.form) return errors.form;
	return Object.keys(errors).length > 0 ? undefined : failureMessage(form);
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
