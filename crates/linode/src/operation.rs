//! Operations: every request the client sends is built from one, a method and the path
//! template the API's description gives it, such as `GET /volumes/{volumeId}`.
//!
//! Each family declares its operations once with [`operations!`], next to the code that uses
//! them; a declared operation that no code uses fails the build (`dead_code` under
//! `-D warnings`), and the coverage ledger (`docs/coverage.md`) is checked against these
//! declarations by a test, so the ledger says what the client really sends.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

use serde::Serialize;

use crate::client::{Path, Request, SEGMENT};
use crate::error::Result;

/// The HTTP method of an [`Operation`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verb {
    Get,
    Post,
    Put,
    Delete,
}

impl Verb {
    /// The method as the API's description spells it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "GET",
            Verb::Post => "POST",
            Verb::Put => "PUT",
            Verb::Delete => "DELETE",
        }
    }

    fn method(self) -> reqwest::Method {
        match self {
            Verb::Get => reqwest::Method::GET,
            Verb::Post => reqwest::Method::POST,
            Verb::Put => reqwest::Method::PUT,
            Verb::Delete => reqwest::Method::DELETE,
        }
    }
}

/// One operation of the API: a method and a path template whose `{name}` parameters are
/// filled in order, each percent-encoded as one segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Operation {
    pub(crate) verb: Verb,
    pub(crate) template: &'static str,
}

impl Operation {
    /// The path with `params` in place of the template's parameters, in order.
    ///
    /// # Panics
    /// When the number of parameters differs from the template's: a bug in this crate that
    /// every test of the operation catches.
    pub(crate) fn path(self, params: &[&dyn fmt::Display]) -> Path {
        let mut rest = self.template;
        let mut path = String::with_capacity(self.template.len() + 16);
        let mut params = params.iter();
        while let Some(open) = rest.find('{') {
            path.push_str(&rest[..open]);
            let close = rest[open..].find('}').map_or(rest.len(), |c| open + c + 1);
            let param = params.next().unwrap_or_else(|| {
                panic!(
                    "{} {}: too few parameters",
                    self.verb.as_str(),
                    self.template
                )
            });
            // Written in place and replaced by its encoding only if it needs one (rare: ids are
            // numbers or plain slugs), so that most parameters cost no allocation.
            let start = path.len();
            let _ = write!(path, "{param}");
            let encoded = percent_encoding::utf8_percent_encode(&path[start..], SEGMENT);
            if let Cow::Owned(encoded) = Cow::from(encoded) {
                path.truncate(start);
                path.push_str(&encoded);
            }
            rest = &rest[close..];
        }
        path.push_str(rest);
        assert!(
            params.next().is_none(),
            "{} {}: too many parameters",
            self.verb.as_str(),
            self.template
        );
        Path::from_encoded(path)
    }

    /// The request, without a body.
    pub(crate) fn request(self, params: &[&dyn fmt::Display]) -> Request {
        Request::new(self.verb.method(), self.path(params))
    }

    /// The request with a JSON body.
    pub(crate) fn with_body(
        self,
        params: &[&dyn fmt::Display],
        body: &impl Serialize,
    ) -> Result<Request> {
        self.request(params).json(body)
    }
}

/// Declares a family's operations as constants, each documented by its method and template:
///
/// ```ignore
/// operations! {
///     LIST_VOLUMES = GET "/volumes";
///     GET_VOLUME = GET "/volumes/{volumeId}";
/// }
/// ```
///
/// In the crate's own tests it also declares `OPERATIONS`, the list the coverage ledger reads.
macro_rules! operations {
    ($($name:ident = $verb:ident $template:literal;)*) => {
        $(
            #[doc = concat!("`", stringify!($verb), " ", $template, "`")]
            pub(crate) const $name: $crate::operation::Operation = $crate::operation::Operation {
                verb: $crate::operation::verb!($verb),
                template: $template,
            };
        )*
        /// Every operation this module declares (read by the coverage ledger's test).
        #[cfg(test)]
        pub(crate) const OPERATIONS: &[$crate::operation::Operation] = &[$($name),*];
    };
}

macro_rules! verb {
    (GET) => {
        $crate::operation::Verb::Get
    };
    (POST) => {
        $crate::operation::Verb::Post
    };
    (PUT) => {
        $crate::operation::Verb::Put
    };
    (DELETE) => {
        $crate::operation::Verb::Delete
    };
}

pub(crate) use {operations, verb};

#[cfg(test)]
mod tests {
    operations! {
        GET_RECORD = GET "/domains/{domainId}/records/{recordId}";
        LIST_DOMAINS = GET "/domains";
    }

    #[test]
    fn parameters_fill_the_template_in_order_each_encoded() {
        let path = GET_RECORD.path(&[&12, &"a/b c"]);
        assert_eq!(path.as_str(), "/domains/12/records/a%2Fb%20c");
        assert_eq!(LIST_DOMAINS.path(&[]).as_str(), "/domains");
        // A parameter that needs encoding only in its middle or at its start, or is empty.
        let path = GET_RECORD.path(&[&"%25", &"é"]);
        assert_eq!(path.as_str(), "/domains/%2525/records/%C3%A9");
        assert_eq!(
            GET_RECORD.path(&[&"", &"x-1_2.3~"]).as_str(),
            "/domains//records/x-1_2.3~"
        );
        let request = GET_RECORD.request(&[&1, &2]);
        assert_eq!(request.method, reqwest::Method::GET);
        assert_eq!(request.path, "/domains/1/records/2");
        assert_eq!(OPERATIONS.len(), 2);
    }

    #[test]
    #[should_panic(expected = "too few parameters")]
    fn a_missing_parameter_is_a_bug_caught_by_any_test() {
        GET_RECORD.path(&[&1]);
    }
}
