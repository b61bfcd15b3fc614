//! An adapter reads a submission up to one byte over its 4 MiB message limit, so that a large
//! message is answered by the adapter itself — what, where, why, in its format, and kept as a
//! refusal — rather than by the web server's bare "413 Payload Too Large" (the web server's
//! own limit was 2 MB, below the message limit). A caller without a token is refused after
//! the first 64 KiB, which are kept: it cannot make the adapter read or store megabytes.

use integration_tests::Stack;

async fn post(stack: &Stack, body: Vec<u8>) -> (u16, String) {
    let answer = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/messages",
            stack.adapter_anonymous("CI").base()
        ))
        .bearer_auth(stack.adapter_token("CI"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    (answer.status().as_u16(), answer.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_submissions_are_answered_by_the_adapter_not_the_web_server() {
    let stack = Stack::start(&["CI", "BF"]).await;
    let limit = transit_codec::MAX_MESSAGE_BYTES;

    // 3 MB: read whole, and refused for what it is.
    let (status, answer) = post(&stack, vec![b'['; 3 * 1024 * 1024]).await;
    assert_eq!(status, 400, "{answer}");
    assert!(answer.contains("\"pointer\""), "{answer}");

    // One byte over the limit: refused as too large, by the adapter, saying the limit.
    let (status, answer) = post(&stack, vec![b' '; limit + 1]).await;
    assert_eq!(status, 400, "{answer}");
    assert!(
        answer.contains(&format!("the limit is {limit}")),
        "{answer}"
    );

    // Without a token: 401, and only the start of the body is kept.
    let anonymous = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/messages",
            stack.adapter_anonymous("CI").base()
        ))
        .header("content-type", "application/json")
        .body(vec![b'x'; 3 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);

    let refusals = stack.adapter_store("CI").await.refusals().await.unwrap();
    assert_eq!(refusals.len(), 3, "each refusal is kept");
    let kept: Vec<usize> = refusals.iter().map(|r| r.payload.len()).collect();
    assert_eq!(
        kept,
        vec![3 * 1024 * 1024, limit + 1, 64 * 1024],
        "bytes kept per refusal"
    );
}
