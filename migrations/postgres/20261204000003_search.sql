-- Full-text search over tickets (title, description) and their messages: stored tsvectors the
-- database keeps in step with the text, with GIN indexes. The 'simple' configuration (no
-- stemming) because one desk holds English and Spanish side by side; the title weighs most (A),
-- then the description (B), then messages (D, the default weight).
alter table tickets add column search_doc tsvector generated always as (
    setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', description), 'B')
) stored;
create index tickets_search on tickets using gin (search_doc);
alter table ticket_messages add column search_doc tsvector generated always as (
    to_tsvector('simple', body)
) stored;
create index ticket_messages_search on ticket_messages using gin (search_doc);
