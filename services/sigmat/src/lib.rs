//! # sigmat — the command-line tool's library
//!
//! - (the messages of one movement come from crate `transit-scenario`, shared with the tests)
//! - [`demo`]: drives a movement through running adapters, as the national systems would.
//! - [`load`]: how fast a running stack accepts releases, and whether that holds as it fills.
//! - [`conformity`]: the WCO Conformity Framework level of message files.
//! - [`national`]: national formats — translate a file either way, write the mapping report.
//! - [`dlq`]: dead letters through the hub API — list, show, replay.
//! - [`reference`](mod@reference): the network's reference data through the hub API — show, diff, import.
//! - [`agreements`](mod@agreements): the data-sharing agreements through the hub API — show,
//!   diff, import; [`disclosures`](mod@disclosures): the disclosure register — what of a
//!   country's data went where, under which agreement.
//! - [`rules`](mod@rules): the risk rules through the hub API — show (with hit rates), diff, import — and test a file on typical cases.
//! - [`archive`]: closed movements out of the hot tables into monthly files and back — list,
//!   search and restore by MRN.
//! - [`bench`](mod@bench): each stage of the hub against its own limit, measured in one run.
//! - [`simulate`]: corridor traffic through the national systems, every message accounted for.
//! - [`training`](mod@training): the training ground — list the exercises, play one for a
//!   class on time, and the trainer's report of each trainee's actions against the expected.
//! - [`pipe`]: a listing piped into `head` ends quietly (status 141), not with a panic.

pub mod agreements;
pub mod archive;
pub mod bench;
pub mod conformity;
pub mod demo;
pub mod disclosures;
pub mod dlq;
pub mod load;
pub mod national;
pub mod pipe;
pub mod reference;
pub mod rules;
pub mod simulate;
pub mod training;
