// A benchmark that cannot be used as given: the message says why, and names it as the user did.
export class DatasetError extends Error {
	name = 'DatasetError';
}
