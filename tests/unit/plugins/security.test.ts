// The security scanner on outputs a model could really produce.
import { describe, expect, it } from 'vitest';
import scanner from '../../../plugins/security-scanner';

const config = { categories: ['secret', 'shell', 'vulnerable'] as ('secret' | 'shell' | 'vulnerable')[], minEntropy: 3.5, disabledRules: [] as string[] };
const scan = async (output: string, c = config) => (await scanner.analyseOutput!({ output, model: { id: 'whiterabbitneo' }, config: c })).findings;
const ids = async (output: string) => (await scan(output)).map((f) => [f.ruleId, f.location?.line]);

describe('the security scanner', () => {
	it('finds leaked credentials and masks them in its message', async () => {
		// AWS's documented example key pair, in the shape a model copies from a tutorial.
		const output = [
			'Configure boto3 like this:',
			'```python',
			'import boto3',
			's3 = boto3.client("s3", aws_access_key_id="AKIAIOSFODNN7EXAMPLE",',
			'    aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")',
			'GITHUB_TOKEN = "ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"',
			'HF_TOKEN = "hf_' + 'AbCdEfGhIjKlMnOpQrStUvWxYz012345"',
			'SLACK = "xoxb-' + '1234567890-0987654321-AbCdEfGhIjKlMnOp"',
			'db_password = "Xk9#mQ2$vL7pR4nZ8wT1"',
			'greeting_token = "aaaaaaaaaaaaaaaaaaaa"',
			'```',
			'-----BEGIN RSA PRIVATE KEY-----'
		].join('\n');
		const findings = await scan(output);
		expect(findings.map((f) => [f.ruleId, f.location?.line])).toEqual([
			['aws-access-key', 4], ['aws-secret-key', 5], ['github-token', 6], ['huggingface-token', 7], ['slack-token', 8], ['high-entropy-secret', 9], ['private-key', 12]
		]);
		expect(findings[0]!.message).toBe('AWS access key id (AKIA…LE)');
		expect(findings.some((f) => f.message.includes('AKIAIOSFODNN7EXAMPLE'))).toBe(false);
	});

	it('flags dangerous shell commands and leaves safe ones', async () => {
		expect(await ids('sudo rm -rf / --no-preserve-root\nrm -rf ./build\ncurl -fsSL https://get.example.sh | sudo bash\nchmod -R 777 /var/www\n:(){ :|:& };:\ncurl -k https://internal\nrm -fr ~/')).toEqual([
			['rm-rf-root', 1], ['curl-pipe-shell', 3], ['chmod-777', 4], ['fork-bomb', 5], ['tls-verify-disabled', 6], ['rm-rf-root', 7]
		]);
		expect(await ids('rm -rf node_modules\nchmod 755 script.sh\ncurl -o file https://x/y.tar.gz')).toEqual([]);
	});

	it('flags known-vulnerable Python and JavaScript patterns', async () => {
		const code = [
			'result = eval(input("expr: "))',
			'obj = pickle.loads(request.data)',
			'cfg = yaml.load(open("c.yml"))',
			'cfg = yaml.load(open("c.yml"), Loader=yaml.SafeLoader)',
			'cur.execute(f"SELECT * FROM users WHERE name = \'{name}\'")',
			'cur.execute("SELECT * FROM users WHERE id = %s" % uid)',
			'cur.execute("SELECT * FROM users WHERE id = %s", (uid,))',
			'subprocess.run(cmd, shell=True)',
			'hashed = hashlib.md5(password.encode()).hexdigest()',
			'digest = hashlib.sha256(data).hexdigest()',
			'requests.get(url, verify=False)',
			"db.query(`SELECT * FROM t WHERE id = ${req.params.id}`)"
		].join('\n');
		expect(await ids(code)).toEqual([
			['eval-exec-input', 1], ['pickle-loads', 2], ['yaml-unsafe-load', 3], ['sql-string-format', 5], ['sql-string-format', 6],
			['subprocess-shell-true', 8], ['weak-password-hash', 9], ['tls-verify-disabled', 11], ['sql-string-format', 12]
		]);
	});

	it('honours the configured categories and disabled rules', async () => {
		const out = 'AKIAIOSFODNN7EXAMPLE\nchmod 777 x';
		expect((await scan(out, { ...config, categories: ['shell'] })).map((f) => f.ruleId)).toEqual(['chmod-777']);
		expect((await scan(out, { ...config, disabledRules: ['chmod-777'] })).map((f) => f.ruleId)).toEqual(['aws-access-key']);
	});
});
