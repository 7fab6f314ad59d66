import { test, expect } from '@playwright/test';
import { holdRequests, logIn, waitForHydration } from './helpers';

test('silver sees the three tabs with counts and switches them in place', async ({ page }) => {
  await logIn(page, 'silver');
  await expect(page.getByRole('heading', { level: 1, name: 'My Technical Issues' })).toBeVisible();
  await waitForHydration(page);
  await expect(
    page.getByText('This service desk is for IT support issues. If you have any other support requests please contact your account manager'),
  ).toBeVisible();

  const tabs = page.getByRole('navigation', { name: 'Your tech issues' });
  const open = tabs.getByRole('link', { name: 'Open Tech Issues (2)' });
  const awaiting = tabs.getByRole('link', { name: 'Awaiting Feedback (1)' });
  const closed = tabs.getByRole('link', { name: 'Closed Tech Issues (3)' });
  await expect(open).toBeVisible();
  await expect(awaiting).toBeVisible();
  await expect(closed).toBeVisible();
  await expect(open).toHaveAttribute('aria-current', 'page');

  // A marker on window survives only if the tab switch does not load a new page.
  await page.evaluate(() => ((window as any).__noReload = 'still here'));
  // The first switch fetches the lists: until they come, the panel says it is busy.
  const release = await holdRequests(page, /\/api\/my_tickets/);
  const panel = page.locator('section.tab-panel');
  await expect(panel).not.toHaveAttribute('aria-busy', 'true');
  await closed.click();
  await expect(page.getByRole('region', { name: 'Open Tech Issues' })).toHaveAttribute('aria-busy', 'true');
  release();
  await expect(page.getByRole('region', { name: 'Closed Tech Issues' })).not.toHaveAttribute('aria-busy', 'true');
  await page.unroute(/\/api\/my_tickets/);
  await expect(page).toHaveURL(/\?tab=closed$/);
  await expect(closed).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('heading', { level: 2, name: 'Closed Tech Issues' })).toBeVisible();
  await expect(page.getByText('Testing Submission From Canada')).toBeVisible();
  await expect(page.getByText('Date Closed: 6 Mar 2020').first()).toBeVisible();

  await awaiting.click();
  await expect(page.getByRole('heading', { level: 2, name: 'Awaiting Feedback' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Order history page is blank' })).toBeVisible();
  // The question is shown in the list and can be answered right there.
  await expect(page.getByText(/Which browser and device do you use/)).toBeVisible();
  await expect(page.getByLabel('Your answer to “Order history page is blank”')).toBeVisible();
  expect(await page.evaluate(() => (window as any).__noReload)).toBe('still here');

  // Back and Forward move between the tabs seen, still without loading a page.
  await page.goBack();
  await expect(page).toHaveURL(/\?tab=closed$/);
  await expect(closed).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('heading', { level: 2, name: 'Closed Tech Issues' })).toBeVisible();
  await page.goForward();
  await expect(page).toHaveURL(/\?tab=awaiting$/);
  await expect(awaiting).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('heading', { level: 2, name: 'Awaiting Feedback' })).toBeVisible();
  expect(await page.evaluate(() => (window as any).__noReload)).toBe('still here');

  // Back on the tab the page opened with, its list is the open one again, not the server's copy
  // hidden beside a fetched one.
  await open.click();
  await expect(open).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('heading', { level: 2, name: 'Open Tech Issues' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Cannot upload my profile photo' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Order history page is blank' })).toBeHidden();
  await expect(page.getByRole('link', { name: 'Testing Submission From Canada' })).toBeHidden();
  expect(await page.evaluate(() => (window as any).__noReload)).toBe('still here');

  // The chat opens in a new tab and says it is English only.
  const chat = page.getByRole('link', { name: /Tech Support Chat/ });
  await expect(chat).toHaveAttribute('target', '_blank');
  await expect(chat).toContainText('English only');
  await expect(page.getByRole('link', { name: 'Submit a new tech issue' })).toBeVisible();
});

test('a tab switch whose lists cannot come loads the tab as a page instead of staying busy', async ({ page }) => {
  await logIn(page, 'silver');
  await waitForHydration(page);
  await page.evaluate(() => ((window as any).__noReload = 'still here'));
  // The lists' call fails (a server error, a dropped connection on a phone).
  let failed = 0;
  await page.route(/\/api\/my_tickets/, async (route) => {
    failed += 1;
    await route.fulfill({ status: 503, body: 'unavailable' });
  });
  const tabs = page.getByRole('navigation', { name: 'Your tech issues' });
  await tabs.getByRole('link', { name: 'Closed Tech Issues (3)' }).click();
  // The link's own page: the server shows the closed tab, and nothing is left busy.
  await expect(page).toHaveURL(/\?tab=closed$/);
  await expect(page.getByRole('heading', { level: 2, name: 'Closed Tech Issues' })).toBeVisible();
  await expect(page.getByText('Testing Submission From Canada')).toBeVisible();
  await expect(page.locator('section.tab-panel')).not.toHaveAttribute('aria-busy', 'true');
  await expect(tabs.getByRole('link', { name: 'Closed Tech Issues (3)' })).toHaveAttribute('aria-current', 'page');
  expect(failed).toBeGreaterThan(0);
  expect(await page.evaluate(() => (window as any).__noReload)).toBeUndefined();
});

test('a wrong password shows one generic message', async ({ page }) => {
  await page.goto('/login');
  await waitForHydration(page);
  await page.getByLabel('Username').fill('silver');
  await page.getByLabel('Password').fill('wrong-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toHaveText('The username or password is not correct.');
});

test('manager sees the polite refusal and can log out', async ({ page }) => {
  await logIn(page, 'manager');
  await expect(
    page.getByRole('heading', { name: 'Technical Issues is for Silver members and above' }),
  ).toBeVisible();
  await expect(page.getByText('Your current rank is Manager.')).toBeVisible();
  await expect(page.getByText(/contact your account manager/)).toBeVisible();
  await expect(page.getByRole('link', { name: /Open Tech Issues/ })).toHaveCount(0);
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login$/);
});

test('log out ends the session', async ({ page }) => {
  await logIn(page, 'diamond');
  await expect(page.getByRole('heading', { level: 1, name: 'My Technical Issues' })).toBeVisible();
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
});
