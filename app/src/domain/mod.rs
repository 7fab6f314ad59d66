//! Types shared by the server and the WASM client. No I/O here.
mod account;
mod dates;
mod role;
mod status;
mod ticket;
mod tier;

pub use account::*;
pub use dates::format_day;
pub use role::Role;
pub use status::{Actor, IllegalTransition, TicketStatus};
pub use ticket::{TicketLists, TicketSummary};
pub use tier::Tier;
