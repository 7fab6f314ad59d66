-- Deadline alerts: the agent holding a ticket is told when its next service deadline is near
-- (sla_warning) and when it has passed (sla_breached). Agents may turn them off by channel
-- (topic 'deadlines').
alter table outbox drop constraint outbox_kind_check;
alter table outbox add constraint outbox_kind_check check (kind in ('question', 'reply', 'closed', 'chat_ticket', 'reminder', 'auto_closed', 'new_ticket', 'member_answer', 'chat_ended', 'sla_warning', 'sla_breached'));
alter table notification_optouts drop constraint notification_optouts_topic_check;
alter table notification_optouts add constraint notification_optouts_topic_check check (topic in ('updates', 'reminders', 'new_tickets', 'member_answers', 'deadlines'));
