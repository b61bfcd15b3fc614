//! What officers and operators search movements by, taken from the stored movement document
//! when the tracker writes it. Until migration 0011 these were generated columns computed by
//! PostgreSQL with JSON path queries, which cost about 50 µs per movement written — more than
//! the rest of the row. The functions here compute the same values from the same document
//! (PostgreSQL's lax JSON path semantics: a step over an array applies to each element, a
//! missing member yields nothing) and `integration-tests/tests/search_columns.rs` proves they
//! agree with the former expressions on every corridor's movements.

use serde_json::Value;

/// The search columns of one movement, as they are bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchColumns {
    /// `document ->> 'destination_office'`.
    pub current_destination: Option<String>,
    /// `jsonb_path_query_array(document, '$.route[*].office')`, as JSON text.
    pub route_offices: String,
    /// `document #>> '{declaration,borderTransportMeans,id}'`.
    pub vehicle: Option<String>,
    /// `…transportEquipment[*].id`, as JSON text.
    pub containers: String,
    /// `…transportEquipment[*].seal[*].id`, as JSON text.
    pub seals: String,
    /// `document #>> '{declaration,obligationGuarantee,amountAmount}'` (cast to numeric).
    pub guarantee_amount: Option<String>,
    /// `document #>> '{declaration,obligationGuarantee,currencyCode}'`.
    pub guarantee_currency: Option<String>,
    /// The last office reached: the destination once arrived, else the last transit office
    /// crossed, else the departure.
    pub last_office: Option<String>,
}

/// The former generated columns' expressions (migrations 0003 and 0005) over a movement's
/// whole `document` (declaration included, as the view `movement_documents` has it),
/// `(column, expression)`: for bulk loads that write rows without the tracker (benchmarks),
/// and for the test that proves [`SearchColumns::of`] computes the same.
pub const EXPRESSIONS: [(&str, &str); 8] = [
    ("current_destination", "document ->> 'destination_office'"),
    ("route_offices", "jsonb_path_query_array(document, '$.route[*].office')"),
    ("vehicle", "document #>> '{declaration,borderTransportMeans,id}'"),
    (
        "containers",
        "jsonb_path_query_array(document, '$.declaration.goodsShipment.consignment.transportEquipment[*].id')",
    ),
    (
        "seals",
        "jsonb_path_query_array(document, '$.declaration.goodsShipment.consignment.transportEquipment[*].seal[*].id')",
    ),
    (
        "guarantee_amount",
        "(document #>> '{declaration,obligationGuarantee,amountAmount}')::numeric",
    ),
    (
        "guarantee_currency",
        "document #>> '{declaration,obligationGuarantee,currencyCode}'",
    ),
    (
        "last_office",
        "CASE WHEN document ->> 'arrived_at' IS NOT NULL THEN document ->> 'destination_office' \
         ELSE coalesce(jsonb_path_query_array(document, '$.route[*] ? (@.crossed_at != null).office') ->> -1, \
         departure_office) END",
    ),
];

/// One step of a JSON path: a member, or every element.
#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    All,
}

use Step::{All, Key};

const EQUIPMENT: [Step<'static>; 4] = [
    Key("declaration"),
    Key("goodsShipment"),
    Key("consignment"),
    Key("transportEquipment"),
];

impl SearchColumns {
    /// Computes the columns from the movement document as stored.
    pub fn of(movement: &Value) -> Self {
        let mut containers = EQUIPMENT.to_vec();
        containers.extend([All, Key("id")]);
        let mut seals = EQUIPMENT.to_vec();
        seals.extend([All, Key("seal"), All, Key("id")]);
        Self {
            current_destination: text_at(movement, &["destination_office"]),
            route_offices: array(&lax(movement, &[Key("route"), All, Key("office")])),
            vehicle: text_at(movement, &["declaration", "borderTransportMeans", "id"]),
            containers: array(&lax(movement, &containers)),
            seals: array(&lax(movement, &seals)),
            guarantee_amount: text_at(
                movement,
                &["declaration", "obligationGuarantee", "amountAmount"],
            ),
            guarantee_currency: text_at(
                movement,
                &["declaration", "obligationGuarantee", "currencyCode"],
            ),
            last_office: last_office(movement),
        }
    }
}

/// `CASE WHEN document ->> 'arrived_at' IS NOT NULL THEN document ->> 'destination_office'
/// ELSE coalesce(jsonb_path_query_array(document, '$.route[*] ? (@.crossed_at != null).office')
/// ->> -1, departure_office) END`.
fn last_office(movement: &Value) -> Option<String> {
    if text_at(movement, &["arrived_at"]).is_some() {
        return text_at(movement, &["destination_office"]);
    }
    let crossed: Vec<&Value> = lax(movement, &[Key("route"), All])
        .into_iter()
        .filter(|passage| passage.get("crossed_at").is_some_and(|at| !at.is_null()))
        .flat_map(|passage| lax(passage, &[Key("office")]))
        .collect();
    crossed
        .last()
        .and_then(|office| text(office))
        .or_else(|| text_at(movement, &["departure_office"]))
}

/// The items a lax JSON path selects.
fn lax<'a>(value: &'a Value, steps: &[Step<'_>]) -> Vec<&'a Value> {
    let Some((step, rest)) = steps.split_first() else {
        return vec![value];
    };
    match (step, value) {
        (All, Value::Array(items)) => items.iter().flat_map(|i| lax(i, rest)).collect(),
        (All, other) => lax(other, rest),
        (Key(key), Value::Object(members)) => {
            members.get(*key).map(|v| lax(v, rest)).unwrap_or_default()
        }
        (Key(_), Value::Array(items)) => items.iter().flat_map(|i| lax(i, steps)).collect(),
        (Key(_), _) => Vec::new(),
    }
}

/// `#>>`: the value at a path of members, as text (`None` for a missing member or JSON null).
fn text_at(value: &Value, path: &[&str]) -> Option<String> {
    path.iter()
        .try_fold(value, |v, key| v.get(*key))
        .and_then(text)
}

/// `->>` of one value: a string unquoted, null as `None`, anything else as JSON text.
fn text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn array(items: &[&Value]) -> String {
    Value::Array(items.iter().map(|v| (*v).clone()).collect()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn movement() -> Value {
        json!({
            "departure_office": "CI000001",
            "destination_office": "BF000002",
            "arrived_at": null,
            "route": [
                {"office": "CI000009", "crossed_at": "2026-01-01T00:00:00Z"},
                {"office": "BF000010", "crossed_at": null},
                {"office": "BF000011"}
            ],
            "declaration": {
                "borderTransportMeans": {"id": "AB-123"},
                "obligationGuarantee": {"amountAmount": 1250.5, "currencyCode": "XOF"},
                "goodsShipment": {"consignment": {"transportEquipment": [
                    {"id": "MSCU1", "seal": [{"id": "S1"}, {"id": "S2"}]},
                    {"id": "MSCU2", "seal": {"id": "S3"}},
                    {"seal": []}
                ]}}
            }
        })
    }

    #[test]
    fn columns_follow_postgresql_lax_paths() {
        let c = SearchColumns::of(&movement());
        assert_eq!(c.current_destination.as_deref(), Some("BF000002"));
        assert_eq!(c.route_offices, r#"["CI000009","BF000010","BF000011"]"#);
        assert_eq!(c.vehicle.as_deref(), Some("AB-123"));
        assert_eq!(c.containers, r#"["MSCU1","MSCU2"]"#);
        assert_eq!(
            c.seals, r#"["S1","S2","S3"]"#,
            "a lone seal object counts as one"
        );
        assert_eq!(c.guarantee_amount.as_deref(), Some("1250.5"));
        assert_eq!(c.guarantee_currency.as_deref(), Some("XOF"));
        assert_eq!(
            c.last_office.as_deref(),
            Some("CI000009"),
            "the last office crossed"
        );
    }

    #[test]
    fn the_last_office_is_the_departure_before_any_crossing_and_the_destination_on_arrival() {
        let mut m = movement();
        m["route"][0]["crossed_at"] = Value::Null;
        assert_eq!(
            SearchColumns::of(&m).last_office.as_deref(),
            Some("CI000001")
        );
        m["arrived_at"] = json!("2026-01-02T00:00:00Z");
        assert_eq!(
            SearchColumns::of(&m).last_office.as_deref(),
            Some("BF000002")
        );
    }

    #[test]
    fn missing_members_give_empty_arrays_and_nulls() {
        let c = SearchColumns::of(&json!({"route": []}));
        assert_eq!(c.route_offices, "[]");
        assert_eq!(c.containers, "[]");
        assert_eq!(c.seals, "[]");
        assert_eq!(c.vehicle, None);
        assert_eq!(c.guarantee_amount, None);
        assert_eq!(c.last_office, None);
    }
}
