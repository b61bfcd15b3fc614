//! The simulated national system's webhook, in process on port 0: what the integration tests
//! and the demo rely on it for. It takes a signed push in its country's format and reads it
//! back to the standardized message; it refuses an unsigned one (401) and says why; and it can
//! go down — pushes then fail as they would against a national system that is away — and come
//! back on the same address. No broker or database needed.

use std::net::SocketAddr;
use std::time::Duration;

use national_sim::Simulator;
use transit_http::webhook::{PushError, WebhookClient};
use transit_model::{CountryCode, MessageType};
use transit_national::examples::{examples, ExampleCorridor};
use transit_national::Family;

const SECRET: &[u8] = b"a webhook secret shared with the adapter";

#[tokio::test]
async fn a_signed_push_is_read_an_unsigned_one_refused_and_the_system_can_go_away_and_back() {
    // Nothing listens on port 1: the simulator only receives here, it never sends.
    let simulator = Simulator::new(
        Family::Asycuda,
        CountryCode::parse("BF").unwrap(),
        "http://127.0.0.1:1",
    )
    .unwrap()
    .verifying_pushes_with(SECRET);
    let bound = simulator
        .listen(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let url = simulator.webhook_url().unwrap();
    assert_eq!(url, format!("http://{bound}/webhook"));

    // What Burkina Faso's adapter pushes before the truck arrives: the anticipated arrival
    // record, in ASYCUDA XML.
    let record = examples(ExampleCorridor::AbidjanOuagadougou)
        .into_iter()
        .find(|m| m.message_type() == MessageType::AnticipatedArrivalRecord)
        .expect("an IE001 example");
    let xml = simulator.translator().to_national(&record).unwrap();
    let id = record.header().message_id.to_string();
    let headers = [("x-sigmat-message-id", id.clone())];
    let signed = WebhookClient::new(url.clone(), Duration::from_secs(5)).with_secret(SECRET);
    signed
        .push("application/xml", &headers, xml.clone())
        .await
        .expect("a signed push is taken");
    let received = simulator.take_received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].message_id, id);
    assert_eq!(received[0].message, record, "read back to the same message");

    // Unsigned: refused, and the simulator says why.
    let unsigned = WebhookClient::new(url.clone(), Duration::from_secs(5));
    match unsigned
        .push("application/xml", &headers, xml.clone())
        .await
    {
        Err(PushError::Answered { status: 401, .. }) => {}
        other => panic!("an unsigned push must be answered 401: {other:?}"),
    }
    assert!(simulator.take_received().is_empty());
    assert!(
        simulator
            .errors()
            .iter()
            .any(|e| e.contains("push refused")),
        "{:?}",
        simulator.errors()
    );

    // Away: the push cannot reach it. Back, on the same address: it takes pushes again.
    simulator.go_down().await;
    match signed.push("application/xml", &headers, xml.clone()).await {
        Err(PushError::Unreachable { .. }) => {}
        other => panic!("a push to a system that is down must fail to connect: {other:?}"),
    }
    simulator.come_back().await.unwrap();
    assert_eq!(simulator.webhook_url().unwrap(), url);
    signed
        .push("application/xml", &headers, xml)
        .await
        .expect("taken again once back");
    assert_eq!(simulator.take_received().len(), 1);
}
