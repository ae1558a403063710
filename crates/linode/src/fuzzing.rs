//! Entry points for the fuzz targets in `crates/linode/fuzz` (feature `fuzzing`): the decoders
//! the client applies to every answer, callable on bytes. Not a stable API.

use serde::de::DeserializeOwned;

use crate::client::{Path, Request, api_error, decode, decode_seed};
use crate::error::{Error, Result};
use crate::pagination::{Page, PageSeed};

fn request() -> Request {
    Request::get(Path::new("/fuzz"))
}

/// Decodes a successful list answer (`{"data": [...], "page", "pages", "results"}`) as the
/// client does, returning its items and result count.
pub fn decode_page<T: DeserializeOwned>(body: &[u8]) -> Result<(Vec<T>, usize)> {
    let page: Page<T> = decode(&request(), 200, body)?;
    Ok((page.data, page.results))
}

/// Like [`decode_page`], with room made for `capacity` items at once, as the client does when
/// it knows how many items a page holds.
pub fn decode_page_sized<T: DeserializeOwned>(
    body: &[u8],
    capacity: usize,
) -> Result<(Vec<T>, usize)> {
    let page = decode_seed(&request(), 200, body, PageSeed::<T>::new(capacity))?;
    Ok((page.data, page.results))
}

/// Decodes a successful single-object answer as the client does.
pub fn decode_one<T: DeserializeOwned>(body: &[u8]) -> Result<T> {
    decode(&request(), 200, body)
}

/// The error the client reports for an error answer with this status and body: an
/// [`Error::Api`] when the body is the API's error envelope, otherwise an
/// [`Error::UnexpectedResponse`].
pub fn decode_error(status: u16, body: &[u8]) -> Error {
    api_error(&request(), status, body)
}
