// Accessibility: axe-core finds no violation of any impact on any screen, for the leader
// and for the employee, as a tablet shows them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setUp, accessibilityProblems } from './harness.mjs';
import { assertNoErrors } from './pages.mjs';
import { TABLET, tour } from './tour.mjs';

let env;
before(async () => {
  env = await setUp({ bypassCSP: true, device: TABLET });
});
after(async () => env.tearDown());

test('every screen of both sides passes axe with no violations', async () => {
  const failures = [];
  await tour(env, async (page, label) => {
    const problems = await accessibilityProblems(page);
    if (problems.length) failures.push(`${label}:\n  ${problems.join('\n  ')}`);
  }, () => env.browser.newContext({ ...TABLET, bypassCSP: true }));
  assert.deepEqual(failures, []);
  assertNoErrors(env.errors);
});
