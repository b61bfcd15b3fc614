//! Bodies built to exhaust an adapter, sent with a valid token (issue 28): each is refused with
//! the adapter alive and its peak memory (`VmHWM`, read from `/proc`) under the 256 MiB an
//! adapter pod is given in `deploy/k8s`. Prints each figure, as `docs/security.md` quotes it.
//!
//! - ASYCUDA: an element name of 3 MB followed by 70 empty children (the parser used to copy
//!   the name into each child's path);
//! - GAINDE: an interchange of 4 MiB of segment terminators (the parser used to build millions
//!   of segments before checking any control);
//! - SYDAM: a JSON array of a million empty strings where a list of seals goes;
//! - 256 bodies of 4 MiB at once (256 × 4 MiB = 1 GiB if each were read and translated at
//!   the same time), then 16 of the costliest documents the caps let through, during which
//!   the adapter still answers `/health/live` (translations run on the blocking pool).

use axum::body::Bytes;
use integration_tests::{AdapterSpec, Stack};

/// The memory an adapter pod is given (deploy/k8s/base/adapters.yaml).
const POD_LIMIT_KIB: u64 = 256 * 1024;

async fn post(stack: &Stack, country: &str, body: Bytes) -> u16 {
    reqwest::Client::new()
        .post(format!(
            "{}/api/v1/messages",
            stack.adapter_anonymous(country).base()
        ))
        .bearer_auth(stack.adapter_token(country))
        .body(body)
        .send()
        .await
        .map(|answer| answer.status().as_u16())
        .unwrap_or(0)
}

/// Checks that `country`'s adapter is alive and under the pod's limit; prints its peak.
fn survived(stack: &mut Stack, country: &str, what: &str) -> u64 {
    let (peak, alive) = stack.peak_memory_kib(&format!("adapter-{}", country.to_lowercase()));
    println!("{what}: adapter {country} peak {} MiB", peak / 1024);
    assert!(alive, "{what}: the adapter died");
    assert!(
        peak < POD_LIMIT_KIB,
        "{what}: peak {peak} KiB, over the pod's {POD_LIMIT_KIB} KiB"
    );
    peak
}

fn asycuda_long_name() -> Bytes {
    let name = "A".repeat(3_000_000);
    let mut body = format!("<ASYCUDA><{name}>");
    for _ in 0..70 {
        body.push_str("<x/>");
    }
    // Never closed: the damage is done before the end is reached.
    Bytes::from(body)
}

/// The most memory an ASYCUDA document can make the parser build within the caps: the most
/// elements, each with the longest path, and the rest of the 4 MiB in texts.
fn costliest_asycuda() -> Bytes {
    let level = format!("<{}>", "P".repeat(61));
    let mut body = format!("<ASYCUDA>{}", level.repeat(3));
    body.push_str(&"<x/>".repeat(transit_national::MAX_ELEMENTS - 4));
    while body.len() + 2_100 < transit_codec::MAX_MESSAGE_BYTES {
        body.push_str(&format!("<!--{}-->", "c".repeat(2_000)));
    }
    Bytes::from(body)
}

fn gainde_terminators() -> Bytes {
    let mut body = b"UNA:+.? 'UNB+UNOW:4+SNDKR001+HUB+20261127:0900+1'".to_vec();
    body.resize(transit_codec::MAX_MESSAGE_BYTES - 16, b'\'');
    Bytes::from(body)
}

fn sydam_many_strings() -> Bytes {
    let mut body = String::from(r#"{"typeMessage": "DECLARATION_TRANSIT", "scelles": ["#);
    while body.len() < transit_codec::MAX_MESSAGE_BYTES - 16 {
        body.push_str(r#""","#);
    }
    body.push_str(r#""""]}"#);
    Bytes::from(body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_bodies_are_refused_and_the_adapters_stay_within_their_memory() {
    let mut stack = Stack::new()
        .with_adapters(&[
            AdapterSpec::national("BF", "asycuda"),
            AdapterSpec::national("SN", "gainde"),
            AdapterSpec::national("CI", "sydam"),
        ])
        .start()
        .await;
    for (country, body, what) in [
        (
            "BF",
            asycuda_long_name(),
            "ASYCUDA 3 MB element name, 70 children",
        ),
        (
            "SN",
            gainde_terminators(),
            "GAINDE 4 MiB of segment terminators",
        ),
        ("CI", sydam_many_strings(), "SYDAM a million empty strings"),
        (
            "BF",
            costliest_asycuda(),
            "ASYCUDA 100,000 elements under a 250-byte path",
        ),
    ] {
        let status = post(&stack, country, body).await;
        assert!((400..500).contains(&status), "{what}: answered {status}");
        survived(&mut stack, country, what);
    }

    // 256 bodies of 4 MiB at once, each a document whose one text is too long (read whole,
    // refused, kept); then 16 of the costliest documents the caps let through at once.
    let text = "x".repeat(transit_codec::MAX_MESSAGE_BYTES - 64);
    let long_text = Bytes::from(format!("<ASYCUDA><Note>{text}</Note></ASYCUDA>"));
    at_once(&stack, "BF", long_text, 256).await;
    survived(&mut stack, "BF", "256 bodies of 4 MiB at once");
    // While they are translated, the adapter still answers at once: translations run on the
    // blocking pool, never on the workers that serve every other request.
    let translating = at_once(&stack, "BF", costliest_asycuda(), 16);
    let live = async {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let url = format!("{}/health/live", stack.adapter_anonymous("BF").base());
        let status = reqwest::get(url)
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0);
        (status, std::time::Instant::now())
    };
    let (translated, (status, answered)) = tokio::join!(translating, live);
    assert_eq!(status, 200);
    assert!(
        answered < translated,
        "/health/live was answered only once the translations were done"
    );
    survived(
        &mut stack,
        "BF",
        "16 of the costliest ASYCUDA documents at once",
    );
}

/// Posts `body` `times` at once to `country`'s adapter: each is refused, or waits its turn and
/// at worst meets the request time limit (503), none is lost in a crash. When the last answer
/// came.
async fn at_once(stack: &Stack, country: &str, body: Bytes, times: usize) -> std::time::Instant {
    let mut sent = tokio::task::JoinSet::new();
    for _ in 0..times {
        let url = format!(
            "{}/api/v1/messages",
            stack.adapter_anonymous(country).base()
        );
        let (token, body) = (stack.adapter_token(country), body.clone());
        sent.spawn(async move {
            reqwest::Client::new()
                .post(url)
                .bearer_auth(token)
                .body(body)
                .send()
                .await
                .map(|a| a.status().as_u16())
                .unwrap_or(0)
        });
    }
    let mut statuses = Vec::new();
    while let Some(status) = sent.join_next().await {
        statuses.push(status.unwrap());
    }
    assert!(
        statuses.iter().all(|s| (400..500).contains(s) || *s == 503),
        "{statuses:?}"
    );
    std::time::Instant::now()
}
