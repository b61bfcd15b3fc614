//! The office-to-office messages ↔ their CD messages: record requests and answers after a
//! diversion (CD002C/CD003C at destination, CD114C/CD115C at a border), status (CD094C,
//! CD095C), enquiry (CD142C-CD145C), recovery (CD150C-CD152C) and the hub's XML rejection
//! (CD917C). Offices NCTS names and the standardized message does not come from the header
//! ([`Context`]); what NCTS has no element for is listed in the mapping report.

//! - `records`: CD002C/CD003C, CD114C/CD115C; `status`: CD094C/CD095C; `enquiry`:
//!   CD142C-CD145C; `recovery`: CD150C-CD152C; `syntax`: CD917C.

mod enquiry;
mod records;
mod recovery;
mod status;
mod syntax;

pub(crate) use enquiry::*;
pub(crate) use records::*;
pub(crate) use recovery::*;
pub(crate) use status::*;
pub(crate) use syntax::*;
