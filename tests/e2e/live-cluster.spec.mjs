// A relay of two nats-server nodes joined by routes, one peer on each node; and two tabs
// of one browser in a live session with no relay at all (BroadcastChannel).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setUp } from './harness.mjs';
import { App, assertNoErrors, openLink } from './pages.mjs';
import { startRelay, freePort } from './relay.mjs';

let env, nodeA, nodeB;
before(async () => {
  const [clusterA, clusterB] = [await freePort(), await freePort()];
  nodeA = await startRelay({ clusterPort: clusterA, routes: [clusterB] });
  nodeB = await startRelay({ clusterPort: clusterB, routes: [clusterA] });
  env = await setUp();
});
after(async () => {
  await env.tearDown();
  await nodeA.stop();
  await nodeB.stop();
});

async function waitValue(page, testid, expected) {
  await page.waitForFunction(([id, t]) => document.querySelector(`[data-testid=${id}]`)?.value === t, [testid, expected], { timeout: 20000 });
}

test('peers on two nodes of a relay cluster sync through the routes', async () => {
  await env.context.addInitScript((url) => localStorage.setItem('ct1:relay', url), nodeA.url);
  const manager = new App(env.page, env.server.url);
  await manager.open('/');
  await manager.people().addPerson({ name: 'Tess Ueda', role: 'Engineer' });
  await manager.people().openPerson('Tess Ueda');
  await manager.person().startDiscussion();
  await manager.discussion().tab('share');
  await env.page.getByTestId('start-live').click();
  const link = await env.page.getByTestId('live-link').inputValue();

  const ctx = await env.browser.newContext();
  await ctx.addInitScript((url) => localStorage.setItem('ct1:relay', url), nodeB.url);
  const page = await ctx.newPage();
  await openLink(page, link);
  await page.getByTestId('answer-strengths').waitFor({ timeout: 20000 });
  await manager.discussion().tab('conversation');
  await manager.discussion().fill('answer-strengths', 'Through node A');
  await waitValue(page, 'answer-strengths', 'Through node A');
  await page.getByTestId('notes').fill('Back through node B');
  await waitValue(env.page, 'notes', 'Back through node B');
  await ctx.close();
  assertNoErrors(env.errors);
});

test('two tabs hold a live session with no relay at all', async () => {
  const ctx = await env.browser.newContext();
  // A relay address where nothing listens.
  await ctx.addInitScript((url) => localStorage.setItem('ct1:relay', url), `ws://127.0.0.1:${await freePort()}`);
  const tabA = await ctx.newPage();
  const a = new App(tabA, env.server.url);
  await a.open('/');
  await a.people().addPerson({ name: 'Uma Vance', role: 'Analyst' });
  await a.people().openPerson('Uma Vance');
  await a.person().startDiscussion();
  await a.discussion().tab('share');
  await tabA.getByTestId('start-live').click();
  const link = await tabA.getByTestId('live-link').inputValue();
  const tabB = await ctx.newPage();
  await openLink(tabB, link);
  await tabB.getByTestId('live-bar').waitFor();
  // Presence travels only over the live session's transports: the tabs see each other.
  await tabA.getByTestId('live-peers').getByText(/Uma Vance \(employee\)|leader/).waitFor({ timeout: 10000 });
  await tabB.getByTestId('live-peers').getByText(/leader/).waitFor({ timeout: 10000 });
  await a.discussion().tab('conversation');
  await a.discussion().fill('answer-long_term', 'Same device, no server');
  await waitValue(tabB, 'answer-long_term', 'Same device, no server');
  await ctx.close();
});
