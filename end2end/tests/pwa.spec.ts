import { test, expect } from '@playwright/test';
import { logIn, waitForHydration } from './helpers';

test('the app is installable: manifest, icons, service worker and an offline page', async ({ page, context, request }) => {
  const res = await request.get('/manifest.webmanifest');
  expect(res.ok()).toBe(true);
  const manifest = await res.json();
  expect(manifest.name).toBe('Member Tech Support');
  expect(manifest.display).toBe('standalone');
  expect(manifest.start_url).toBe('/');
  const sizes = manifest.icons.map((i: any) => `${i.sizes} ${i.purpose}`);
  expect(sizes).toEqual(expect.arrayContaining(['192x192 any', '512x512 any', '512x512 maskable']));
  for (const icon of manifest.icons) {
    const img = await request.get(icon.src);
    expect(img.headers()['content-type']).toBe('image/png');
  }

  await page.goto('/login');
  await waitForHydration(page);
  await expect(page.locator('link[rel="manifest"]')).toHaveAttribute('href', '/manifest.webmanifest');
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  await page.reload();
  await waitForHydration(page);
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

  // With no network a page load shows the offline page from the worker's cache.
  await context.setOffline(true);
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'You are offline' })).toBeVisible();
  await context.setOffline(false);

  // The cache holds the shell only: no member page, server function or attachment.
  const cached: string[] = await page.evaluate(async () => {
    const out: string[] = [];
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const req of await cache.keys()) out.push(new URL(req.url).pathname);
    }
    return out;
  });
  expect(cached).toContain('/offline');
  expect(cached.some((p) => p.startsWith('/pkg/'))).toBe(true);
  expect(cached.filter((p) => p === '/' || p.startsWith('/api') || p.startsWith('/attachments') || p.startsWith('/tickets'))).toEqual([]);
});

test('a member chooses Español and the next pages are rendered in Spanish by the server', async ({ page }) => {
  await logIn(page, 'silver');
  await expect(page.getByRole('heading', { level: 1, name: 'My Technical Issues' })).toBeVisible();
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Español' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Mis problemas técnicos' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Español' })).toHaveAttribute('aria-pressed', 'true');
  // The choice is a cookie: the server's HTML is Spanish from the first byte.
  const html = await (await page.request.get('/', { headers: { accept: 'text/html' } })).text();
  expect(html).toContain('lang="es"');
  expect(html).toContain('Mis problemas técnicos');
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Mis problemas técnicos' })).toBeVisible();
  await waitForHydration(page);
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'My Technical Issues' })).toBeVisible();
});

test('each page is titled with its name and the desk\'s, in the page\'s language, before and after it is taken over', async ({ page }) => {
  await page.goto('/login');
  await expect(page).toHaveTitle('Log in · Member Tech Support');
  await waitForHydration(page);
  await expect(page).toHaveTitle('Log in · Member Tech Support');

  await logIn(page, 'silver');
  await expect(page).toHaveTitle('My Technical Issues · Member Tech Support');
  await waitForHydration(page);
  await expect(page).toHaveTitle('My Technical Issues · Member Tech Support');
  // A ticket's page is titled with the ticket (its page island sets the title again).
  const first = page.locator('.ticket-row a.title').first();
  const ticket = (await first.textContent())?.trim();
  await first.click();
  await waitForHydration(page);
  await expect(page).toHaveTitle(`${ticket} · Member Tech Support`);

  await page.goto('/tickets/new');
  await waitForHydration(page);
  await expect(page).toHaveTitle('Submit a new tech issue · Member Tech Support');

  await page.goto('/');
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Español' }).click();
  await expect(page).toHaveTitle('Mis problemas técnicos · Soporte técnico para miembros');
  await page.goto('/tickets/new');
  await expect(page).toHaveTitle('Enviar un nuevo problema técnico · Soporte técnico para miembros');
  await waitForHydration(page);
  await expect(page).toHaveTitle('Enviar un nuevo problema técnico · Soporte técnico para miembros');
  await page.goto('/');
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page).toHaveTitle('My Technical Issues · Member Tech Support');
});
