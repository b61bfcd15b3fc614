//! More of [`crate::Stack`]'s methods, by concern.

mod look;
mod people;
mod start;
