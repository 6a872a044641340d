// Revoking (an API token, an invitation link, a site admin's role) is one small component,
// RevokeForm: its confirm step, hidden id and pending state are written once. A page or component
// that writes a revoke form of its own again is caught here, by reading the real tree.
import { describe, expect, it } from 'vitest';
import { readSources } from '../helpers/import-graph';

const sources = readSources();
const svelte = [...sources].filter(([file]) => file.endsWith('.svelte'));
/** A ConfirmButton whose dialog confirms "Revoke": the markup RevokeForm owns. */
const ownRevokeForm = /confirmLabel="Revoke"/;

describe('revoke forms', () => {
	it('are written once, in RevokeForm.svelte', () => {
		const writers = svelte.filter(([, source]) => ownRevokeForm.test(source)).map(([file]) => file);
		expect(writers).toEqual(['src/lib/components/RevokeForm.svelte']);
	});

	it('are used by the account’s tokens, the invitation links, the workspace’s tokens and the site admins', () => {
		const users = svelte.filter(([, source]) => /<RevokeForm\b/.test(source)).map(([file]) => file).sort();
		expect(users).toEqual([
			'src/lib/components/account/AccountTokens.svelte',
			'src/lib/components/invitations/InvitationList.svelte',
			'src/routes/admin/reports/+page.svelte',
			'src/routes/w/[workspace]/settings/tokens/+page.svelte'
		]);
	});
});
