-- Notifications (email now, push later), written in the same transaction as the change that
-- causes them and sent by a worker. `dedupe_key` names the event, recipient and channel, so the
-- same notice can never be queued twice (two instances running the reminder scheduler, a retry
-- of the change). `ref_id` is the message or status event the notice is about.
create table outbox (
    id bigint generated always as identity primary key,
    dedupe_key text not null unique,
    channel text not null check (channel in ('email', 'push')),
    kind text not null check (kind in ('question', 'reply', 'closed', 'chat_ticket', 'reminder', 'auto_closed', 'new_ticket', 'member_answer')),
    recipient_id bigint not null references users (id),
    ticket_id bigint not null references tickets (id),
    ref_id bigint,
    created_at bigint not null,
    attempts bigint not null default 0,
    next_attempt_at bigint not null,
    -- A worker holds a row until this time; a crashed worker's rows are taken again after it.
    locked_until bigint,
    sent_at bigint,
    -- Given up after the last retry, or nothing to send any more (opted out, account disabled).
    dropped_at bigint,
    last_error text
);
create index outbox_due on outbox (next_attempt_at) where sent_at is null and dropped_at is null;

-- Which notices a person does not want (no row: they get it). Topics: updates, reminders,
-- new_tickets, member_answers.
create table notification_optouts (
    user_id bigint not null references users (id),
    topic text not null check (topic in ('updates', 'reminders', 'new_tickets', 'member_answers')),
    at bigint not null,
    primary key (user_id, topic)
);

-- Secrets the desk makes for itself when the environment gives none (signing links and reply
-- addresses; later the push keys). The first instance to start writes them, the others read.
create table app_secrets (
    name text primary key,
    value text not null
);
