//! More of [`crate::Stack`]'s methods, by concern.

mod actors;
mod look;
mod people;
mod ready;
mod start;

pub use actors::{National, Officer};
pub(crate) use ready::NotReady;
pub use start::StackBuilder;

mod handled;
