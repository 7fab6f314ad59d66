import { test, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import * as fs from 'fs';
import * as path from 'path';
import { logIn, waitForHydration } from './helpers';

// Runs last (it walks pages other specs created data for). Every page: axe-core with the WCAG 2.1
// A/AA rules must find nothing, and a screenshot is saved at phone and desktop sizes for a person
// to look at (end2end/screenshots/, git-ignored).
const SHOTS = path.join(__dirname, '..', 'screenshots');

// The Content-Security-Policy must not block anything our own pages do (a blocked script or
// image shows up as a console error).
const cspErrors: string[] = [];
test.beforeEach(async ({ page }) => {
  cspErrors.length = 0;
  page.on('console', (m) => {
    if (m.type() === 'error' && m.text().includes('Content Security Policy')) cspErrors.push(m.text());
  });
});

async function check(page: Page, name: string) {
  await waitForHydration(page);
  expect(cspErrors, `${name}: CSP violations`).toEqual([]);
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const found = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(found, `${name}`).toEqual([]);
  fs.mkdirSync(SHOTS, { recursive: true });
  for (const [w, h] of [[360, 780], [1280, 800]]) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: path.join(SHOTS, `${name}-${w}.png`), fullPage: true });
  }
}

test('pages for people not signed in', async ({ page }) => {
  await page.goto('/login');
  await check(page, 'login');
  await page.goto('/offline');
  await check(page, 'offline');
  await page.goto('/no-such-page');
  await check(page, 'not-found');
  await page.goto('/unsubscribe?u=1&t=updates&s=00');
  await check(page, 'unsubscribe');
});

test('member pages', async ({ page }) => {
  await logIn(page, 'silver');
  await expect(page.getByRole('heading', { level: 1, name: 'My Technical Issues' })).toBeVisible();
  await check(page, 'dashboard-open');
  await page.goto('/?tab=awaiting');
  await check(page, 'dashboard-awaiting');
  await page.goto('/?tab=closed');
  await check(page, 'dashboard-closed');
  await page.goto('/tickets/new');
  await check(page, 'submit-step1');
  await page.getByLabel('Title').fill('Accessibility check');
  await page.getByRole('button', { name: 'Next' }).click();
  await check(page, 'submit-step2');
  await page.getByRole('link', { name: 'Back to My Technical Issues' }).click();
  await page.goto('/');
  await page.getByRole('link', { name: /^Open Tech Issues/ }).click();
  await page.locator('.ticket-row a.title').first().click();
  await expect(page.getByRole('heading', { level: 2, name: 'Conversation' })).toBeVisible();
  await check(page, 'ticket');
  await page.goto('/chats');
  await check(page, 'chats');
  await page.goto('/chat');
  await check(page, 'chat-form');
  await page.getByLabel('How can we help?').fill('The accessibility check needs a chat page');
  await page.getByRole('button', { name: 'Start chat' }).click();
  await expect(page).toHaveURL(/\/chat\/\d+$/);
  await check(page, 'chat-queue');
  await page.getByRole('button', { name: 'Leave the queue' }).click();
  await expect(page.getByText('This chat has ended.')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'How did we do?' })).toBeVisible();
  await check(page, 'chat-ended-rating');
  await page.goto('/?tab=closed');
  await page.locator('.ticket-row a.title').first().click();
  await expect(page.getByRole('heading', { name: 'How did we do?' })).toBeVisible();
  await check(page, 'ticket-closed-rating');
  await page.goto('/notifications');
  await check(page, 'notifications');
});

test('agent pages', async ({ page }) => {
  await logIn(page, 'agent');
  await expect(page.getByRole('heading', { level: 1, name: 'Agent console' })).toBeVisible();
  await check(page, 'agent-queue');
  await page.locator('table.queue a').first().click();
  await expect(page.getByRole('heading', { level: 2, name: 'Agent actions' })).toBeVisible();
  await check(page, 'agent-ticket');
  await page.goto('/agent/chats');
  await check(page, 'agent-chats');
  // The set-up step with its QR code shown (nothing is turned on without a code).
  await page.goto('/account/two-step');
  await expect(page.getByRole('heading', { level: 1, name: 'Two-step sign-in' })).toBeVisible();
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Set up two-step sign-in' }).click();
  await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  await check(page, 'two-step-set-up');
});

test('admin console', async ({ page }) => {
  await logIn(page, 'admin');
  await expect(page.getByRole('heading', { level: 1, name: 'Agent console' })).toBeVisible();
  await page.goto('/admin');
  await expect(page.getByRole('heading', { level: 1, name: 'Desk settings' })).toBeVisible();
  await check(page, 'admin-settings');
  await page.goto('/admin/macros');
  await expect(page.getByRole('heading', { level: 1, name: 'Canned answers' })).toBeVisible();
  await check(page, 'admin-macros');
  await page.goto('/admin/people');
  await expect(page.getByRole('heading', { level: 1, name: 'People' })).toBeVisible();
  await check(page, 'admin-people');
  await page.goto('/admin/people?kind=members');
  await check(page, 'admin-members');
  await page.goto('/admin/audit');
  await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
  await check(page, 'admin-audit');
  await page.goto('/admin/reports');
  await expect(page.getByRole('heading', { level: 1, name: 'Reports' })).toBeVisible();
  await check(page, 'admin-reports');
});
