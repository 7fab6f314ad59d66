import { test, expect } from '@playwright/test';
import { logIn, waitForHydration } from './helpers';

test('silver files a Spanish issue; the language picker follows the title prefix', async ({ page }) => {
  await logIn(page, 'silver');
  await expect(page.getByRole('heading', { level: 1, name: 'My Technical Issues' })).toBeVisible();
  await page.getByRole('link', { name: 'Submit a new tech issue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Submit a new tech issue' })).toBeVisible();
  await waitForHydration(page);

  const language = page.getByLabel('Language of your issue');
  await expect(language).toHaveValue('en');
  await page.getByLabel('Title').fill('Español - No puedo procesar el pedido');
  await expect(language).toHaveValue('es');

  // Too short a description is refused with a clear message and nothing is lost.
  await page.getByLabel('Detailed description').fill('short');
  await page.getByRole('button', { name: 'Submit Tech Issue' }).click();
  await expect(page.getByText(/description needs at least 10 characters/)).toBeVisible();
  await expect(page.getByLabel('Title')).toHaveValue('Español - No puedo procesar el pedido');

  await page.getByLabel('Detailed description').fill('1. Abro el carrito 2. Pulso «Procesar pedido» 3. No pasa nada');
  await page.getByRole('button', { name: 'Submit Tech Issue' }).click();
  await expect(page).toHaveURL(/\/tickets\/\d+$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Español - No puedo procesar el pedido' })).toBeVisible();
  await expect(page.getByText('Language: Español')).toBeVisible();
  await expect(page.getByText('Open', { exact: true })).toBeVisible();
});
