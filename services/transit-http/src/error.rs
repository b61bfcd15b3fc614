use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// An error answer. Each variant maps to one status code.
#[derive(Debug, Clone, thiserror::Error, serde::Serialize, serde::Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
#[error("{error} at {pointer}: {reason}")]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// A stable, machine-readable name (`invalid_message`, `wrong_country`, `not_found`,
    /// `unavailable`).
    pub error: String,
    /// Where: a JSON pointer into the request, `/` for the whole request.
    pub pointer: String,
    /// Why.
    pub reason: String,
    /// What to do next.
    pub hint: String,
    /// The NCTS functional error code, where one applies (93 for an invalid MRN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ncts_code: Option<u8>,
    /// For 429: how many seconds to wait, sent as `Retry-After`.
    #[serde(skip)]
    pub retry_after_secs: Option<u64>,
}

impl ApiError {
    fn new(
        status: StatusCode,
        error: &str,
        pointer: &str,
        reason: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Self {
            status: status.as_u16(),
            error: error.into(),
            pointer: pointer.into(),
            reason: reason.into(),
            hint: hint.into(),
            ncts_code: None,
            retry_after_secs: None,
        }
    }

    /// The same answer, with another hint (what to do next).
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = hint.into();
        self
    }

    /// The same answer, about another part of the request (a JSON pointer).
    pub fn at(mut self, pointer: &str) -> Self {
        self.pointer = pointer.into();
        self
    }

    /// The same answer, with its NCTS functional error code.
    pub fn with_ncts_code(mut self, code: u8) -> Self {
        self.ncts_code = Some(code);
        self
    }

    /// 413: the body is larger than the route reads.
    pub fn too_large(reason: impl Into<String>) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "/",
            reason,
            "send one message of at most 4 MiB per request",
        )
    }

    /// 400: the request could not be understood (malformed JSON, wrong shape, invalid value).
    pub fn invalid(pointer: &str, reason: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_message",
            pointer,
            reason,
            "correct the element named by pointer and send the message again; schemas/transit/v1 has the rules and examples",
        )
    }

    /// 403: the caller may not do this (for example, speak for another country's office).
    pub fn forbidden(pointer: &str, reason: impl Into<String>, hint: impl Into<String>) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "wrong_country",
            pointer,
            reason,
            hint,
        )
    }

    /// 422: reference data that cannot be used (a file missing or malformed, an office in the
    /// wrong country, a corridor through an unknown office).
    pub fn invalid_reference(pointer: &str, reason: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_reference_data",
            pointer,
            reason,
            "correct the file named by pointer, check it with sigmat reference diff, and import again; nothing was changed",
        )
    }

    /// 400 for an API request (not a message): wrong parameter or body.
    pub fn bad_request(pointer: &str, reason: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            pointer,
            reason,
            "see /api/v1/openapi.json for what this route takes",
        )
    }

    /// 401: no valid session.
    pub fn unauthorized(reason: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "/",
            reason,
            "log in with POST /api/v1/sessions and send Authorization: Bearer <token>",
        )
    }

    /// 403: authenticated, but not allowed to do this.
    pub fn denied(reason: impl Into<String>, hint: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", "/", reason, hint)
    }

    /// 409: conflicts with an earlier request.
    pub fn conflict(pointer: &str, reason: impl Into<String>, hint: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", pointer, reason, hint)
    }

    /// 422: well-formed, but not possible in the movement's current state.
    pub fn unprocessable(reason: impl Into<String>, hint: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "not_possible_now",
            "/",
            reason,
            hint,
        )
    }

    /// 404: no such thing.
    pub fn not_found(what: impl Into<String>, hint: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "/", what, hint)
    }

    /// 429: too many failed attempts; wait `seconds` before the next.
    pub fn too_many_attempts(reason: impl Into<String>, seconds: u64) -> Self {
        let mut error = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            "/",
            reason,
            format!(
                "wait {seconds} s before trying again; an administrator can reset the password"
            ),
        );
        error.retry_after_secs = Some(seconds);
        error
    }

    /// 503: a dependency is down; nothing was accepted, retrying later is safe.
    pub fn unavailable(reason: impl Into<String>) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "/",
            reason,
            "nothing was accepted; send the same message again later (same message id: it will not be duplicated)",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, axum::Json(&self)).into_response();
        let retry_after = match status {
            StatusCode::SERVICE_UNAVAILABLE => Some(5),
            _ => self.retry_after_secs,
        };
        if let Some(seconds) = retry_after {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(seconds),
            );
        }
        response
    }
}
