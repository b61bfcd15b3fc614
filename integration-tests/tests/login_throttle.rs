//! Failed logins are throttled per account and per address: after five failures an account
//! waits (429 with Retry-After), even with the right password; an address that tries many
//! accounts waits too, and cannot escape by writing another X-Forwarded-For (the API believes
//! that header only from configured proxies).

use integration_tests::{password_of, Stack};
use reqwest::StatusCode;

async fn login(
    stack: &Stack,
    username: &str,
    password: &str,
    forwarded: Option<&str>,
) -> (StatusCode, Option<String>) {
    let mut request = reqwest::Client::new()
        .post(format!("{}/api/v1/sessions", stack.api_url()))
        .json(&serde_json::json!({"username": username, "password": password}));
    if let Some(address) = forwarded {
        request = request.header("X-Forwarded-For", address);
    }
    let response = request.send().await.unwrap();
    let retry = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (response.status(), retry)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_logins_are_throttled_per_account_and_per_address() {
    let stack = Stack::start(&["CI", "BF"]).await;
    stack.add_user("kone", "officer", Some("BFNGK001"), None);
    stack.add_user("traore", "officer", Some("BFOUA001"), None);

    for attempt in 1..=6 {
        let (status, _) = login(&stack, "kone", "wrong", None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    // Locked for now, even with the right password; told how long to wait.
    let (status, retry) = login(&stack, "kone", &password_of("kone"), None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(retry.is_some_and(|s| s.parse::<u64>().is_ok_and(|s| s >= 1)));
    // Another account from the same address still logs in.
    let (status, _) = login(&stack, "traore", &password_of("traore"), None).await;
    assert_eq!(status, StatusCode::CREATED);

    // Fifteen more failures from this address (twenty-one in all), on made-up accounts, each
    // claiming another address.
    for n in 0..15 {
        let forged = format!("198.51.100.{n}");
        let (status, _) = login(&stack, &format!("guess{n}"), "wrong", Some(&forged)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "guess {n}");
    }
    let (status, _) = login(&stack, "traore", &password_of("traore"), Some("192.0.2.1")).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "the address escaped its count by writing X-Forwarded-For"
    );
}
