import * as path from 'path';
import { expect, Locator, Page } from '@playwright/test';

export const PASSWORD = 'demo-password';

/** Logs in through the form, as a person would. */
export async function logIn(page: Page, username: string, password = PASSWORD) {
  await page.goto('/login');
  await waitForHydration(page);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/**
 * Holds back the page's requests matching `pattern` until the returned function is called: a
 * phone's slow network, at the moment a test picks. Requests a service worker makes do not pass
 * through the page's routes, so a test holding the app's code turns the worker off
 * (`test.use({ serviceWorkers: 'block' })`).
 */
export async function holdRequests(page: Page, pattern: RegExp): Promise<() => void> {
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(pattern, async (route) => {
    await held;
    await route.continue();
  });
  return release;
}

/** The member pages' code (their lazy island's module), for {@link holdRequests}. */
export const MEMBER_CODE = /split_member_pages_loader.*\.wasm$/;

/**
 * Types `text` into `field` while the page's code is held (see {@link holdRequests}), lets the code
 * in with `release`, and checks the text is still there once the page is taken over.
 */
export async function typeBeforeHydration(page: Page, field: Locator, text: string, release: () => void) {
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(0);
  await field.fill(text);
  release();
  await waitForHydration(page);
  await expect(field).toHaveValue(text);
}

/** The WASM app marks <body> once it has hydrated (see app.rs). */
export async function waitForHydration(page: Page) {
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1, { timeout: 20_000 });
}

/** "25 Nov 2026": how the app writes a day in English (UTC, like the server). */
export function todayEn(): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const d = new Date();
  return `${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

export const SCREENSHOT = path.join(__dirname, '..', 'fixtures', 'screenshot.png');

/** Files a ticket through the four steps (no files) and returns its id. */
export async function fileTicket(member: Page, title: string): Promise<number> {
  await member.getByRole('link', { name: 'Submit a new tech issue' }).click();
  await waitForHydration(member);
  await member.getByLabel('Title').fill(title);
  await member.getByRole('button', { name: 'Next' }).click();
  await member.getByLabel('Detailed description').fill('The VPN drops every hour.');
  await member.getByRole('button', { name: 'Next' }).click();
  await member.getByRole('button', { name: 'Next' }).click();
  await member.getByRole('button', { name: 'Submit Tech Issue' }).click();
  await expect(member).toHaveURL(/\/tickets\/\d+$/);
  return Number(member.url().split('/').pop());
}
