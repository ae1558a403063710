//! Any bytes as a list answer of every model: decoded or refused, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use linode::api::images::Image;
use linode::api::linode::{Instance, Kernel, LinodeType};
use linode::api::regions::Region;
use linode::fuzzing::{decode_one, decode_page};

fuzz_target!(|body: &[u8]| {
    if let Ok((items, results)) = decode_page::<Instance>(body) {
        // What decodes must be a consistent value.
        let _ = (items.len(), results);
        for item in &items {
            let _ = serde_json::to_string(item).expect("a decoded instance serialises");
        }
    }
    let _ = decode_one::<Instance>(body);
    let _ = decode_page::<Region>(body);
    let _ = decode_page::<LinodeType>(body);
    let _ = decode_page::<Kernel>(body);
    let _ = decode_page::<Image>(body);
});
