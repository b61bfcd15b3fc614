//! The published OpenAPI document (schemas/openapi/sigmat-api.json), the document the API
//! serves and the routes the router has are the same.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use tower::ServiceExt;
use transit_http::api_views::*;
use transit_http::fallbacks::{FallbackRequest, FallbackView, ReconciliationView};
use transit_http::operator_routes::{DeadLetterDetail, DeadLetterQuery, LinkView, ReplayOutcome};
use transit_http::reference::{ImportOutcome, ImportRequest};
use transit_http::subscriptions::{NotificationView, SubscriptionRequest, SubscriptionView};
use transit_http::views::{MovementView, TimelineEntry};
use transit_http::{
    api_routes, ActionPort, ApiError, FallbackPort, FiguresPort, LivePort, MovementPort,
    OperatorPort, ReferencePort, SessionPort, SitePort, SubscriptionPort, API_ROUTES, OPENAPI,
};
use transit_model::dead_letters::DeadLetter;
use transit_model::reference::ReferenceVersion;

/// A port that knows nobody: every protected route answers 401.
#[derive(Debug)]
struct Nobody;

fn no() -> ApiError {
    ApiError::unauthorized("test")
}

impl SessionPort for Nobody {
    async fn login(&self, _: LoginRequest, _: String) -> Result<SessionView, ApiError> {
        Err(no())
    }
    async fn logout(&self, _: String) -> Result<(), ApiError> {
        Err(no())
    }
    async fn authenticate(&self, _: String) -> Result<Principal, ApiError> {
        Err(no())
    }
    async fn stream_ticket(&self, _: String) -> Result<TicketView, ApiError> {
        Err(no())
    }
}

impl MovementPort for Nobody {
    async fn movement(&self, _: Principal, _: String, _: String) -> Result<MovementView, ApiError> {
        Err(no())
    }
    async fn timeline(
        &self,
        _: Principal,
        _: String,
        _: String,
    ) -> Result<Vec<TimelineEntry>, ApiError> {
        Err(no())
    }
    async fn search(
        &self,
        _: Principal,
        _: SearchQuery,
    ) -> Result<Page<MovementSummary>, ApiError> {
        Err(no())
    }
}

impl ActionPort for Nobody {
    async fn act(
        &self,
        _: Principal,
        _: String,
        _: OfficerAction,
        _: Option<String>,
        _: Option<String>,
        _: String,
    ) -> Result<ActionAccepted, ApiError> {
        Err(no())
    }
}

impl FiguresPort for Nobody {
    async fn state_counts(&self, _: Principal) -> Result<Vec<CorridorCounts>, ApiError> {
        Err(no())
    }
    async fn overdue(&self, _: Principal) -> Result<Vec<MovementSummary>, ApiError> {
        Err(no())
    }
    async fn legs(&self, _: Principal, _: PeriodQuery) -> Result<Vec<LegTime>, ApiError> {
        Err(no())
    }
    async fn exposure(&self, _: Principal) -> Result<Vec<Exposure>, ApiError> {
        Err(no())
    }
}

impl LivePort for Nobody {
    async fn open_stream(
        &self,
        _: Option<String>,
        _: Option<String>,
    ) -> Result<tokio::sync::broadcast::Receiver<String>, ApiError> {
        Err(no())
    }
}

impl SitePort for Nobody {
    fn reference(&self) -> serde_json::Value {
        serde_json::json!({"offices": [], "corridors": []})
    }
    fn asset(&self, name: &str) -> Option<(&'static str, &'static str)> {
        (name == "officer.html").then_some(("text/html; charset=utf-8", "<!doctype html>"))
    }
    fn qr_svg(&self, _: &str) -> String {
        "<svg/>".into()
    }
    async fn ready(&self) -> Result<(), ApiError> {
        Ok(())
    }
}

impl FallbackPort for Nobody {
    async fn start_fallback(
        &self,
        _: Principal,
        _: FallbackRequest,
        _: String,
    ) -> Result<FallbackView, ApiError> {
        Err(no())
    }
    async fn fallbacks(&self, _: Principal) -> Result<Vec<FallbackView>, ApiError> {
        Err(no())
    }
    async fn end_fallback(
        &self,
        _: Principal,
        _: String,
        _: String,
    ) -> Result<ReconciliationView, ApiError> {
        Err(no())
    }
    async fn reconciliation(
        &self,
        _: Principal,
        _: String,
    ) -> Result<ReconciliationView, ApiError> {
        Err(no())
    }
}

impl transit_http::DisclosurePort for Nobody {
    async fn disclosures(
        &self,
        _: Principal,
        _: transit_http::disclosures::DisclosureQuery,
        _: String,
    ) -> Result<transit_http::disclosures::DisclosureReport, ApiError> {
        Err(no())
    }
}

impl SubscriptionPort for Nobody {
    async fn add_subscription(
        &self,
        _: Principal,
        _: SubscriptionRequest,
        _: String,
    ) -> Result<SubscriptionView, ApiError> {
        Err(no())
    }
    async fn subscriptions(&self, _: Principal) -> Result<Vec<SubscriptionView>, ApiError> {
        Err(no())
    }
    async fn unsubscribe(&self, _: Principal, _: String, _: String) -> Result<(), ApiError> {
        Err(no())
    }
    async fn notifications(
        &self,
        _: Principal,
        _: String,
    ) -> Result<Vec<NotificationView>, ApiError> {
        Err(no())
    }
    async fn resend(
        &self,
        _: Principal,
        _: String,
        _: String,
    ) -> Result<NotificationView, ApiError> {
        Err(no())
    }
}

impl OperatorPort for Nobody {
    async fn links(&self, _: Principal) -> Result<Vec<LinkView>, ApiError> {
        Err(no())
    }
    async fn dead_letters(
        &self,
        _: Principal,
        _: DeadLetterQuery,
    ) -> Result<Vec<DeadLetter>, ApiError> {
        Err(no())
    }
    async fn dead_letter(&self, _: Principal, _: String) -> Result<DeadLetterDetail, ApiError> {
        Err(no())
    }
    async fn replay(&self, _: Principal, _: String, _: String) -> Result<ReplayOutcome, ApiError> {
        Err(no())
    }
}

impl ReferencePort for Nobody {
    async fn reference_document(&self, _: Principal) -> Result<ReferenceVersion, ApiError> {
        Err(no())
    }
    async fn import_reference(
        &self,
        _: Principal,
        _: ImportRequest,
        _: String,
    ) -> Result<ImportOutcome, ApiError> {
        Err(no())
    }
}

impl transit_http::RiskPort for Nobody {
    async fn risk_rules(&self, _: Principal) -> Result<transit_http::risk::RulesView, ApiError> {
        Err(no())
    }
    async fn import_risk_rules(
        &self,
        _: Principal,
        _: transit_http::risk::RulesImport,
        _: String,
    ) -> Result<ImportOutcome, ApiError> {
        Err(no())
    }
    async fn risk_figures(
        &self,
        _: Principal,
    ) -> Result<Vec<transit_http::risk::RuleFigures>, ApiError> {
        Err(no())
    }
    async fn anomalies(
        &self,
        _: Principal,
        _: transit_http::risk::AnomalyQuery,
    ) -> Result<transit_http::risk::AnomaliesView, ApiError> {
        Err(no())
    }
    async fn override_lane(
        &self,
        _: Principal,
        _: String,
        _: transit_http::risk::LaneOverride,
        _: String,
    ) -> Result<transit_http::views::RiskView, ApiError> {
        Err(no())
    }
    async fn silence_rule(
        &self,
        _: Principal,
        _: transit_http::risk::SilenceRequest,
        _: String,
    ) -> Result<ImportOutcome, ApiError> {
        Err(no())
    }
}

impl transit_http::telematics::TelematicsViewPort for Nobody {
    async fn trucks(&self, _: Principal) -> Result<transit_http::telematics::TrucksView, ApiError> {
        Err(no())
    }
    async fn arriving(
        &self,
        _: Principal,
        _: transit_http::telematics::ArrivingQuery,
    ) -> Result<transit_http::telematics::ArrivingView, ApiError> {
        Err(no())
    }
    async fn movement_telematics(
        &self,
        _: Principal,
        _: String,
    ) -> Result<transit_http::telematics::MovementTelematicsView, ApiError> {
        Err(no())
    }
}

impl transit_http::rail::RailPort for Nobody {
    async fn train(
        &self,
        _: Principal,
        _: String,
    ) -> Result<transit_http::rail::TrainView, ApiError> {
        Err(no())
    }
    async fn confirm_train(
        &self,
        _: Principal,
        _: String,
        _: transit_http::rail::TrainConfirmationRequest,
        _: Option<String>,
        _: Option<String>,
        _: String,
    ) -> Result<transit_http::rail::TrainConfirmed, ApiError> {
        Err(no())
    }
}

fn documented() -> BTreeSet<(String, String)> {
    let doc: serde_json::Value = serde_json::from_str(OPENAPI).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .map(move |method| (method.clone(), path.clone()))
        })
        .collect()
}

#[test]
fn the_route_table_and_the_published_document_list_the_same_operations() {
    let table: BTreeSet<(String, String)> = API_ROUTES
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    assert_eq!(table, documented());
}

#[test]
fn the_served_document_is_the_published_file() {
    let published = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../schemas/openapi/sigmat-api.json"
    ))
    .unwrap();
    assert_eq!(OPENAPI, published);
}

#[tokio::test]
async fn every_documented_operation_has_a_route() {
    let router = api_routes(Arc::new(Nobody));
    for (method, path) in documented() {
        let uri = path
            .replace("{mrn}", "25CIUJZDE8GXD6NCJ0")
            .replace("{id}", "refused-1");
        let request = Request::builder()
            .method(method.to_uppercase().as_str())
            .uri(&uri)
            .header("content-type", "application/json")
            .body(Body::from("{\"action\":\"passage\"}"))
            .unwrap();
        let response = router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        assert!(
            status != StatusCode::NOT_FOUND && status != StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}: {status}"
        );
        if uri == "/api/v1/openapi.json" {
            let body = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap();
            assert_eq!(body, OPENAPI.as_bytes());
        }
    }
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let router = api_routes(Arc::new(Nobody));
    for uri in [
        "/officer/",
        "/dashboard/",
        "/assets/document.html",
        "/api/v1/me",
        "/nowhere",
    ] {
        let request = Request::builder().uri(uri).body(Body::empty()).unwrap();
        let response = router.clone().oneshot(request).await.unwrap();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        let csp = header("content-security-policy");
        let scripts = csp
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("script-src"))
            .unwrap_or_default();
        assert_eq!(scripts, "script-src 'self'", "{uri}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{uri}: {csp}");
        assert_eq!(header("x-content-type-options"), "nosniff", "{uri}");
        assert_eq!(header("referrer-policy"), "no-referrer", "{uri}");
    }
}

#[test]
fn the_published_document_is_what_generate_py_writes() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/openapi");
    let out = std::env::temp_dir().join(format!("sigmat-openapi-{}.json", std::process::id()));
    let status = std::process::Command::new("python3")
        .arg(dir.join("generate.py"))
        .arg(&out)
        .status()
        .expect("python3 runs generate.py");
    assert!(status.success());
    let written = std::fs::read_to_string(&out).unwrap();
    let _ = std::fs::remove_file(&out);
    assert!(
        written == std::fs::read_to_string(dir.join("sigmat-api.json")).unwrap(),
        "schemas/openapi/sigmat-api.json was edited by hand: change generate.py and run it"
    );
}

#[test]
fn the_published_reference_document_lists_the_files_the_model_checks() {
    let doc: serde_json::Value = serde_json::from_str(OPENAPI).unwrap();
    let required: Vec<&str> = doc["components"]["schemas"]["ReferenceDocument"]["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert_eq!(required, transit_model::reference::document::FILES);
}

#[test]
fn the_search_by_state_lists_every_movement_state() {
    let doc: serde_json::Value = serde_json::from_str(OPENAPI).unwrap();
    let state = doc["paths"]["/api/v1/movements"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "state")
        .expect("a state parameter");
    let listed: Vec<&str> = state["schema"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    let states: Vec<&str> = transit_lifecycle::MovementState::ALL
        .iter()
        .map(|s| s.as_str())
        .collect();
    assert_eq!(listed, states);
}
