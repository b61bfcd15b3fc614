//! Typed values read from a row's text columns by name: an MRN, a message type or a
//! movement state is decoded here, so a value that is not one fails as the column's decoding
//! error rather than travelling on as text (where a row derives `FromRow`, its
//! `#[sqlx(try_from = "String")]` does the same).

use sqlx::postgres::PgRow;
use sqlx::Row;
use transit_model::ModelError;

/// The value of the text column `column`, if not NULL, as a `T`.
pub(crate) fn optional<T>(row: &PgRow, column: &str) -> Result<Option<T>, sqlx::Error>
where
    T: TryFrom<String, Error = ModelError>,
{
    let raw: Option<String> = row.try_get(column)?;
    raw.map(T::try_from)
        .transpose()
        .map_err(|err| sqlx::Error::ColumnDecode {
            index: column.to_owned(),
            source: Box::new(err),
        })
}

/// The value of the text column `column` as a `T`.
pub(crate) fn required<T>(row: &PgRow, column: &str) -> Result<T, sqlx::Error>
where
    T: TryFrom<String, Error = ModelError>,
{
    let raw: String = row.try_get(column)?;
    T::try_from(raw).map_err(|err| sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: Box::new(err),
    })
}
