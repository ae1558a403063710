//! Any bytes as an error answer: an `Api` or `UnexpectedResponse` error with the same status,
//! whose messages can be shown, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use linode::Error;
use linode::fuzzing::decode_error;

fuzz_target!(|input: (u16, &[u8])| {
    let (status, body) = input;
    let status = 400 + status % 200;
    let err = decode_error(status, body);
    assert_eq!(err.status(), Some(status));
    assert!(matches!(
        err,
        Error::Api { .. } | Error::UnexpectedResponse { .. }
    ));
    let _ = format!("{err} {err:?}");
    let _ = err.is_retryable();
});
