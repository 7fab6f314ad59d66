import { test, expect } from '@playwright/test';
import { createHmac } from 'node:crypto';
import { logIn, waitForHydration } from './helpers';

// The code an authenticator app shows for a base32 key (RFC 6238: HMAC-SHA1, 30 s, 6 digits),
// `ahead` steps from now. Written here from the RFC so the browser test does not lean on the
// server's own library.
function totp(key: string, ahead = 0): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of key.replace(/=+$/, '').toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  }
  const secret = Buffer.from((bits.match(/.{8}/g) ?? []).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30) + ahead));
  const mac = createHmac('sha1', secret).update(counter).digest();
  const at = mac[mac.length - 1] & 0x0f;
  const n = (mac.readUInt32BE(at) & 0x7fffffff) % 1_000_000;
  return n.toString().padStart(6, '0');
}

// An agent made for this test turns two-step sign-in on from the header link, scanning nothing:
// the key is typed into "the app" (the function above). Afterwards the password alone leads to
// the code page, a wrong code is refused, and the right one opens the agent console.
test('an agent turns on two-step sign-in and then signs in with a code', async ({ browser }) => {
  test.setTimeout(60_000);
  const admin = await (await browser.newContext()).newPage();
  const stamp = Date.now() % 1_000_000;
  const username = `tess${stamp}`;
  await logIn(admin, 'admin');
  // The login's own navigation first, or it may land after ours.
  await expect(admin.getByRole('heading', { level: 1, name: 'Agent console' })).toBeVisible();
  await admin.goto('/admin/people');
  await expect(admin.getByRole('heading', { level: 1, name: 'People' })).toBeVisible();
  await waitForHydration(admin);
  const staffForm = admin.getByRole('region', { name: 'Add a staff account' });
  await staffForm.getByLabel('Username').fill(username);
  await staffForm.getByLabel('Name', { exact: true }).fill(`Tess Two ${stamp}`);
  await staffForm.getByLabel('Email').fill(`${username}@example.com`);
  await staffForm.getByLabel('Role').selectOption('agent');
  await staffForm.getByLabel('First password (at least 8 characters)').fill('first-password');
  await staffForm.getByRole('button', { name: 'Add staff account' }).click();
  await expect(staffForm.getByRole('status')).toHaveText('Account created.');

  const agent = await (await browser.newContext()).newPage();
  await logIn(agent, username, 'first-password');
  await expect(agent.getByRole('heading', { level: 1, name: 'Agent console' })).toBeVisible();
  await agent.getByRole('link', { name: 'Two-step sign-in' }).click();
  await expect(agent.getByRole('heading', { level: 1, name: 'Two-step sign-in' })).toBeVisible();
  await waitForHydration(agent);
  await agent.getByRole('button', { name: 'Set up two-step sign-in' }).click();
  await expect(agent.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  const key = (await agent.locator('code.secret').innerText()).trim();
  expect(key).toMatch(/^[A-Z2-7]{32}$/);
  await agent.getByRole('textbox', { name: 'Code' }).fill(totp(key));
  await agent.getByRole('button', { name: 'Turn on' }).click();
  await expect(agent.getByRole('heading', { level: 2, name: 'Recovery codes' })).toBeVisible();
  await expect(agent.getByRole('region', { name: 'Recovery codes' }).getByRole('listitem')).toHaveCount(10);
  await expect(agent.getByText('Recovery codes left: 10.')).toBeVisible();

  // A new browser: the password alone is not enough.
  const phone = await (await browser.newContext()).newPage();
  await logIn(phone, username, 'first-password');
  await expect(phone.getByRole('heading', { level: 1, name: 'Two-step sign-in' })).toBeVisible();
  await expect(phone).toHaveURL(/\/login\/code/);
  await waitForHydration(phone);
  await phone.getByRole('textbox', { name: 'Code' }).fill('000000');
  await phone.getByRole('button', { name: 'Continue' }).click();
  await expect(phone.getByRole('alert')).toContainText('not the right code');
  // The code of the next step (the one used to turn it on cannot be used again).
  await phone.getByRole('textbox', { name: 'Code' }).fill(totp(key, 1));
  await phone.getByRole('button', { name: 'Continue' }).click();
  await expect(phone.getByRole('heading', { level: 1, name: 'Agent console' })).toBeVisible();
});
