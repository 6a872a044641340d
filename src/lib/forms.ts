// The one shape of a failed form action, shared by every +page.server.ts and page.
export interface FormFailure {
	message?: string;
	errors?: Record<string, string>;
	values?: Record<string, string>;
}
