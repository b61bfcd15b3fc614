//! Every error answer of every route: what went wrong ([`ErrorKind`], which alone decides the
//! HTTP status and the stable name), where, why and what to do — rendered as JSON
//! `{"status", "error", "pointer", "reason", "hint"}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// What kind of error an answer is. Each kind has one status code and one stable,
/// machine-readable name ([`ErrorKind::status`], [`ErrorKind::name`]): the only place either
/// is decided.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// 413: the body is larger than the route reads.
    TooLarge,
    /// 400: a message that could not be understood.
    InvalidMessage,
    /// 403: speaking for another country's office.
    WrongCountry,
    /// 422: reference data that cannot be used.
    InvalidReferenceData,
    /// 400: an API request (not a message) with a wrong parameter or body.
    BadRequest,
    /// 401: no valid session.
    Unauthorized,
    /// 403: authenticated, but not allowed to do this.
    Forbidden,
    /// 409: conflicts with an earlier request.
    Conflict,
    /// 422: well-formed, but not possible in the movement's current state.
    NotPossibleNow,
    /// 404: no such thing.
    NotFound,
    /// 429: too many failed attempts.
    TooManyAttempts,
    /// 503: a dependency is down; nothing was accepted.
    Unavailable,
    /// 400: a national message its translator (or the official schema) refused, named by the
    /// translation error's class (`unknown_code`, `invalid_mrn`, `schema_violation`…).
    Translation(Box<str>),
    /// An answer a client received that is none of these (a proxy's page, another service's
    /// error), with its status and name (`unexpected_answer` when it had none).
    Other {
        /// Its HTTP status.
        status: u16,
        /// Its name.
        name: Box<str>,
    },
}

impl ErrorKind {
    /// Every kind with a fixed name.
    pub const ALL: [ErrorKind; 12] = [
        Self::TooLarge,
        Self::InvalidMessage,
        Self::WrongCountry,
        Self::InvalidReferenceData,
        Self::BadRequest,
        Self::Unauthorized,
        Self::Forbidden,
        Self::Conflict,
        Self::NotPossibleNow,
        Self::NotFound,
        Self::TooManyAttempts,
        Self::Unavailable,
    ];

    /// The HTTP status of this kind of answer.
    pub fn status(&self) -> u16 {
        match self {
            Self::TooLarge => 413,
            Self::InvalidMessage | Self::BadRequest | Self::Translation(_) => 400,
            Self::WrongCountry | Self::Forbidden => 403,
            Self::InvalidReferenceData | Self::NotPossibleNow => 422,
            Self::Unauthorized => 401,
            Self::Conflict => 409,
            Self::NotFound => 404,
            Self::TooManyAttempts => 429,
            Self::Unavailable => 503,
            Self::Other { status, .. } => *status,
        }
    }

    /// The stable name a client matches on (`error` in the JSON answer).
    pub fn name(&self) -> &str {
        match self {
            Self::TooLarge => "too_large",
            Self::InvalidMessage => "invalid_message",
            Self::WrongCountry => "wrong_country",
            Self::InvalidReferenceData => "invalid_reference_data",
            Self::BadRequest => "bad_request",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::Conflict => "conflict",
            Self::NotPossibleNow => "not_possible_now",
            Self::NotFound => "not_found",
            Self::TooManyAttempts => "too_many_attempts",
            Self::Unavailable => "unavailable",
            Self::Translation(name) | Self::Other { name, .. } => name,
        }
    }

    /// The kind an answer names: a fixed one, else a translation refusal (400), else
    /// [`ErrorKind::Other`] with its status and name.
    pub fn from_answer(name: &str, status: u16) -> Self {
        match Self::ALL.into_iter().find(|k| k.name() == name) {
            Some(kind) => kind,
            None if status == 400 => Self::Translation(name.into()),
            None => Self::Other {
                status,
                name: name.into(),
            },
        }
    }

    /// Whether trying the same request again later may succeed (the service or a dependency
    /// was down, or the caller must wait): transient; every other answer is permanent.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Unavailable | Self::TooManyAttempts => true,
            Self::Other { status, .. } => *status >= 500,
            _ => false,
        }
    }
}

/// An error answer: its kind, where, why, and what to do next.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error("{} at {pointer}: {reason}", kind.name())]
pub struct ApiError {
    /// What went wrong; decides the status and the name.
    pub kind: ErrorKind,
    /// Where: a JSON pointer into the request, `/` for the whole request.
    pub pointer: String,
    /// Why.
    pub reason: String,
    /// What to do next.
    pub hint: String,
    /// The NCTS functional error code, where one applies (93 for an invalid MRN).
    pub ncts_code: Option<u8>,
    /// For 429: how many seconds to wait, sent as `Retry-After`.
    pub retry_after_secs: Option<u64>,
}

/// The JSON form of an [`ApiError`].
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Wire {
    status: u16,
    error: String,
    #[serde(default)]
    pointer: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    hint: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ncts_code: Option<u8>,
}

impl serde::Serialize for ApiError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Wire {
            status: self.status(),
            error: self.kind.name().to_owned(),
            pointer: self.pointer.clone(),
            reason: self.reason.clone(),
            hint: self.hint.clone(),
            ncts_code: self.ncts_code,
        }
        .serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for ApiError {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = Wire::deserialize(deserializer)?;
        Ok(Self {
            kind: ErrorKind::from_answer(&wire.error, wire.status),
            pointer: wire.pointer,
            reason: wire.reason,
            hint: wire.hint,
            ncts_code: wire.ncts_code,
            retry_after_secs: None,
        })
    }
}

impl ApiError {
    /// An answer of `kind`.
    pub fn new(
        kind: ErrorKind,
        pointer: &str,
        reason: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Self {
            kind,
            pointer: pointer.into(),
            reason: reason.into(),
            hint: hint.into(),
            ncts_code: None,
            retry_after_secs: None,
        }
    }

    /// The HTTP status (the kind's).
    pub fn status(&self) -> u16 {
        self.kind.status()
    }

    /// The stable name (the kind's).
    pub fn name(&self) -> &str {
        self.kind.name()
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
            ErrorKind::TooLarge,
            "/",
            reason,
            "send one message of at most 4 MiB per request",
        )
    }

    /// 400: the request could not be understood (malformed JSON, wrong shape, invalid value).
    pub fn invalid(pointer: &str, reason: impl Into<String>) -> Self {
        Self::new(
            ErrorKind::InvalidMessage,
            pointer,
            reason,
            "correct the element named by pointer and send the message again; schemas/transit/v1 has the rules and examples",
        )
    }

    /// 403: the caller may not do this (for example, speak for another country's office).
    pub fn forbidden(pointer: &str, reason: impl Into<String>, hint: impl Into<String>) -> Self {
        Self::new(ErrorKind::WrongCountry, pointer, reason, hint)
    }

    /// 422: reference data that cannot be used (a file missing or malformed, an office in the
    /// wrong country, a corridor through an unknown office).
    pub fn invalid_reference(pointer: &str, reason: impl Into<String>) -> Self {
        Self::new(
            ErrorKind::InvalidReferenceData,
            pointer,
            reason,
            "correct the file named by pointer, check it with sigmat reference diff, and import again; nothing was changed",
        )
    }

    /// 400 for an API request (not a message): wrong parameter or body.
    pub fn bad_request(pointer: &str, reason: impl Into<String>) -> Self {
        Self::new(
            ErrorKind::BadRequest,
            pointer,
            reason,
            "see /api/v1/openapi.json for what this route takes",
        )
    }

    /// 401: no valid session.
    pub fn unauthorized(reason: impl Into<String>) -> Self {
        Self::new(
            ErrorKind::Unauthorized,
            "/",
            reason,
            "log in with POST /api/v1/sessions and send Authorization: Bearer <token>",
        )
    }

    /// 403: authenticated, but not allowed to do this.
    pub fn denied(reason: impl Into<String>, hint: impl Into<String>) -> Self {
        Self::new(ErrorKind::Forbidden, "/", reason, hint)
    }

    /// 409: conflicts with an earlier request.
    pub fn conflict(pointer: &str, reason: impl Into<String>, hint: impl Into<String>) -> Self {
        Self::new(ErrorKind::Conflict, pointer, reason, hint)
    }

    /// 422: well-formed, but not possible in the movement's current state.
    pub fn unprocessable(reason: impl Into<String>, hint: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotPossibleNow, "/", reason, hint)
    }

    /// 404: no such thing.
    pub fn not_found(what: impl Into<String>, hint: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, "/", what, hint)
    }

    /// 429: too many failed attempts; wait `seconds` before the next.
    pub fn too_many_attempts(reason: impl Into<String>, seconds: u64) -> Self {
        let mut error = Self::new(
            ErrorKind::TooManyAttempts,
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
            ErrorKind::Unavailable,
            "/",
            reason,
            "nothing was accepted; send the same message again later (same message id: it will not be duplicated)",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_has_its_own_name_and_comes_back_from_its_answer() {
        let mut names = std::collections::BTreeSet::new();
        for kind in ErrorKind::ALL {
            assert!(
                names.insert(kind.name().to_owned()),
                "{kind:?}: name used twice"
            );
            let answer = ApiError::new(kind.clone(), "/x", "why", "what to do");
            let json = serde_json::to_value(&answer).unwrap();
            assert_eq!(json["status"], kind.status(), "{json}");
            assert_eq!(json["error"], kind.name(), "{json}");
            assert_eq!(serde_json::from_value::<ApiError>(json).unwrap(), answer);
        }
    }

    #[test]
    fn an_answer_of_another_name_keeps_its_status_and_name() {
        let read = |status: u16, name: &str| {
            serde_json::from_value::<ApiError>(serde_json::json!({
                "status": status, "error": name, "pointer": "/", "reason": "r", "hint": "h"
            }))
            .unwrap()
        };
        let refused = read(400, "unknown_code");
        assert_eq!(refused.kind, ErrorKind::Translation("unknown_code".into()));
        assert_eq!((refused.status(), refused.name()), (400, "unknown_code"));
        let proxy = read(502, "bad_gateway");
        assert_eq!((proxy.status(), proxy.name()), (502, "bad_gateway"));
        assert!(proxy.kind.is_transient() && !refused.kind.is_transient());
    }
}
