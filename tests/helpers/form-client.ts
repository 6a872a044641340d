// A browser with JavaScript off: posts forms as URL-encoded bodies, follows no redirects, keeps
// the session cookie, and hands back status, location and the rendered HTML.
import { prisma } from './db';
import { TEST_PASSWORD, uniqueUsername } from './unique';

export interface FormResponse {
	status: number;
	location: string | null;
	html: string;
	headers: Headers;
}

export class FormClient {
	private cookie = '';

	/** `headers` go with every request (an `x-forwarded-for` for a studio that reads its address from one). */
	constructor(
		private readonly base: string,
		private readonly headers: Record<string, string> = {}
	) {}

	private remember(response: Response) {
		for (const line of response.headers.getSetCookie()) {
			const [pair] = line.split(';');
			if (pair?.startsWith('auth-session=')) this.cookie = /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(line) ? '' : pair;
		}
	}

	private async send(path: string, init: RequestInit): Promise<FormResponse> {
		const response = await fetch(this.base + path, {
			...init,
			redirect: 'manual',
			headers: { accept: 'text/html', origin: this.base, ...this.headers, ...(this.cookie ? { cookie: this.cookie } : {}), ...init.headers }
		});
		this.remember(response);
		return { status: response.status, location: response.headers.get('location'), html: await response.text(), headers: response.headers };
	}

	get(path: string): Promise<FormResponse> {
		return this.send(path, { method: 'GET' });
	}

	post(path: string, fields: Record<string, string>): Promise<FormResponse> {
		return this.send(path, {
			method: 'POST',
			body: new URLSearchParams(fields).toString(),
			headers: { 'content-type': 'application/x-www-form-urlencoded' }
		});
	}

	get signedIn(): boolean {
		return this.cookie !== '';
	}

	/** `auth-session=<token>` as this browser sends it ('' when signed out): for its sockets. */
	get sessionCookie(): string {
		return this.cookie;
	}
}

/** The text a person would read in the page: tags dropped, entities decoded, spaces collapsed. */
export function visibleText(html: string): string {
	return html
		.replace(/<script[\s\S]*?<\/script>/g, ' ')
		.replace(/<[^>]+>/g, ' ')
		.replace(/&quot;/g, '"')
		.replace(/&#39;|&#x27;/g, "'")
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&amp;/g, '&')
		.replace(/\s+/g, ' ');
}

/** A new account signed up through the sign-up form of the studio at `base`, signed in on its own client. */
export async function signUpOverHttp(base: string, prefix: string): Promise<{ client: FormClient; username: string; id: string }> {
	const client = new FormClient(base);
	const username = uniqueUsername(prefix);
	const response = await client.post('/signup', { username, password: TEST_PASSWORD, confirmPassword: TEST_PASSWORD });
	if (response.status !== 303 || !client.signedIn) throw new Error(`signing up ${username} failed (${response.status}): ${visibleText(response.html).slice(0, 300)}`);
	const user = await (await prisma()).user.findUniqueOrThrow({ where: { usernameKey: username.toLowerCase() }, select: { id: true } });
	return { client, username, id: user.id };
}
