-- Full-text search over tickets (title, description) and their messages. External-content FTS5
-- tables: the text stays in its own table, the index follows it through the triggers below
-- (the pattern the FTS5 documentation gives), so an edit or an erasure leaves no stale words.
-- remove_diacritics folds "sesión" and "sesion" together for Spanish members.
create virtual table ticket_text using fts5(
    title, description,
    content = 'tickets', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
create trigger ticket_text_insert after insert on tickets begin
    insert into ticket_text (rowid, title, description) values (new.id, new.title, new.description);
end;
create trigger ticket_text_delete after delete on tickets begin
    insert into ticket_text (ticket_text, rowid, title, description)
    values ('delete', old.id, old.title, old.description);
end;
create trigger ticket_text_update after update of title, description on tickets begin
    insert into ticket_text (ticket_text, rowid, title, description)
    values ('delete', old.id, old.title, old.description);
    insert into ticket_text (rowid, title, description) values (new.id, new.title, new.description);
end;
insert into ticket_text (ticket_text) values ('rebuild');

create virtual table message_text using fts5(
    body,
    content = 'ticket_messages', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
create trigger message_text_insert after insert on ticket_messages begin
    insert into message_text (rowid, body) values (new.id, new.body);
end;
create trigger message_text_delete after delete on ticket_messages begin
    insert into message_text (message_text, rowid, body) values ('delete', old.id, old.body);
end;
create trigger message_text_update after update of body on ticket_messages begin
    insert into message_text (message_text, rowid, body) values ('delete', old.id, old.body);
    insert into message_text (rowid, body) values (new.id, new.body);
end;
insert into message_text (message_text) values ('rebuild');
