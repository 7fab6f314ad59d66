import { test, expect, Page } from '@playwright/test';
import { waitForHydration } from './helpers';

/** From our login page through the member system's own sign-in form (a real OpenID Provider,
 * end2end/fixtures/oidc-provider.mjs: any password; the login names the member and tier). */
async function signInWithMemberAccount(page: Page, login: string) {
  await page.goto('/login');
  await waitForHydration(page);
  await page.getByRole('link', { name: 'Log in with your member account' }).click();
  // The provider's page is not ours: its fields only have placeholders.
  await page.getByPlaceholder('Enter any login').fill(login);
  await page.getByPlaceholder('and password').fill('anything');
  await page.getByRole('button', { name: 'Sign-in' }).click();
}

test('a member signs in with their member account and lands on their dashboard', async ({ page }) => {
  await signInWithMemberAccount(page, 'olga.gold.880011');
  await expect(page.getByRole('heading', { level: 1, name: 'My Technical Issues' })).toBeVisible();
  await waitForHydration(page);
  // A new account: nothing filed yet, and the header knows who this is.
  await expect(page.getByRole('link', { name: 'Open Tech Issues (0)' })).toBeVisible();
  await expect(page.getByText('Olga').first()).toBeVisible();
});

test('a rank the desk does not know gets a polite refusal on the login page', async ({ page }) => {
  await signInWithMemberAccount(page, 'zoe.bronze');
  await expect(page).toHaveURL(/\/login\?sso=tier$/);
  await expect(
    page.getByRole('alert').filter({ hasText: 'could not tell your member rank' }),
  ).toBeVisible();
  // The password form is still there for a desk account.
  await expect(page.getByLabel('Username')).toBeVisible();
});

test('a member below Silver signs in and is told politely what the desk is for', async ({ page }) => {
  await signInWithMemberAccount(page, 'max.manager');
  await expect(
    page.getByRole('heading', { level: 1, name: /Technical Issues is for .* members and above/ }),
  ).toBeVisible();
});
