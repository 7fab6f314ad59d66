import { test, expect } from '@playwright/test';
import { execFileSync } from 'child_process';
import { logIn, waitForHydration, fileTicket, PASSWORD } from './helpers';

const MAIL_API = process.env.MAIL_API ?? 'http://127.0.0.1:1080';
const INBOUND_PORT = process.env.INBOUND_PORT ?? '2525';
const SILVER = 'silver@demo.example.com';

type Mail = { subject: string; text: string; to: { address: string }[]; headers: Record<string, string> };

/** The emails maildev received for `to` about `token`, once there is one. */
async function mailFor(to: string, token: string): Promise<Mail> {
  let found: Mail | undefined;
  await expect
    .poll(
      async () => {
        const all: Mail[] = await (await fetch(`${MAIL_API}/email`)).json();
        found = all.find((m) => m.to.some((a) => a.address === to) && m.subject.includes(token));
        return found !== undefined;
      },
      { timeout: 15_000 },
    )
    .toBe(true);
  return found!;
}

/** Answers by SMTP as the member's mail program would (Python's standard smtplib). */
function replyByEmail(from: string, to: string, answer: string) {
  const script = `
import smtplib, sys
from email.message import EmailMessage
m = EmailMessage()
m["From"], m["To"], m["Subject"] = sys.argv[1], sys.argv[2], "Re: your tech issue"
m.set_content(sys.argv[3] + "\\n\\nOn Thu, Member Tech Support wrote:\\n> ## Write your answer above this line ##\\n> Hello")
with smtplib.SMTP("127.0.0.1", int(sys.argv[4])) as s:
    s.send_message(m)
`;
  execFileSync('python3', ['-c', script, from, to, answer, INBOUND_PORT]);
}


test('the agent asks, the member answers the email, the agent sees it live', async ({ browser }) => {
  const member = await (await browser.newContext()).newPage();
  const agent = await (await browser.newContext()).newPage();
  const title = `VPN drops ${Date.now()}`;

  await logIn(member, 'silver');
  await expect(member.getByRole('heading', { level: 1, name: 'My Technical Issues' })).toBeVisible();
  const id = await fileTicket(member, title);

  await logIn(agent, 'agent');
  await expect(agent.getByRole('heading', { level: 1, name: 'Agent console' })).toBeVisible();
  await agent.goto(`/tickets/${id}`);
  await waitForHydration(agent);
  await agent.getByLabel('Request information from the member').fill('Which office are you in?');
  await agent.getByRole('button', { name: 'Request information' }).click();
  await expect(agent.getByText('Alex Agent changed the status to Awaiting Feedback')).toBeVisible();
  // The member's page says when the desk would close it.
  await expect(member.getByText(/We will close this issue on .+ if we don't hear from you\./)).toBeVisible();

  // The email, read from the SMTP server's API.
  const mail = await mailFor(SILVER, title);
  expect(mail.subject).toBe(`[#${id}] The IT team needs information: ${title}`);
  expect(mail.text).toContain('Which office are you in?');
  expect(mail.text).toContain(`/tickets/${id}`);
  const replyTo = mail.headers['reply-to'];
  expect(replyTo).toMatch(new RegExp(`^reply\\+${id}-[0-9a-f]+@reply\\.e2e\\.example\\.com$`));

  // The member answers the email; the agent's open page shows it, and the status, by itself.
  replyByEmail(SILVER, replyTo, 'The Madrid office, third floor.');
  await expect(agent.getByText('The Madrid office, third floor.')).toBeVisible();
  await expect(agent.getByText('Sofía Silva changed the status to Open')).toBeVisible();
  await expect(agent.getByText('On Thu, Member Tech Support wrote')).toHaveCount(0);
});

test('a link from an email signs in first and lands on the ticket', async ({ browser }) => {
  const member = await (await browser.newContext()).newPage();
  await logIn(member, 'silver');
  await expect(member.getByRole('heading', { level: 1, name: 'My Technical Issues' })).toBeVisible();
  const title = `Printer offline ${Date.now()}`;
  const id = await fileTicket(member, title);

  const fresh = await (await browser.newContext()).newPage();
  await fresh.goto(`/tickets/${id}`);
  await expect(fresh).toHaveURL(new RegExp(`/login\\?next=%2Ftickets%2F${id}$`));
  await waitForHydration(fresh);
  await fresh.getByLabel('Username').fill('silver');
  await fresh.getByLabel('Password').fill(PASSWORD);
  await fresh.getByRole('button', { name: 'Log in' }).click();
  await expect(fresh).toHaveURL(new RegExp(`/tickets/${id}$`));
  await expect(fresh.getByRole('heading', { level: 1, name: title })).toBeVisible();
});

test('email choices: a member turns reminders off and back on', async ({ page }) => {
  await logIn(page, 'silver');
  await expect(page.getByRole('heading', { level: 1, name: 'My Technical Issues' })).toBeVisible();
  await page.getByRole('link', { name: 'Notifications' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Notifications' })).toBeVisible();
  await waitForHydration(page);
  const byEmail = () => page.getByRole('group', { name: 'By email' });
  const reminders = () => byEmail().getByLabel('Reminders when the IT team is waiting for my answer');
  await expect(reminders()).toBeChecked();
  await reminders().uncheck();
  await page.getByRole('button', { name: 'Save choices' }).click();
  await expect(page.getByText('Your choices are saved.')).toBeVisible();
  await page.reload();
  await expect(reminders()).not.toBeChecked();
  await expect(byEmail().getByLabel('Questions and replies about my tech issues, and when they are closed')).toBeChecked();
  // The same topic on devices is its own choice, still on.
  await expect(page.getByRole('group', { name: 'On my devices (push notifications)' })
    .getByLabel('Reminders when the IT team is waiting for my answer')).toBeChecked();
  await reminders().check();
  await page.getByRole('button', { name: 'Save choices' }).click();
  await expect(page.getByText('Your choices are saved.')).toBeVisible();
});
