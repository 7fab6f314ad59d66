import { test, expect, Page, Locator } from '@playwright/test';
import { logIn, waitForHydration } from './helpers';

/** Presses Tab until `target` has the focus, as a keyboard user would. */
async function tabTo(page: Page, target: Locator) {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((el) => el === document.activeElement)) return;
  }
  throw new Error(`could not reach ${target} with Tab`);
}

test('the whole submit flow works with the keyboard alone; focus follows the steps', async ({ page }) => {
  await logIn(page, 'diamond');
  await expect(page.getByRole('heading', { level: 1, name: 'My Technical Issues' })).toBeVisible();
  await page.goto('/tickets/new');
  await waitForHydration(page);

  await tabTo(page, page.getByLabel('Title'));
  await page.keyboard.type('Keyboard only: invoice page');
  await tabTo(page, page.getByRole('button', { name: 'Next' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Step 2 of 4: Description' })).toBeFocused();

  await tabTo(page, page.getByLabel('Detailed description'));
  await page.keyboard.type('short');
  await tabTo(page, page.getByRole('button', { name: 'Next' }));
  await page.keyboard.press('Enter');
  // The error is announced (role=alert) and nothing typed is lost.
  await expect(page.getByRole('alert').filter({ hasText: 'Write at least 10 characters.' })).toBeVisible();
  await tabTo(page, page.getByLabel('Detailed description'));
  await page.keyboard.type(' and longer: the invoice page is blank after login');
  await tabTo(page, page.getByRole('button', { name: 'Next' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Step 3 of 4: Screenshots' })).toBeFocused();
  await tabTo(page, page.getByRole('button', { name: 'Next' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Step 4 of 4: Review and submit' })).toBeFocused();
  await tabTo(page, page.getByRole('button', { name: 'Submit Tech Issue' }));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/tickets\/\d+$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Keyboard only: invoice page' })).toBeVisible();
});
