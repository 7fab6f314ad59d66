-- Web Push: one subscription per device (a browser's push endpoint with its keys), owned by the
-- person who turned notifications on there. Push notices are outbox rows of channel 'push',
-- one per device, so a device that fails is retried alone and the others are not sent twice.
create table push_subscriptions (
    id bigserial primary key,
    user_id bigint not null references users (id),
    -- The push service's URL for this device: a capability, never shown back in full.
    endpoint text not null unique,
    -- The device's P-256 public key and auth secret (base64url), for RFC 8291 encryption.
    p256dh text not null,
    auth text not null,
    -- How the device named itself when it subscribed ("Chrome on Android"), for the list.
    label text not null,
    created_at bigint not null,
    last_sent_at bigint
);
create index push_subscriptions_user on push_subscriptions (user_id);

-- The device a push row goes to; null once the device is gone (the row is then dropped).
alter table outbox add column subscription_id bigint references push_subscriptions (id) on delete set null;

-- Opt-outs per channel: a person may want reminders by push and not by email. The old rows
-- were all about email.
alter table notification_optouts add column channel text not null default 'email'
    check (channel in ('email', 'push'));
alter table notification_optouts alter column channel drop default;
alter table notification_optouts drop constraint notification_optouts_pkey;
alter table notification_optouts add primary key (user_id, channel, topic);
