import { test, expect } from '@playwright/test';
import { logIn, waitForHydration, fileTicket } from './helpers';

// Running the desk: the admin writes a canned answer, changes a setting and adds an agent in the
// console; the new agent takes the new ticket from "Unassigned", answers with the canned answer, and sees the
// first-response clock stop; the admin finds all of it in the audit log and sees the new agent's
// work in the reports.
test('admin writes a macro, agent takes a ticket and answers with it, admin reads the audit', async ({ browser }) => {
  test.setTimeout(90_000);
  const admin = await (await browser.newContext()).newPage();
  const agent = await (await browser.newContext()).newPage();
  const member = await (await browser.newContext()).newPage();
  const stamp = Date.now();
  const macroName = `Clear the cache ${stamp}`;

  await logIn(admin, 'admin');
  await expect(admin.getByRole('heading', { level: 1, name: 'Agent console' })).toBeVisible();
  await admin.getByRole('link', { name: 'Admin', exact: true }).click();
  await expect(admin.getByRole('heading', { level: 1, name: 'Desk settings' })).toBeVisible();
  await waitForHydration(admin);
  const warn = admin.getByLabel('Mark a deadline as due soon this many minutes ahead');
  await warn.fill('45');
  await admin.getByRole('region', { name: 'Service targets' }).getByRole('button', { name: 'Save' }).click();
  await expect(admin.getByRole('region', { name: 'Service targets' }).getByRole('status')).toHaveText('Saved.');

  await admin.getByRole('link', { name: 'Canned answers' }).click();
  await expect(admin.getByRole('heading', { level: 1, name: 'Canned answers' })).toBeVisible();
  await waitForHydration(admin);
  const form = admin.getByRole('region', { name: 'New canned answer' });
  await form.getByLabel('Name').fill(macroName);
  await form.getByLabel('Text in English').fill('Hello {member_name}, please clear the cache and try {ticket_number} again.');
  await form.getByLabel('Text in Spanish').fill('Hola {member_name}, borre la caché y pruebe {ticket_number} de nuevo.');
  await form.getByRole('button', { name: 'Add canned answer' }).click();
  await expect(admin.getByRole('heading', { level: 2, name: macroName })).toBeVisible();

  // A new agent account, made in the console.
  const agentUser = `bea${stamp % 1_000_000}`;
  const agentName = `Bea Bravo ${stamp % 1_000_000}`;
  await admin.getByRole('link', { name: 'People' }).click();
  await expect(admin.getByRole('heading', { level: 1, name: 'People' })).toBeVisible();
  await waitForHydration(admin);
  const staffForm = admin.getByRole('region', { name: 'Add a staff account' });
  await staffForm.getByLabel('Username').fill(agentUser);
  await staffForm.getByLabel('Name', { exact: true }).fill(agentName);
  await staffForm.getByLabel('Email').fill(`${agentUser}@example.com`);
  await staffForm.getByLabel('Role').selectOption('agent');
  await staffForm.getByLabel('First password (at least 8 characters)').fill('first-password');
  await staffForm.getByRole('button', { name: 'Add staff account' }).click();
  await expect(staffForm.getByRole('status')).toHaveText('Account created.');
  await expect(admin.getByRole('cell', { name: `${agentName} ${agentUser}` })).toBeVisible();

  // Silver files a ticket; it waits unassigned.
  await logIn(member, 'silver');
  await expect(member.getByRole('heading', { level: 1, name: 'My Technical Issues' })).toBeVisible();
  const title = `VPN drops ${stamp}`;
  const id = await fileTicket(member, title);

  await agent.goto('/login');
  await waitForHydration(agent);
  await agent.getByLabel('Username').fill(agentUser);
  await agent.getByLabel('Password').fill('first-password');
  await agent.getByRole('button', { name: 'Log in' }).click();
  await expect(agent.getByRole('heading', { level: 1, name: 'Agent console' })).toBeVisible();
  await agent.getByRole('link', { name: 'Unassigned' }).click();
  await expect(agent.getByRole('link', { name: 'Unassigned' })).toHaveAttribute('aria-current', 'page');
  await waitForHydration(agent);
  const row = agent.getByRole('row').filter({ has: agent.getByRole('link', { name: title }) });
  await expect(row.getByRole('cell', { name: 'Normal' })).toBeVisible();
  await row.getByRole('button', { name: `Take issue #${id}` }).click();
  await expect(row).toHaveCount(0); // taken: no longer unassigned
  await agent.getByRole('link', { name: 'Mine' }).click();
  await agent.getByRole('link', { name: title }).click();
  await expect(agent.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await waitForHydration(agent);
  await expect(agent.getByLabel('Assigned to')).toHaveValue(/\d+/);
  const targets = agent.getByRole('region', { name: 'Handling' });
  await expect(targets.getByText(/^(in|overdue by) /).first()).toBeVisible();

  // A second agent opens the same ticket and is warned who has it open, then who is replying.
  const other = await (await browser.newContext()).newPage();
  await logIn(other, 'agent');
  await expect(other.getByRole('heading', { level: 1, name: 'Agent console' })).toBeVisible();
  await other.goto(`/tickets/${id}`);
  await waitForHydration(other);
  await expect(other.getByText(`${agentName} is viewing this issue`)).toBeVisible({ timeout: 15_000 });
  await agent.getByLabel('Your reply').fill('Let me check');
  await expect(other.getByText(`${agentName} is replying to this issue`)).toBeVisible({ timeout: 15_000 });
  await agent.getByLabel('Your reply').fill('');

  // The canned answer, filled in for this ticket, then sent.
  await agent.getByLabel('Canned answer', { exact: true }).selectOption({ label: macroName });
  await expect(agent.locator('.macro-preview')).toHaveText(
    `Hello Sofía Silva, please clear the cache and try #${id} again.`,
  );
  await agent.getByRole('button', { name: 'Send canned answer' }).click();
  await expect(
    agent.getByText(`Hello Sofía Silva, please clear the cache and try #${id} again.`).first(),
  ).toBeVisible();
  // The first response is given: its clock shows met or missed, no longer a countdown.
  const firstResponse = targets.locator('dt', { hasText: 'First response' }).locator('xpath=following-sibling::dd[1]');
  await expect(firstResponse).toHaveText(/^(met|missed)$/);

  // The member reads it on their ticket.
  await member.reload();
  await expect(member.getByText(`please clear the cache and try #${id} again.`)).toBeVisible();

  // The admin's audit log has the take, the macro and the setting.
  await admin.getByRole('link', { name: 'Audit log' }).click();
  await expect(admin.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
  await waitForHydration(admin);
  await admin.getByLabel('Done to').fill(`ticket:${id}`);
  await admin.getByRole('button', { name: 'Apply filters' }).click();
  await expect(admin.getByRole('cell', { name: 'ticket.take' })).toBeVisible();
  await expect(admin.getByRole('cell', { name: agentName })).toBeVisible();
  await admin.getByLabel('Done to').fill('');
  await admin.getByLabel('Action').fill('macro');
  await admin.getByRole('button', { name: 'Apply filters' }).click();
  await expect(admin.getByRole('cell', { name: 'macro.create' }).first()).toBeVisible();
  await expect(admin.getByText(macroName).first()).toBeVisible();

  // The reports, narrowed to the new agent: their one ticket, filed and answered today.
  await admin.getByRole('link', { name: 'Reports' }).click();
  await expect(admin.getByRole('heading', { level: 1, name: 'Reports' })).toBeVisible();
  await waitForHydration(admin);
  await admin.getByLabel('Agent', { exact: true }).selectOption({ label: agentName });
  await admin.getByRole('button', { name: 'Apply filters' }).click();
  await expect(admin).toHaveURL(/agent=\d+/);
  const times = admin.getByRole('table', { name: 'How long things took' });
  await expect(times.getByRole('row', { name: /^First response/ }).getByRole('cell').first()).toHaveText('1');
  await expect(admin.getByRole('img', { name: /Tickets opened and closed per day/ })).toBeVisible();
  const days = admin.getByRole('table', { name: 'Day by day' });
  await expect(days.getByRole('row').last().getByRole('cell').first()).toHaveText('1');
  await expect(admin.getByRole('link', { name: 'Download the days as CSV' })).toHaveAttribute('href', /agent=\d+/);
});
