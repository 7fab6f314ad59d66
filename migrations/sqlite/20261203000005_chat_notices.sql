-- A chat that ended without becoming a ticket gets a notice too (rate it from the email or the
-- push): an outbox row is about a ticket or about a chat. SQLite cannot drop a NOT NULL or
-- change a CHECK in place, so the table is rebuilt with its rows.
create table outbox_rebuilt (
    id integer primary key autoincrement,
    dedupe_key text not null unique,
    channel text not null check (channel in ('email', 'push')),
    kind text not null check (kind in ('question', 'reply', 'closed', 'chat_ticket', 'reminder', 'auto_closed', 'new_ticket', 'member_answer', 'chat_ended')),
    recipient_id bigint not null references users (id),
    ticket_id bigint references tickets (id),
    chat_id bigint references chats (id),
    ref_id bigint,
    created_at bigint not null,
    attempts bigint not null default 0,
    next_attempt_at bigint not null,
    -- A worker holds a row until this time; a crashed worker's rows are taken again after it.
    locked_until bigint,
    sent_at bigint,
    -- Given up after the last retry, or nothing to send any more (opted out, account disabled).
    dropped_at bigint,
    last_error text,
    -- The device of a push row; null once the device is gone (the row is then dropped).
    subscription_id bigint references push_subscriptions (id) on delete set null,
    check ((ticket_id is null) <> (chat_id is null))
);
insert into outbox_rebuilt (id, dedupe_key, channel, kind, recipient_id, ticket_id, ref_id,
        created_at, attempts, next_attempt_at, locked_until, sent_at, dropped_at, last_error,
        subscription_id)
    select id, dedupe_key, channel, kind, recipient_id, ticket_id, ref_id, created_at, attempts,
        next_attempt_at, locked_until, sent_at, dropped_at, last_error, subscription_id
    from outbox;
drop table outbox;
alter table outbox_rebuilt rename to outbox;
create index outbox_due on outbox (next_attempt_at) where sent_at is null and dropped_at is null;
