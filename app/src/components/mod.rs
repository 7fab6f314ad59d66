pub mod header;
pub mod labels;
pub mod ticket_list;
