import { test, expect } from '@playwright/test';
import { holdRequests, logIn, MEMBER_CODE, typeBeforeHydration, waitForHydration } from './helpers';

// The member group's code is held back below; with the service worker on, its fetch would go
// through the worker, where the page's routes do not reach.
test.use({ serviceWorkers: 'block' });

test('silver answers the IT team from the ticket page and it goes back to Open', async ({ page }) => {
  await logIn(page, 'silver');
  await expect(page.getByRole('heading', { level: 1, name: 'My Technical Issues' })).toBeVisible();
  await waitForHydration(page);
  // Other specs share the database: count relative to what the page shows now.
  const openLink = page.getByRole('link', { name: /^Open Tech Issues/ });
  const openBefore = Number((await openLink.textContent())?.match(/\((\d+)\)/)?.[1]);
  const awaitingLink = page.getByRole('link', { name: /^Awaiting Feedback/ });
  const awaitingBefore = Number((await awaitingLink.textContent())?.match(/\((\d+)\)/)?.[1]);
  await page.getByRole('link', { name: /Awaiting Feedback/ }).click();
  // The ticket page's code (the member group) is held until the member has typed: on a phone it
  // can come a second or more after the form is shown, and what was typed must survive it.
  const release = await holdRequests(page, MEMBER_CODE);
  await page.getByRole('link', { name: 'Order history page is blank' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Order history page is blank' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'The IT team needs more information from you:' })).toBeVisible();
  await expect(page.getByText('Which browser and device do you use').first()).toBeVisible();
  await expect(page.getByText('Answering sends the issue back to the IT team.')).toBeVisible();
  await typeBeforeHydration(page, page.getByLabel('Your reply'), 'Firefox on my phone, since Monday.', release);
  await page.getByRole('button', { name: 'Send reply' }).click();
  await expect(page.getByText('Firefox on my phone, since Monday.')).toBeVisible();
  await expect(page.getByText('Sofía Silva changed the status to Open')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'The IT team needs more information from you:' })).toHaveCount(0);

  await page.getByRole('link', { name: 'Back to My Technical Issues' }).click();
  await expect(page.getByRole('link', { name: `Open Tech Issues (${openBefore + 1})` })).toBeVisible();
  await expect(page.getByRole('link', { name: `Awaiting Feedback (${awaitingBefore - 1})` })).toBeVisible();
});
