//! A delivery the national system refuses (4xx) push after push is parked after the
//! configured number of refusals (3 in the tests), so that the deliveries behind it reach the
//! national system; once put back in line, it is pushed again.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use integration_tests::{free_port, AdapterSpec, Stack};
use transit_http::webhook::{receiver_routes, Push, WebhookReceiver};
use transit_scenario::{Corridor, Movement};

/// A national system that refuses the first delivery it is ever sent, every time, with 422,
/// and takes every other one.
#[derive(Default)]
struct RefusesTheFirst {
    first: Mutex<Option<String>>,
    taken: Mutex<HashSet<String>>,
    refusals: Mutex<u32>,
}

impl WebhookReceiver for RefusesTheFirst {
    async fn receive(&self, push: Push) -> u16 {
        let id = push.message_id.unwrap_or_default();
        let mut first = self.first.lock().unwrap();
        if first.get_or_insert_with(|| id.clone()) == &id {
            *self.refusals.lock().unwrap() += 1;
            return 422;
        }
        self.taken.lock().unwrap().insert(id);
        200
    }
}

async fn until(what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < Duration::from_secs(60), "{what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_the_national_system_keeps_refusing_is_parked_and_the_others_go_on() {
    let national = Arc::new(RefusesTheFirst::default());
    let address = free_port();
    let listener = tokio::net::TcpListener::bind(address).await.unwrap();
    let routes = receiver_routes(national.clone());
    tokio::spawn(transit_http::serve(
        listener,
        routes,
        std::future::pending(),
    ));

    let bf = AdapterSpec::standard("BF").pushing_to(Some(format!("http://{address}/webhook")));
    let stack = Stack::new()
        .with_adapters(&[AdapterSpec::standard("CI"), bf])
        .start()
        .await;
    let movement = Movement::new(Corridor::abidjan_ouagadougou(), Utc::now());
    stack.national("CI").releases(&movement).await;

    // Two copies for BF: the first is refused three times and parked, the second arrives.
    until("the second copy never reached the national system", || {
        national.taken.lock().unwrap().len() == 1
    })
    .await;
    let store = stack.adapter_store("BF").await;
    let parked = store.parked(10).await.unwrap();
    assert_eq!(parked.len(), 1, "{parked:?}");
    assert_eq!(*national.refusals.lock().unwrap(), 3);
    let first = national.first.lock().unwrap().clone().unwrap();
    assert_eq!(parked[0].message_id.to_string(), first);
    assert!(
        parked[0]
            .parked_reason
            .as_deref()
            .unwrap_or_default()
            .contains("422"),
        "{parked:?}"
    );

    // Put back in line: pushed again (and, still refused, parked again).
    assert_eq!(store.unpark(None).await.unwrap(), 1);
    until("the parked delivery was not pushed again", || {
        *national.refusals.lock().unwrap() >= 4
    })
    .await;
}
