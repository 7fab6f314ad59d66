import { test, expect } from '@playwright/test';
import { logIn, waitForHydration, todayEn, SCREENSHOT } from './helpers';

// Two people at once, each in their own browser context: nobody reloads a page after the start.
test('a ticket from submit to closed, live on both sides', async ({ browser }) => {
  const member = await (await browser.newContext()).newPage();
  const agent = await (await browser.newContext()).newPage();
  const title = `Checkout freezes ${Date.now()}`;

  await logIn(agent, 'agent');
  await expect(agent.getByRole('heading', { level: 1, name: 'Agent console' })).toBeVisible();
  await waitForHydration(agent);
  await expect(agent.getByRole('link', { name: title })).toHaveCount(0);

  // Silver files the issue through every step, with a real PNG.
  await logIn(member, 'silver');
  await expect(member.getByRole('heading', { level: 1, name: 'My Technical Issues' })).toBeVisible();
  await member.getByRole('link', { name: 'Submit a new tech issue' }).click();
  await waitForHydration(member);
  await member.getByLabel('Title').fill(title);
  await member.getByRole('button', { name: 'Next' }).click();
  await member.getByLabel('Detailed description').fill('1. Open the cart 2. Press Checkout 3. The page freezes');
  await member.getByRole('button', { name: 'Next' }).click();
  await member.getByLabel('Screenshots and files').setInputFiles(SCREENSHOT);
  await expect(member.getByRole('img', { name: 'Preview of screenshot.png' })).toBeVisible();
  await member.getByRole('button', { name: 'Next' }).click();
  await member.getByRole('button', { name: 'Submit Tech Issue' }).click();
  await expect(member).toHaveURL(/\/tickets\/\d+$/);
  await expect(member.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(member.getByRole('img', { name: 'Screenshot screenshot.png' })).toBeVisible();

  // The agent's queue shows it without a reload; the agent opens it and asks a question.
  await agent.getByRole('link', { name: title }).click();
  await expect(agent.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(agent.getByText('Filed by Sofía Silva (Silver)')).toBeVisible();
  await expect(agent.getByRole('img', { name: 'Screenshot screenshot.png' })).toBeVisible();
  await agent.getByLabel('Request information from the member').fill('Which browser do you use?');
  await agent.getByRole('button', { name: 'Request information' }).click();
  await expect(agent.getByText('Alex Agent changed the status to Awaiting Feedback')).toBeVisible();

  // Silver's ticket page moves to Awaiting Feedback by itself.
  await expect(member.getByRole('heading', { name: 'The IT team needs more information from you:' })).toBeVisible();
  await expect(member.getByText('Awaiting Feedback', { exact: true })).toBeVisible();

  // Silver answers right from the Awaiting Feedback tab, opened by its address: the list is the
  // one the server wrote, and its answer form works on its own (an island inside the list's).
  await member.getByRole('link', { name: 'Back to My Technical Issues' }).click();
  await expect(member.getByRole('heading', { level: 1, name: 'My Technical Issues' })).toBeVisible();
  await member.goto('/?tab=awaiting');
  await waitForHydration(member);
  await member.evaluate(() => ((window as any).__noReload = 'still here'));
  const waiting = member.getByRole('listitem').filter({ has: member.getByRole('link', { name: title }) });
  const answer = waiting.getByLabel(`Your answer to “${title}”`);
  await expect(waiting.getByText('Which browser do you use?')).toBeVisible();
  await answer.fill('Chrome on Android');
  await waiting.getByRole('button', { name: 'Send answer' }).click();
  await expect(member.getByLabel(`Your answer to “${title}”`)).toHaveCount(0);
  // Sent in place, and the list fetched again: the ticket is open now.
  expect(await member.evaluate(() => (window as any).__noReload)).toBe('still here');
  await member.getByRole('link', { name: /^Open Tech Issues/ }).click();
  await expect(member.getByRole('link', { name: title })).toBeVisible();

  // The agent sees the answer arrive, and closes the issue.
  await expect(agent.getByText('Chrome on Android')).toBeVisible();
  await expect(agent.getByText('Sofía Silva changed the status to Open')).toBeVisible();
  await agent.getByRole('button', { name: 'Close this issue' }).click();
  await expect(agent.getByText('Alex Agent changed the status to Closed')).toBeVisible();

  // Silver's dashboard lists it under Closed with today's date, without a reload.
  await member.getByRole('link', { name: /^Closed Tech Issues/ }).click();
  const row = member.getByRole('listitem').filter({ has: member.getByRole('link', { name: title }) });
  await expect(row).toBeVisible();
  await expect(row.getByText(`Date Closed: ${todayEn()}`)).toBeVisible();
  await expect(row.getByText('Closed', { exact: true })).toBeVisible();
});
