-- Accounts an administrator switched off: they cannot sign in, and their sessions, sockets and
-- event streams end.
alter table users add column disabled_at bigint;

-- Who sent each file, for the per-member storage quota (files stored before this: nobody's).
alter table attachments add column uploader_id bigint references users (id);
alter table chat_attachments add column uploader_id bigint references users (id);
create index attachments_uploader on attachments (uploader_id);
create index chat_attachments_uploader on chat_attachments (uploader_id);

-- At most one queued or active chat per member, however many requests race to open one. The
-- race this closes may have left a member with two open chats: the older ones end first.
update chats set status = 'ended', ended_at = created_at, end_reason = 'member'
where status <> 'ended'
  and id not in (select max(id) from chats where status <> 'ended' group by member_id);
create unique index chats_one_open_per_member on chats (member_id) where status <> 'ended';
