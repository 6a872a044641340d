// A crash in the middle of editing loses no acknowledged edit. The studio runs as a process of its
// own; two people type; it is killed with SIGKILL while they do; a new process serves the draft.
// "Acknowledged" is what the server let one editor see of the other's typing: it broadcasts an
// update only after the update is in the database.
import { afterEach, describe, expect, it } from 'vitest';
import { connectClient, eventually, type TestClient } from '../helpers/yjs-client';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { hasPostgres } from '../helpers/db';
import { newPromptTeam } from '../helpers/yjs-team';

let apps: AppServer[] = [];
let clients: TestClient[] = [];

afterEach(async () => {
	for (const client of clients) client.destroy();
	clients = [];
	for (const app of apps) await app.stop();
	apps = [];
});

const markers = (text: string, who: string) => new Set(text.match(new RegExp(`<${who}\\d+>`, 'g')) ?? []);

describe('a server crash while people type', () => {
	it.runIf(hasPostgres())('loses no edit the server had acknowledged; the new process serves it all', async () => {
		const team = await newPromptTeam();
		const first = await startAppServer();
		apps.push(first);
		const alice = connectClient(first.yjsUrl, team.promptId, team.owner.cookie);
		const bob = connectClient(first.yjsUrl, team.promptId, team.editor.cookie);
		clients.push(alice, bob);
		await Promise.all([alice.synced(), bob.synced()]);

		let typing = true;
		const typist = (client: TestClient, who: string) =>
			(async () => {
				for (let i = 0; typing; i++) {
					client.type(`<${who}${i}>`);
					await new Promise((resolve) => setTimeout(resolve, 3));
				}
			})();
		const typists = [typist(alice, 'a'), typist(bob, 'b')];
		await eventually(() => markers(alice.text(), 'b').size, (n) => n >= 30, 20_000);

		await first.crash(); // mid-typing: no shutdown hook, nothing flushed on the way out
		typing = false;
		await Promise.all(typists);
		// What each had received from the other was stored before it was sent.
		const acknowledged = [...markers(bob.text(), 'a'), ...markers(alice.text(), 'b')];
		alice.destroy();
		bob.destroy(); // they must not hand their copies to the new server

		const second = await startAppServer();
		apps.push(second);
		const carol = connectClient(second.yjsUrl, team.promptId, team.owner.cookie);
		clients.push(carol);
		await carol.synced();
		const after = carol.text();
		expect(acknowledged.length).toBeGreaterThan(30);
		expect(acknowledged.filter((marker) => !after.includes(marker))).toEqual([]);
	}, 150_000);
});
