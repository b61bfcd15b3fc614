//! What the hub's API does behind its routes ([`ApiPort`], one port per concern): the API
//! binary implements them, the routes in `api_routes` call them, and tests plug in their own.

use std::future::Future;

use crate::api_views::{
    ActionAccepted, CorridorCounts, Exposure, LegTime, LoginRequest, MovementSummary,
    OfficerAction, Page, PeriodQuery, Principal, SearchQuery, SessionView, TicketView,
};
use crate::views::{MovementView, TimelineEntry};
use crate::ApiError;

/// Who is calling: sessions opened with a password, closed and checked, and the one-use
/// tickets of the live-update stream (`sessions.rs` in the API).
pub trait SessionPort: Send + Sync + 'static {
    /// Checks a password and opens a session.
    fn login(
        &self,
        request: LoginRequest,
        remote: String,
    ) -> impl Future<Output = Result<SessionView, ApiError>> + Send;
    /// Closes the session of `token`.
    fn logout(&self, token: String) -> impl Future<Output = Result<(), ApiError>> + Send;
    /// The caller of a bearer token (401 if none or expired).
    fn authenticate(
        &self,
        token: String,
    ) -> impl Future<Output = Result<Principal, ApiError>> + Send;
    /// A one-use ticket for the live-update stream, for the session of `token`.
    fn stream_ticket(
        &self,
        token: String,
    ) -> impl Future<Output = Result<TicketView, ApiError>> + Send;
}

/// Movements read: one movement, its timeline, a search (`movements.rs` in the API).
pub trait MovementPort: Send + Sync + 'static {
    /// One movement, read by `who` from `remote` (reads are audited).
    fn movement(
        &self,
        who: Principal,
        mrn: String,
        remote: String,
    ) -> impl Future<Output = Result<MovementView, ApiError>> + Send;
    /// A movement's timeline, read by `who` from `remote`.
    fn timeline(
        &self,
        who: Principal,
        mrn: String,
        remote: String,
    ) -> impl Future<Output = Result<Vec<TimelineEntry>, ApiError>> + Send;
    /// Search.
    fn search(
        &self,
        who: Principal,
        query: SearchQuery,
    ) -> impl Future<Output = Result<Page<MovementSummary>, ApiError>> + Send;
}

/// Officers' actions on a movement (`acting.rs` in the API).
pub trait ActionPort: Send + Sync + 'static {
    /// An officer action, idempotent by `key`.
    fn act(
        &self,
        who: Principal,
        mrn: String,
        action: OfficerAction,
        key: Option<String>,
        office: Option<String>,
        remote: String,
    ) -> impl Future<Output = Result<ActionAccepted, ApiError>> + Send;
}

/// The operators' figures (`figures.rs` in the API).
pub trait FiguresPort: Send + Sync + 'static {
    /// Counts by state per corridor.
    fn state_counts(
        &self,
        who: Principal,
    ) -> impl Future<Output = Result<Vec<CorridorCounts>, ApiError>> + Send;
    /// Movements past their time limit.
    fn overdue(
        &self,
        who: Principal,
    ) -> impl Future<Output = Result<Vec<MovementSummary>, ApiError>> + Send;
    /// Times between offices.
    fn legs(
        &self,
        who: Principal,
        period: PeriodQuery,
    ) -> impl Future<Output = Result<Vec<LegTime>, ApiError>> + Send;
    /// Guarantee exposure.
    fn exposure(
        &self,
        who: Principal,
    ) -> impl Future<Output = Result<Vec<Exposure>, ApiError>> + Send;
}

/// Live updates (`live.rs` in the API).
pub trait LivePort: Send + Sync + 'static {
    /// Opens a live-update stream for the session a one-use `ticket` was issued for (or, with
    /// no ticket, the session of the bearer `token`): each item is one JSON movement summary
    /// its caller may read. The stream ends when the session ends (logout) or expires; when
    /// the listener already carries its most streams, it is refused (503).
    fn open_stream(
        &self,
        ticket: Option<String>,
        token: Option<String>,
    ) -> impl Future<Output = Result<tokio::sync::broadcast::Receiver<String>, ApiError>> + Send;
}

/// What needs no caller: reference data for maps and forms, the web applications' files, QR
/// codes, readiness (`service.rs` in the API).
pub trait SitePort: Send + Sync + 'static {
    /// Offices and corridors (for maps and forms).
    fn reference(&self) -> serde_json::Value;
    /// A file of the web applications (`officer.html`, `dashboard.js`…): its media type and
    /// body, or none if there is no such file.
    fn asset(&self, name: &str) -> Option<(&'static str, &'static str)>;
    /// The QR code of `mrn` (printed on the transit document), as SVG.
    fn qr_svg(&self, mrn: &str) -> String;
    /// Whether the API can answer.
    fn ready(&self) -> impl Future<Output = Result<(), ApiError>> + Send;
}

/// What the hub's API does behind its routes: one port per concern, so each of the API's files
/// implements its own and a test implements only what it needs to stand behind the routes.
/// Every method but `login`, `authenticate`, `open_stream` and the [`SitePort`]'s receives
/// the authenticated caller (or the token it gave).
pub trait ApiPort:
    SessionPort + MovementPort + ActionPort + FiguresPort + LivePort + SitePort
{
}

impl<T> ApiPort for T where
    T: SessionPort + MovementPort + ActionPort + FiguresPort + LivePort + SitePort
{
}
