//! Where a byte of a document is, as errors name it: the line and the column.

/// The line and the column (both from 1) of byte `offset` in `bytes`.
fn position(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let column = before.iter().rev().take_while(|b| **b != b'\n').count() + 1;
    (line, column)
}

/// `line L, column C` of byte `offset` in `bytes`, the place an error names.
pub(crate) fn at(bytes: &[u8], offset: usize) -> String {
    let (line, column) = position(bytes, offset);
    format!("line {line}, column {column}")
}
