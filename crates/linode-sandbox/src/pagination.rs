//! `page` / `page_size` query parameters and the paginated envelope.

use serde_json::{Value, json};

use crate::error::ApiError;

/// Smallest accepted `page_size`.
pub const MIN_PAGE_SIZE: u64 = 25;
/// Largest accepted `page_size`.
pub const MAX_PAGE_SIZE: u64 = 500;
/// `page_size` used when the client sends none.
pub const DEFAULT_PAGE_SIZE: u64 = 100;

/// Validated pagination parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageParams {
    /// 1-based page number.
    pub page: u64,
    /// Items per page.
    pub page_size: u64,
}

impl Default for PageParams {
    fn default() -> Self {
        PageParams {
            page: 1,
            page_size: DEFAULT_PAGE_SIZE,
        }
    }
}

/// Decodes a raw query string into `(name, value)` pairs (`+` is a space, `%XX` escapes).
pub fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    let Some(query) = query else {
        return Vec::new();
    };
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let s = s.replace('+', " ");
    percent_encoding::percent_decode_str(&s)
        .decode_utf8_lossy()
        .into_owned()
}

impl PageParams {
    /// Reads `page` and `page_size` from a raw query string; a bad value is a 400 naming the field.
    pub fn from_query(query: Option<&str>) -> Result<PageParams, ApiError> {
        let mut params = PageParams::default();
        for (name, value) in query_pairs(query) {
            match name.as_str() {
                "page" => {
                    params.page = value
                        .trim()
                        .parse::<u64>()
                        .ok()
                        .filter(|p| *p >= 1)
                        .ok_or_else(|| ApiError::field("page", "Must be an integer >= 1"))?;
                }
                "page_size" => {
                    params.page_size = value
                        .trim()
                        .parse::<u64>()
                        .ok()
                        .filter(|s| (MIN_PAGE_SIZE..=MAX_PAGE_SIZE).contains(s))
                        .ok_or_else(|| ApiError::field("page_size", "Must be 25-500"))?;
                }
                _ => {}
            }
        }
        Ok(params)
    }

    /// Number of pages for `results` items (at least 1).
    pub fn pages(&self, results: usize) -> u64 {
        (results as u64).div_ceil(self.page_size).max(1)
    }

    /// The index range of this page inside a list of `results` items (empty past the end).
    pub fn range(&self, results: usize) -> std::ops::Range<usize> {
        let start = (self.page - 1)
            .saturating_mul(self.page_size)
            .min(results as u64) as usize;
        let end = (start as u64 + self.page_size).min(results as u64) as usize;
        start..end
    }

    /// Builds the envelope `{"data", "page", "pages", "results"}` for one page of `data`.
    pub fn envelope(&self, data: Vec<Value>, results: usize) -> Value {
        json!({
            "data": data,
            "page": self.page,
            "pages": self.pages(results),
            "results": results,
        })
    }

    /// The same envelope as [`envelope`](PageParams::envelope), byte for byte as
    /// `serde_json::to_vec` writes it, from items that are already serialised.
    pub fn envelope_json<'a>(
        &self,
        items: impl IntoIterator<Item = &'a [u8]>,
        results: usize,
    ) -> Vec<u8> {
        let items = items.into_iter();
        let mut out = Vec::with_capacity(64 + items.size_hint().0 * 1024);
        out.extend_from_slice(b"{\"data\":[");
        for (i, item) in items.enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(item);
        }
        // Keys in the order serde_json's map writes them (sorted).
        out.extend_from_slice(
            format!(
                "],\"page\":{},\"pages\":{},\"results\":{}}}",
                self.page,
                self.pages(results),
                results
            )
            .as_bytes(),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn math() {
        let p = PageParams {
            page: 3,
            page_size: 100,
        };
        assert_eq!(p.pages(250), 3);
        assert_eq!(p.range(250), 200..250);
        assert_eq!(p.pages(0), 1);
        let far = PageParams {
            page: u64::MAX,
            page_size: 500,
        };
        assert_eq!(far.range(10), 10..10);
    }

    #[test]
    fn serialised_envelope_matches_serde_json() {
        let p = PageParams {
            page: 2,
            page_size: 25,
        };
        let items = [
            json!({"id": 1, "label": "a"}),
            json!({"b": [1, null], "a": "é\"x"}),
        ];
        let bytes: Vec<Vec<u8>> = items
            .iter()
            .map(|v| serde_json::to_vec(v).unwrap())
            .collect();
        for n in [0, 1, 2] {
            let expected = serde_json::to_vec(&p.envelope(items[..n].to_vec(), 60)).unwrap();
            let got = p.envelope_json(bytes[..n].iter().map(Vec::as_slice), 60);
            assert_eq!(
                String::from_utf8(got).unwrap(),
                String::from_utf8(expected).unwrap()
            );
        }
    }

    #[test]
    fn parse() {
        assert_eq!(
            PageParams::from_query(Some("page=2&page_size=25")).unwrap(),
            PageParams {
                page: 2,
                page_size: 25
            }
        );
        assert!(PageParams::from_query(Some("page=0")).is_err());
        assert!(PageParams::from_query(Some("page_size=24")).is_err());
        assert!(PageParams::from_query(Some("page_size=501")).is_err());
        assert!(PageParams::from_query(Some("page=abc")).is_err());
        assert_eq!(
            PageParams::from_query(Some("x=%zz&&=")).unwrap(),
            PageParams::default()
        );
    }
}
