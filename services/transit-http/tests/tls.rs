//! HTTPS: a listener configured with a certificate serves TLS (and only TLS).

use std::sync::Arc;

use transit_http::webhook::{receiver_routes, Push, WebhookReceiver};
use transit_http::TlsSettings;

#[derive(Debug)]
struct Accept;

impl WebhookReceiver for Accept {
    async fn receive(&self, push: Push) -> u16 {
        if push.body.as_ref() == b"hello" {
            200
        } else {
            400
        }
    }
}

#[tokio::test]
async fn a_listener_with_a_certificate_serves_https() {
    let generated = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let dir = std::env::temp_dir().join(format!("sigmat-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let tls = TlsSettings {
        certificate: dir.join("cert.pem"),
        private_key: dir.join("key.pem"),
    };
    std::fs::write(&tls.certificate, generated.cert.pem()).unwrap();
    std::fs::write(&tls.private_key, generated.key_pair.serialize_pem()).unwrap();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        transit_http::serve_tls(listener, &tls, receiver_routes(Arc::new(Accept)), async {
            let _ = stopped.await;
        })
        .await
    });

    let client = reqwest::Client::builder()
        .add_root_certificate(
            reqwest::Certificate::from_pem(generated.cert.pem().as_bytes()).unwrap(),
        )
        .build()
        .unwrap();
    let answer = client
        .post(format!("https://localhost:{port}/webhook"))
        .body("hello")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    // The adapter's webhook client trusts a private CA when given one, and only then.
    let url = format!("https://localhost:{port}/webhook");
    let trusting = transit_http::webhook::WebhookClient::with_ca(
        &url,
        std::time::Duration::from_secs(5),
        generated.cert.pem().as_bytes(),
    )
    .unwrap();
    trusting
        .push("text/plain", &[], b"hello".to_vec())
        .await
        .unwrap();
    let public_only =
        transit_http::webhook::WebhookClient::new(&url, std::time::Duration::from_secs(5));
    assert!(public_only
        .push("text/plain", &[], b"hello".to_vec())
        .await
        .is_err());
    // Plain HTTP to the TLS port gets no HTTP answer.
    let plain = reqwest::Client::new()
        .post(format!("http://localhost:{port}/webhook"))
        .body("hello")
        .send()
        .await;
    assert!(plain.is_err() || !plain.unwrap().status().is_success());

    let _ = stop.send(());
    server.await.unwrap().unwrap();
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_missing_certificate_is_named() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let tls = TlsSettings {
        certificate: "/nonexistent/cert.pem".into(),
        private_key: "/nonexistent/key.pem".into(),
    };
    let err = transit_http::serve_tls(listener, &tls, axum::Router::new(), async {})
        .await
        .unwrap_err();
    assert!(err.to_string().contains("/nonexistent/cert.pem"), "{err}");
}
