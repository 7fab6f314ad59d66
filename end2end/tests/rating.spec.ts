import { test, expect } from '@playwright/test';
import { logIn, waitForHydration, fileTicket } from './helpers';

test('the member rates a closed issue and the agent sees the rating', async ({ browser }) => {
  const member = await (await browser.newContext()).newPage();
  const agent = await (await browser.newContext()).newPage();
  await logIn(member, 'silver');
  await expect(member.getByRole('heading', { level: 1, name: 'My Technical Issues' })).toBeVisible();
  const title = `Laptop fan noise ${Date.now()}`;
  const id = await fileTicket(member, title);
  await expect(member.getByRole('heading', { name: 'How did we do?' })).toHaveCount(0);

  await logIn(agent, 'agent');
  await expect(agent.getByRole('heading', { level: 1, name: 'Agent console' })).toBeVisible();
  await agent.goto(`/tickets/${id}`);
  await waitForHydration(agent);
  await agent.getByRole('button', { name: 'Close this issue' }).click();
  await expect(agent.getByText('The member has not rated this yet.')).toBeVisible();

  // The member's open page offers the rating as soon as the issue is closed.
  await expect(member.getByRole('heading', { name: 'How did we do?' })).toBeVisible();
  await member.getByLabel("Good, I'm satisfied").check();
  await member.getByLabel('Tell us more (optional)').fill('Fixed in ten minutes.');
  await member.getByRole('button', { name: 'Send rating' }).click();
  await expect(member.getByText('Thank you for your rating.')).toBeVisible();
  await expect(member.getByText('You rated this: Good')).toBeVisible();

  await agent.reload();
  await expect(agent.getByText('The member rated this: Good')).toBeVisible();
  await expect(agent.getByText('Fixed in ten minutes.')).toBeVisible();

  // The "Bad" link of the closing email opens the page with that choice made; it can change.
  await member.goto(`/tickets/${id}?rate=bad#rate`);
  await waitForHydration(member);
  await expect(member.getByLabel("Bad, I'm not satisfied")).toBeChecked();
  await member.getByRole('button', { name: 'Send rating' }).click();
  await expect(member.getByText('You rated this: Bad')).toBeVisible();
});
