//! More of [`crate::Stack`]'s methods, by concern.

mod look;
mod people;
mod ready;
mod start;

pub(crate) use ready::NotReady;

mod handled;
