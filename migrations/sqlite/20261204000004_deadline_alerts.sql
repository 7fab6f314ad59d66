-- Deadline alerts: the agent holding a ticket is told when its next service deadline is near
-- (sla_warning) and when it has passed (sla_breached). Agents may turn them off by channel
-- (topic 'deadlines'). SQLite cannot change a CHECK in place: both tables are rebuilt with their
-- rows, exactly as before but for the new values.
create table outbox_rebuilt (
    id integer primary key autoincrement,
    dedupe_key text not null unique,
    channel text not null check (channel in ('email', 'push')),
    kind text not null check (kind in ('question', 'reply', 'closed', 'chat_ticket', 'reminder', 'auto_closed', 'new_ticket', 'member_answer', 'chat_ended', 'sla_warning', 'sla_breached')),
    recipient_id bigint not null references users (id),
    ticket_id bigint references tickets (id),
    chat_id bigint references chats (id),
    ref_id bigint,
    created_at bigint not null,
    attempts bigint not null default 0,
    next_attempt_at bigint not null,
    locked_until bigint,
    sent_at bigint,
    dropped_at bigint,
    last_error text,
    subscription_id bigint references push_subscriptions (id) on delete set null,
    check ((ticket_id is null) <> (chat_id is null))
);
insert into outbox_rebuilt (id, dedupe_key, channel, kind, recipient_id, ticket_id, chat_id,
        ref_id, created_at, attempts, next_attempt_at, locked_until, sent_at, dropped_at,
        last_error, subscription_id)
    select id, dedupe_key, channel, kind, recipient_id, ticket_id, chat_id, ref_id, created_at,
        attempts, next_attempt_at, locked_until, sent_at, dropped_at, last_error, subscription_id
    from outbox;
drop table outbox;
alter table outbox_rebuilt rename to outbox;
create index outbox_due on outbox (next_attempt_at) where sent_at is null and dropped_at is null;

create table notification_optouts_rebuilt (
    user_id bigint not null references users (id),
    channel text not null check (channel in ('email', 'push')),
    topic text not null check (topic in ('updates', 'reminders', 'new_tickets', 'member_answers', 'deadlines')),
    at bigint not null,
    primary key (user_id, channel, topic)
);
insert into notification_optouts_rebuilt (user_id, channel, topic, at)
    select user_id, channel, topic, at from notification_optouts;
drop table notification_optouts;
alter table notification_optouts_rebuilt rename to notification_optouts;
