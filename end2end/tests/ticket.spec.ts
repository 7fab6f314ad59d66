import { test, expect } from '@playwright/test';
import { logIn, waitForHydration } from './helpers';

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
  await page.getByRole('link', { name: 'Order history page is blank' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Order history page is blank' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'The IT team needs more information from you:' })).toBeVisible();
  await expect(page.getByText('Which browser and device do you use').first()).toBeVisible();
  await expect(page.getByText('Answering sends the issue back to the IT team.')).toBeVisible();
  // Typed once the page is taken over: text typed before that can be lost (closing note, session 42).
  await waitForHydration(page);

  await page.getByLabel('Your reply').fill('Firefox on my phone, since Monday.');
  await page.getByRole('button', { name: 'Send reply' }).click();
  await expect(page.getByText('Firefox on my phone, since Monday.')).toBeVisible();
  await expect(page.getByText('Sofía Silva changed the status to Open')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'The IT team needs more information from you:' })).toHaveCount(0);

  await page.getByRole('link', { name: 'Back to My Technical Issues' }).click();
  await expect(page.getByRole('link', { name: `Open Tech Issues (${openBefore + 1})` })).toBeVisible();
  await expect(page.getByRole('link', { name: `Awaiting Feedback (${awaitingBefore - 1})` })).toBeVisible();
});
