// What revoking an API token means, said the same on the workspace's token page and on the account page.
export const TOKEN_REVOKED = 'Programs using it are refused from now on. This cannot be undone.';
