//! The routes that need no caller ([`SitePort`]): the public reference data, the web
//! applications' files, QR codes, and readiness.

use transit_http::{ApiError, SitePort};

use crate::answers::unavailable;
use crate::service::ApiService;

impl SitePort for ApiService {
    fn reference(&self) -> serde_json::Value {
        crate::reference::public_json(&self.reference.borrow().version.document)
    }

    fn asset(&self, name: &str) -> Option<(&'static str, &'static str)> {
        web::asset(name)
    }

    fn qr_svg(&self, mrn: &str) -> String {
        web::qr_svg(mrn)
    }

    /// Ready: the database and the broker (where officers' actions go) answer.
    async fn ready(&self) -> Result<(), ApiError> {
        self.queries.ping().await.map_err(unavailable)?;
        self.publisher
            .reachable(&self.topics.reference())
            .await
            .map_err(|err| {
                tracing::warn!(error = %err, "not ready: the broker does not answer");
                ApiError::unavailable("the broker does not answer")
            })
    }
}
