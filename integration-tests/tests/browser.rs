//! End to end in headless Chromium (Debian's chromium and chromium-driver): the border
//! officer's app on a phone-sized screen — log in, find a movement, confirm passage, lose the
//! network, confirm arrival, get it back, see the action synced and the departure country
//! informed; the Niamey officer asking for the record of goods diverted there, receiving them
//! and writing them off with a discrepancy described in the app — and the corridor dashboard, where a new movement appears live. Screenshots are
//! saved in target/e2e-artifacts/.

use chrono::Utc;
use integration_tests::browser::Browser;
use integration_tests::{password_of, Stack};
use transit_scenario::{Corridor, Movement};

async fn log_in(browser: &Browser, username: &str) {
    browser
        .wait(
            "the login form",
            "document.getElementById('username').offsetParent !== null",
        )
        .await;
    browser.type_into("#username", username).await;
    browser.type_into("#password", &password_of(username)).await;
    browser.click("#login-form button[type=submit]").await;
    browser
        .wait(
            "the app after login",
            "document.getElementById('app').offsetParent !== null",
        )
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_confirms_passage_then_arrival_offline_and_it_syncs() {
    let mut stack = Stack::start(&["CI", "BF"]).await;
    stack.add_user("niangoloko", "officer", Some("BFNGK001"), None);
    stack.add_user("ouagadougou", "officer", Some("BFOUA001"), None);
    let movement = stack.release_to_ouagadougou().await;
    let mrn = movement.mrn.to_string();

    let browser = Browser::start("officer", 360, 780).await;
    let app = format!("{}/officer/", stack.api_url());

    // The border post at Niangoloko.
    browser.goto(&app).await;
    assert_eq!(
        browser.js("return window.innerWidth;").await,
        360,
        "a 360-pixel phone screen"
    );
    browser.screenshot("01-login").await;
    log_in(&browser, "niangoloko").await;
    browser.type_into("#mrn", &mrn).await;
    browser.click("#find").await;
    browser
        .wait(
            "the movement",
            &format!("document.getElementById('movement').dataset.mrn === '{mrn}'"),
        )
        .await;
    browser
        .wait(
            "what to check",
            "document.getElementById('seals').innerText.includes('CI-S-0001')",
        )
        .await;
    browser.screenshot("02-movement-found").await;
    browser.click("#confirm-passage").await;
    browser
        .wait("the passage synced", "document.querySelector('#queue li[data-status=synced]') && document.getElementById('pending').dataset.count === '0'")
        .await;
    browser.screenshot("03-passage-confirmed").await;
    stack
        .wait_for_deliveries("CI", &mrn, "the passage at the departure", |rows| {
            rows.iter().any(|d| d.message_type == "IE118")
        })
        .await;

    // The destination office at Ouagadougou: the network drops before the arrival is confirmed.
    browser.click("#logout").await;
    log_in(&browser, "ouagadougou").await;
    // Nothing of Niangoloko's work stays on the phone for the next officer.
    browser
        .wait(
            "the first officer's queue and copies gone",
            "document.querySelectorAll('#queue li[data-key]').length === 0 && !Object.keys(localStorage).some(k => k.startsWith('sigmat.movement.'))",
        )
        .await;
    browser.type_into("#mrn", &mrn).await;
    browser.click("#find").await;
    browser
        .wait(
            "the arrival button",
            "!!document.getElementById('confirm-arrival')",
        )
        .await;
    browser.set_offline(true).await;
    browser
        .wait(
            "the offline sign",
            "document.getElementById('net').dataset.online === 'false'",
        )
        .await;
    browser.click("#confirm-arrival").await;
    browser
        .wait(
            "the arrival kept on the phone, its button disabled against a second tap",
            "document.getElementById('pending').dataset.count === '1' && document.getElementById('confirm-arrival').disabled",
        )
        .await;
    browser.screenshot("04-offline-arrival-pending").await;
    // The app has had its go at sending: the round the tap started has ended, and one more (as
    // its timer would run) ends too — with the arrival still waiting on the phone.
    let kept = browser
        .js(&format!(
            "return (async () => {{
               while (syncing) await new Promise(done => setTimeout(done, 50));
               await sync();
               return queue().filter(a => a.mrn === '{mrn}' && a.body.action === 'arrival'
                 && a.status === 'pending').length;
             }})();"
        ))
        .await;
    assert_eq!(kept, 1, "the arrival left the phone while it was offline");
    let early = stack.adapter_store("CI").await.all().await.unwrap();
    assert!(
        !early
            .iter()
            .any(|d| d.mrn == mrn && d.message_type == "IE006"),
        "the arrival left the phone while it was offline"
    );
    assert_eq!(
        browser
            .js("return document.getElementById('pending').dataset.count;")
            .await,
        "1"
    );

    // The network returns: the queue is sent, once.
    browser.set_offline(false).await;
    browser
        .wait("the arrival synced", "document.getElementById('pending').dataset.count === '0' && document.querySelectorAll('#queue li[data-status=synced]').length >= 1")
        .await;
    browser
        .wait(
            "the movement shown as arrived",
            "document.getElementById('movement').dataset.state === 'Arrived'",
        )
        .await;
    browser.screenshot("05-back-online-synced").await;
    let rows = stack
        .wait_for_deliveries("CI", &mrn, "the arrival at the departure", |rows| {
            rows.iter().any(|d| d.message_type == "IE006")
        })
        .await;
    assert_eq!(rows.iter().filter(|d| d.message_type == "IE006").count(), 1);
    // One request for it reached the hub, the one sent once back online (audited before it was
    // answered "synced"): none had left the phone while it was offline.
    let asked: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE username = 'ouagadougou' AND action = 'confirm arrival' AND outcome = 'requested' AND target = $1",
    )
    .bind(&mrn)
    .fetch_one(&stack.tracker_pool().await)
    .await
    .unwrap();
    assert_eq!(asked, 1, "requests for the arrival that reached the hub");
    let queries = stack.tracker_queries().await;
    assert_eq!(
        queries
            .movement(&mrn)
            .await
            .unwrap()
            .unwrap()
            .movement
            .state
            .as_str(),
        "Arrived"
    );

    // The printable transit document carries the MRN's QR code.
    browser
        .goto(&format!("{}/assets/document.html#{mrn}", stack.api_url()))
        .await;
    browser
        .wait(
            "the document",
            "document.getElementById('details').innerText.includes('MSCU1234566')",
        )
        .await;
    browser
        .wait(
            "the QR code",
            "document.getElementById('qr').naturalWidth > 0",
        )
        .await;
    browser.screenshot("06-transit-document").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_niamey_officer_asks_for_the_record_of_goods_diverted_there_and_writes_them_off() {
    let mut stack = Stack::start(&["CI", "BF", "NE"]).await;
    stack.add_user("niamey", "officer", Some("NENIA001"), None);
    let movement = stack.release_to_ouagadougou().await;
    let mrn = movement.mrn.to_string();

    let browser = Browser::start("officer-diversion", 360, 780).await;
    browser.goto(&format!("{}/officer/", stack.api_url())).await;
    log_in(&browser, "niamey").await;
    // Declared for Ouagadougou: not Niamey's, so the app offers to ask for the record.
    browser.type_into("#mrn", &mrn).await;
    browser.click("#find").await;
    browser
        .wait(
            "the offer to ask for the record",
            "!!document.getElementById('request-diversion')",
        )
        .await;
    browser.screenshot("11-not-ours").await;
    browser.click("#request-diversion").await;
    browser
        .wait("the request synced", "document.getElementById('pending').dataset.count === '0' && document.querySelectorAll('#queue li[data-status=synced]').length >= 1")
        .await;
    // Niger is not a country the declaration names: Abidjan, the departure, grants the record.
    stack
        .wait_for_deliveries("CI", &mrn, "the request at the departure", |rows| {
            rows.iter().any(|d| d.message_type == "IE002")
        })
        .await;
    stack
        .adapter("CI")
        .submit(&movement.record_granted(
            transit_model::MessageType::ArrivalRecordRequest,
            &transit_model::OfficeRef::parse("NENIA001").unwrap(),
            Utc::now(),
        ))
        .await
        .expect("the departure's grant accepted");
    stack
        .wait_for_deliveries("NE", &mrn, "the record at Niamey", |rows| {
            rows.iter()
                .any(|d| d.message_type == "IE003" && d.recipient == "NENIA001")
        })
        .await;
    // Now Niamey's: the officer finds it again and confirms the arrival.
    browser
        .wait(
            "the movement, now destined for Niamey",
            &format!("(find('{mrn}', true), !!document.getElementById('confirm-arrival'))"),
        )
        .await;
    browser.screenshot("12-diverted-here").await;
    browser.click("#confirm-arrival").await;
    stack
        .wait_for_deliveries("CI", &mrn, "the arrival at the departure", |rows| {
            rows.iter().any(|d| d.message_type == "IE006")
        })
        .await;
    // The control finds a minor discrepancy: described in the app, written off (A2).
    browser
        .wait(
            "the control buttons",
            &format!("(find('{mrn}', true), !!document.getElementById('control-discrepancy'))"),
        )
        .await;
    browser
        .js("const answers = ['item 1 gross mass', '24,950 kg weighed, 25,000 declared']; window.prompt = () => answers.shift(); window.confirm = () => false; return 1;")
        .await;
    browser.click("#control-discrepancy").await;
    let back = stack
        .wait_for_deliveries("CI", &mrn, "the write-off at the departure", |rows| {
            rows.iter().any(|d| d.message_type == "IE045")
        })
        .await;
    let control = back.iter().find(|d| d.message_type == "IE018").unwrap();
    assert_eq!(control.message["body"]["controlResultCode"], "A2");
    assert_eq!(
        control.message["body"]["discrepancies"][0]["pointer"],
        "item 1 gross mass"
    );
    let stored = stack
        .tracker_queries()
        .await
        .movement(&mrn)
        .await
        .unwrap()
        .unwrap()
        .movement;
    assert_eq!(
        (stored.state.as_str(), stored.destination_office.as_str()),
        ("WrittenOff", "NENIA001")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_movement_appears_live_on_the_dashboard() {
    let mut stack = Stack::start(&["CI", "BF"]).await;
    stack.add_user("operator", "operator", None, None);
    let first = Movement::new(Corridor::abidjan_ouagadougou(), Utc::now());
    stack.national("CI").releases(&first).await;
    stack
        .wait_for_deliveries("BF", first.mrn.as_str(), "the records", |rows| {
            rows.len() == 2
        })
        .await;

    // A passage for a movement the hub never saw: refused, a dead letter for the operator.
    let unknown = Movement::new(Corridor::abidjan_ouagadougou(), Utc::now());
    let unknown_mrn = unknown.mrn.to_string();
    let niangoloko = &unknown.corridor.transit[0];
    stack
        .national("BF")
        .confirms_passage(&unknown, niangoloko, Utc::now())
        .await;
    stack
        .wait_for_deliveries("BF", &unknown_mrn, "the refusal", |rows| {
            rows.iter().any(|d| d.message_type == "IE906")
        })
        .await;

    let browser = Browser::start("dashboard", 1280, 900).await;
    browser
        .goto(&format!("{}/dashboard/", stack.api_url()))
        .await;
    log_in(&browser, "operator").await;
    browser
        .wait("the dashboard", "document.body.dataset.ready === 'true'")
        .await;
    browser
        .wait(
            "the first count",
            "document.getElementById('count-abidjan-ouagadougou-Released')?.innerText === '1'",
        )
        .await;
    // The Abidjan–Ouagadougou railway, dashed through its five stations, unlike the roads.
    browser
        .wait(
            "the rail line",
            "document.querySelector('[data-mode=rail]')?.getAttribute('stroke-dasharray') === '8 5' && document.querySelectorAll('[data-station]').length === 5 && !document.querySelector('line[data-corridor]').hasAttribute('stroke-dasharray')",
        )
        .await;
    browser
        .wait(
            "the live connection",
            "!document.getElementById('live').classList.contains('off')",
        )
        .await;
    browser
        .wait(
            "the dead letter",
            &format!("[...document.querySelectorAll('#dead-letters tr')].some(r => r.innerText.includes('{unknown_mrn}'))"),
        )
        .await;
    browser
        .wait(
            "the national links",
            "!!document.querySelector('#links tr[data-link=\"BF\"]') && !!document.querySelector('#links tr[data-link=\"CI\"]')",
        )
        .await;
    // The region's countries under the corridors, every office labelled, no label over another.
    browser
        .wait(
            "the map's borders and labels",
            "(() => { const boxes = [...document.querySelectorAll('#map text.office-label, #map text.country-label')].map(t => t.getBBox()); \
              for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) { const a = boxes[i], b = boxes[j]; \
                if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) return false; } \
              return document.querySelectorAll('#map path.country').length >= 8 \
                && document.querySelectorAll('#map text.office-label').length === document.querySelectorAll('#map circle[data-office]').length; })()",
        )
        .await;
    browser.screenshot("01-dashboard").await;
    // Replayed from the dashboard: published again (and, with no release, refused again).
    browser
        .js(&format!("[...document.querySelectorAll('#dead-letters tr')].find(r => r.innerText.includes('{unknown_mrn}')).querySelector('button.replay').click()"))
        .await;
    browser
        .wait(
            "the replay's note",
            "document.getElementById('dead-note').innerText.includes('published again')",
        )
        .await;

    let second = Movement::new(Corridor::abidjan_ouagadougou(), Utc::now());
    let mrn = second.mrn.to_string();
    stack.national("CI").releases(&second).await;
    browser
        .wait(
            "the new movement in the live list",
            &format!("!!document.querySelector('#recent li[data-mrn=\"{mrn}\"]')"),
        )
        .await;
    browser
        .wait("the new movement on the map", &format!("[...document.querySelectorAll('#map g.leg')].some(g => g.dataset.mrns.includes('{mrn}'))"))
        .await;
    browser
        .wait(
            "the count updated",
            "document.getElementById('count-abidjan-ouagadougou-Released')?.innerText === '2'",
        )
        .await;
    browser.screenshot("02-new-movement-live").await;

    // The second movement rides the first one's truck: the rule fires, the risk panel counts it,
    // and the operator silences it at Burkina Faso's offices from there (audited, a new
    // version of the rules).
    browser
        .wait(
            "the rule's figures",
            "document.querySelector('#rule-figures tr[data-rule=\"same-vehicle-twice\"]')?.innerText.includes('same-vehicle-twice')",
        )
        .await;
    browser
        .js("const answers = ['escort convoys share trucks this month', 'BF']; window.prompt = () => answers.shift(); document.querySelector('#rule-figures tr[data-rule=\"same-vehicle-twice\"] button.silence').click(); return 1;")
        .await;
    browser
        .wait(
            "the silence kept",
            "document.getElementById('silence-note').innerText.includes('+ silence of same-vehicle-twice at BF')",
        )
        .await;
    browser.screenshot("03-rule-silenced").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_french_phone_opens_the_apps_in_french_then_the_account_decides() {
    let stack = Stack::start(&["CI", "BF"]).await;
    stack.add_user("operator", "operator", None, None); // an English account
    let browser = Browser::start_in("language", 390, 844, "fr-FR").await;
    for app in ["officer", "dashboard"] {
        browser.goto(&format!("{}/{app}/", stack.api_url())).await;
        browser
            .wait(
                &format!("the {app} app in French"),
                "document.documentElement.lang === 'fr'",
            )
            .await;
    }
    log_in(&browser, "operator").await;
    browser
        .wait(
            "the account's language after login",
            "document.body.dataset.ready === 'true' && document.documentElement.lang === 'en'",
        )
        .await;
}

/// Risk analysis where the officer stands: a movement whose seals were reported broken at the
/// border arrives at Ouagadougou red, with the reason and what to check first, in English and
/// in French; "all in order" needs what was checked; a clean movement is confirmed in one tap.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_seals_at_the_border_make_the_destination_red_with_the_reason_in_both_languages() {
    let mut stack = Stack::start(&["CI", "BF"]).await;
    stack.add_user("ouaga-risk", "officer", Some("BFOUA001"), None);
    let border = transit_model::OfficeRef::parse("BFNGK001").unwrap();
    let sealed = stack.release_to_ouagadougou().await;
    // On a truck of its own: the same truck on two open movements would raise its lane.
    let clean = Movement::new(Corridor::abidjan_ouagadougou(), Utc::now()).with_own_vehicle();
    stack.national("CI").releases(&clean).await;
    let bf = stack.adapter("BF");
    bf.submit(&sealed.incident(&border, Utc::now()))
        .await
        .expect("the incident accepted");
    for m in [&sealed, &clean] {
        bf.submit(&m.passage(&border, Utc::now()))
            .await
            .expect("the passage accepted");
        bf.submit(&m.arrival(Utc::now()))
            .await
            .expect("the arrival accepted");
    }
    let (red, green) = (sealed.mrn.to_string(), clean.mrn.to_string());
    stack
        .wait_for_state(&red, "Arrived", "the sealed movement arrived")
        .await;
    stack
        .wait_for_state(&green, "Arrived", "the clean movement arrived")
        .await;

    // The hub refuses "all in order" on the red movement without what was checked.
    let officer = transit_http::client::HubClient::new(stack.api_url())
        .login("ouaga-risk", &password_of("ouaga-risk"))
        .await
        .unwrap();
    let refused = officer
        .act(
            &red,
            &serde_json::json!({"action": "control", "sealsIntact": true}),
            "risk-1",
        )
        .await
        .expect_err("refused in the red lane");
    let text = refused.to_string();
    assert!(
        text.contains("red lane at BF") && text.contains("/checked"),
        "{text}"
    );

    let browser = Browser::start("officer-risk", 360, 780).await;
    browser.goto(&format!("{}/officer/", stack.api_url())).await;
    log_in(&browser, "ouaga-risk").await;
    browser.type_into("#mrn", &red).await;
    browser.click("#find").await;
    browser
        .wait(
            "the red lane with the reason in English",
            "document.querySelector('#risk[data-lane=red]') && document.querySelector('#reasons li[data-rule=seals-broken]').innerText.includes('Seals were reported broken') && document.getElementById('risk').innerText.includes('Check first')",
        )
        .await;
    assert_eq!(
        browser
            .js("return !!document.getElementById('control-ok') || !document.getElementById('control-checked');")
            .await,
        false,
        "no one-tap 'all in order' in the red lane"
    );
    browser.screenshot("21-red-lane-en").await;
    browser.click("#lang").await;
    browser
        .wait(
            "the reason in French",
            "document.querySelector('#reasons li[data-rule=seals-broken]').innerText.includes('Des scellés ont été signalés rompus') && document.getElementById('lane').innerText.includes('rouge')",
        )
        .await;
    browser.screenshot("22-red-lane-fr").await;
    browser.click("#lang").await;
    browser
        .js("window.prompt = () => 'seals BF-S-7781 checked against the incident record, 120 bags counted'; return 1;")
        .await;
    browser.click("#control-checked").await;
    stack
        .wait_for_state(
            &red,
            "WrittenOff",
            "the red movement written off after control",
        )
        .await;

    // The clean one: green, and written off in one tap as before.
    browser
        .wait(
            "the clean movement, green",
            &format!("(find('{green}', true), document.getElementById('movement').dataset.mrn === '{green}' && !!document.querySelector('#risk[data-lane=green]') && !!document.getElementById('control-ok'))"),
        )
        .await;
    browser.screenshot("23-green-lane").await;
    browser.click("#control-ok").await;
    stack
        .wait_for_state(
            &green,
            "WrittenOff",
            "the green movement written off in one tap",
        )
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tracked_truck_is_on_the_dashboard_map_and_in_the_officers_arriving_list() {
    use integration_tests::telematics::{first_inside, position, road};
    use transit_telematics::{Event, SealId, SealStatus, What};
    let mut stack = Stack::start(&["CI", "BF"]).await;
    let telematics = stack.add_telematics().await;
    stack.add_user("operator", "operator", None, None);
    stack.add_user("niangoloko", "officer", Some("BFNGK001"), None);
    let movement = stack.release_to_ouagadougou().await;
    let mrn = movement.mrn.to_string();

    // The truck's last 30 km before Niangoloko's zone, its seals armed.
    let points = road("abidjan-ouagadougou", 1000.0);
    let zone = first_inside(&points, "BFNGK001");
    let start = Utc::now() - chrono::Duration::minutes(40);
    let mut events: Vec<Event> = (zone - 36..zone - 6)
        .map(|i| {
            position(
                &format!("p{i}"),
                &movement.vehicle,
                start + chrono::Duration::minutes((i + 36 - zone) as i64),
                points[i],
            )
        })
        .collect();
    events.push(Event {
        event_id: "armed".into(),
        at: start,
        latitude: points[zone - 36][1],
        longitude: points[zone - 36][0],
        what: What::Seal {
            seal: SealId {
                manufacturer: "ACME".into(),
                id: movement.seals[0].clone(),
            },
            status: SealStatus::Sealed,
            vehicle: None,
        },
    });
    let mqtt = telematics.connect();
    telematics.publish(&mqtt, &events).await;

    // Niangoloko's officer sees it coming, taps it, and reads its seal.
    let phone = Browser::start("officer-arriving", 360, 740).await;
    phone.goto(&format!("{}/officer/", stack.api_url())).await;
    log_in(&phone, "niangoloko").await;
    phone
        .wait(
            "the truck in the arriving list",
            &format!("!!document.querySelector('#arriving li[data-arriving=\"{mrn}\"]')"),
        )
        .await;
    phone.screenshot("31-arriving").await;
    phone
        .click(&format!("#arriving li[data-arriving=\"{mrn}\"] button"))
        .await;
    phone
        .wait(
            "the movement's seals",
            &format!(
                "document.querySelector('#e-seals li[data-seal=\"{}\"]')?.dataset.status === 'sealed'",
                movement.seals[0]
            ),
        )
        .await;
    phone.screenshot("32-seals").await;
    drop(phone);

    // The corridor dashboard draws it on the map, with its track.
    let browser = Browser::start("dashboard-trucks", 1280, 900).await;
    browser
        .goto(&format!("{}/dashboard/", stack.api_url()))
        .await;
    log_in(&browser, "operator").await;
    browser
        .wait(
            "the truck on the map",
            &format!(
                "!!document.querySelector('#map circle[data-truck=\"{mrn}\"]') && !!document.querySelector('#map polyline[data-track=\"{mrn}\"]') && document.getElementById('tracked').innerText === '1'"
            ),
        )
        .await;
    browser.screenshot("33-truck-on-the-map").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn train_mode_confirms_a_whole_train_offline_once_and_a_wagon_left_is_an_incident() {
    let mut stack = Stack::start(&["CI", "BF"]).await;
    stack.add_user("niangoloko", "officer", Some("BFNGK001"), None);
    // Five declarations on train T77 of four wagons; the third wagon carries two of them.
    let train = format!("T77-{}", std::process::id());
    let loads: [&[&str]; 5] = [&["W1"], &["W2"], &["W3"], &["W3", "W4"], &["W4"]];
    let mut mrns = Vec::new();
    for wagons in loads {
        let m = Movement::new(Corridor::abidjan_ouagadougou(), Utc::now()).on_train(&train, wagons);
        stack.national("CI").releases(&m).await;
        mrns.push(m.mrn.to_string());
    }
    for mrn in &mrns {
        stack
            .wait_for_deliveries("BF", mrn, "the train's records", |rows| rows.len() == 2)
            .await;
    }

    let browser = Browser::start("train", 360, 780).await;
    browser.goto(&format!("{}/officer/", stack.api_url())).await;
    log_in(&browser, "niangoloko").await;
    browser.type_into("#train", &train).await;
    browser.click("#open-train").await;
    browser
        .wait(
            "the consist",
            "document.querySelectorAll('#wagons li[data-wagon]').length === 4",
        )
        .await;
    browser.screenshot("train-01-consist").await;
    // Wagon W3 is not on the train at the border: untick it, confirm once, offline.
    browser
        .click("#wagons input[data-wagon-present='W3']")
        .await;
    browser.set_offline(true).await;
    browser
        .wait(
            "the offline sign",
            "document.getElementById('net').dataset.online === 'false'",
        )
        .await;
    browser.click("#confirm-train-passage").await;
    browser
        .wait(
            "the confirmation kept on the phone",
            "document.getElementById('pending').dataset.count === '1' && document.getElementById('confirm-train-passage').disabled",
        )
        .await;
    browser.screenshot("train-02-offline-pending").await;
    browser.set_offline(false).await;
    browser
        .wait(
            "the hub's answer",
            "document.getElementById('train-result').dataset.status === 'synced'",
        )
        .await;
    let result = browser
        .js("return document.getElementById('train-result').innerText;")
        .await;
    assert!(
        result.as_str().unwrap().starts_with("4 "),
        "four declarations had a wagon found: {result}"
    );
    browser.screenshot("train-03-confirmed").await;

    // Côte d'Ivoire gets the passage of the four with a wagon found, and an incident for the
    // two on W3 — and nothing else.
    for (i, mrn) in mrns.iter().enumerate() {
        let rows = stack
            .wait_for_deliveries("CI", mrn, "the train's messages at the departure", |rows| {
                let has = |t: &str| rows.iter().any(|d| d.message_type == t);
                match i {
                    2 => has("IE180"),
                    3 => has("IE118") && has("IE180"),
                    _ => has("IE118"),
                }
            })
            .await;
        let count = |t: &str| rows.iter().filter(|d| d.message_type == t).count();
        assert_eq!(count("IE118"), usize::from(i != 2), "{mrn}");
        assert_eq!(count("IE180"), usize::from(i == 2 || i == 3), "{mrn}");
    }
}
