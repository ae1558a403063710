//! How a [`Table`](crate::store::Table) keeps one object: its serialised JSON, exactly the
//! bytes `serde_json::to_vec` writes, with the offset of each top-level key, in one
//! allocation.
//!
//! The bytes are what the API answers, so lists and gets copy them; the key offsets let an
//! `X-Filter` read the few fields it names without parsing the rest of the object
//! ([`StoredJson::field`]). Anything that must see or change the whole object parses it
//! ([`StoredJson::parse`]).

use std::borrow::Cow;

use serde_json::Value;

/// One object's JSON text followed by the offsets of its top-level keys (`u32`, little
/// endian), in one boxed slice.
#[derive(Debug, Clone)]
pub struct StoredJson {
    buf: Box<[u8]>,
    /// Length of the JSON text at the start of `buf`.
    json_len: u32,
}

/// An object's field as read by [`StoredJson::field`].
pub type Field<'a> = Cow<'a, Value>;

impl StoredJson {
    /// Serialises `value` as `serde_json::to_vec` would, noting where each top-level key
    /// starts.
    pub fn encode(value: &Value) -> StoredJson {
        let mut buf = Vec::with_capacity(1024);
        let mut keys: Vec<u32> = Vec::new();
        match value {
            Value::Object(map) => {
                keys.reserve_exact(map.len());
                buf.push(b'{');
                for (i, (key, field)) in map.iter().enumerate() {
                    if i > 0 {
                        buf.push(b',');
                    }
                    keys.push(buf.len() as u32);
                    serde_json::to_writer(&mut buf, key).expect("a string always serialises");
                    buf.push(b':');
                    serde_json::to_writer(&mut buf, field).expect("a JSON value always serialises");
                }
                buf.push(b'}');
            }
            other => {
                serde_json::to_writer(&mut buf, other).expect("a JSON value always serialises")
            }
        }
        let json_len = u32::try_from(buf.len()).expect("an object under 4 GiB");
        buf.reserve_exact(keys.len() * 4);
        for key in keys {
            buf.extend_from_slice(&key.to_le_bytes());
        }
        StoredJson {
            buf: buf.into_boxed_slice(),
            json_len,
        }
    }

    /// The JSON text.
    pub fn json(&self) -> &[u8] {
        &self.buf[..self.json_len as usize]
    }

    /// The object as a JSON value.
    pub fn parse(&self) -> Value {
        serde_json::from_slice(self.json()).expect("stored JSON always parses")
    }

    /// Bytes held (the text and the key offsets).
    pub fn size(&self) -> usize {
        self.buf.len()
    }

    fn key_offsets(&self) -> impl Iterator<Item = usize> + '_ {
        self.buf[self.json_len as usize..]
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    }

    /// The text of the top-level field `key`'s value, `None` when the object has no such
    /// field (or is not an object).
    pub fn raw_field(&self, key: &str) -> Option<&[u8]> {
        let json = self.json();
        // The key as serde_json writes it, with its quotes and the colon: the key itself
        // between quotes unless it has characters to escape.
        let plain = !key.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20);
        let escaped = if plain {
            Vec::new()
        } else {
            serde_json::to_vec(key).ok()?
        };
        let matches = |at: &[u8]| -> Option<usize> {
            if plain {
                let inner = at.strip_prefix(b"\"")?.strip_prefix(key.as_bytes())?;
                inner.starts_with(b"\":").then_some(key.len() + 3)
            } else {
                let rest = at.strip_prefix(escaped.as_slice())?;
                rest.starts_with(b":").then_some(escaped.len() + 1)
            }
        };
        let mut offsets = self.key_offsets().peekable();
        while let Some(start) = offsets.next() {
            if let Some(len) = matches(&json[start..]) {
                // The value runs to the comma before the next key, or to the closing brace.
                let end = offsets.peek().map_or(json.len() - 1, |next| next - 1);
                return Some(&json[start + len..end]);
            }
        }
        None
    }

    /// The value at a dotted path (split on dots), parsing only the top-level field the path
    /// starts with; `None` when any step is missing.
    pub fn field(&self, path: &[String]) -> Option<Field<'_>> {
        let (first, rest) = path.split_first()?;
        let raw = self.raw_field(first)?;
        let value = parse_scalar(raw)
            .unwrap_or_else(|| serde_json::from_slice(raw).expect("stored JSON always parses"));
        if rest.is_empty() {
            return Some(Cow::Owned(value));
        }
        crate::xfilter::lookup(&value, rest).map(|v| Cow::Owned(v.clone()))
    }
}

/// An object's serialised form with holes: the text of an object whose other fields are
/// fixed, to be completed per object ([`Template::fill`]). Making many similar objects this
/// way costs a copy of the fixed text and the writing of the holes, instead of building and
/// serialising a JSON value each time (seeding 100,000 instances).
#[derive(Debug, Clone)]
pub struct Template {
    /// The fixed text between the holes (one more piece than holes).
    pieces: Vec<Vec<u8>>,
    /// The top-level keys whose values are written per object, in text order.
    holes: Vec<String>,
    /// Where each top-level key starts: (piece, offset in that piece).
    keys: Vec<(u32, u32)>,
}

impl Template {
    /// The text of `object` with the values of its top-level fields `holes` left out
    /// (`holes` the object does not have are ignored).
    pub fn new(object: &Value, holes: &[&str]) -> Template {
        let mut pieces = vec![Vec::new()];
        let mut names = Vec::new();
        let mut keys = Vec::new();
        let Value::Object(map) = object else {
            return Template {
                pieces: vec![serde_json::to_vec(object).expect("a JSON value always serialises")],
                holes: names,
                keys,
            };
        };
        pieces[0].push(b'{');
        for (i, (key, field)) in map.iter().enumerate() {
            let index = (pieces.len() - 1) as u32;
            let piece = pieces.last_mut().expect("never empty");
            if i > 0 {
                piece.push(b',');
            }
            keys.push((index, piece.len() as u32));
            serde_json::to_writer(&mut *piece, key).expect("a string always serialises");
            piece.push(b':');
            if holes.contains(&key.as_str()) {
                names.push(key.clone());
                pieces.push(Vec::new());
            } else {
                serde_json::to_writer(&mut *piece, field).expect("a JSON value always serialises");
            }
        }
        pieces.last_mut().expect("never empty").push(b'}');
        Template {
            pieces,
            holes: names,
            keys,
        }
    }

    /// An object's serialised form: the fixed text, with `write(key, out)` writing the JSON
    /// text of each hole's value.
    pub fn fill(&self, write: impl FnMut(&str, &mut Vec<u8>)) -> StoredJson {
        self.fill_with(&mut Vec::new(), write)
    }

    /// [`Template::fill`], writing the text in `scratch` first (reused from one object to
    /// the next, so that each object costs one allocation of its exact size).
    pub fn fill_with(
        &self,
        scratch: &mut Vec<u8>,
        mut write: impl FnMut(&str, &mut Vec<u8>),
    ) -> StoredJson {
        scratch.clear();
        let mut starts = [0usize; 64];
        let mut more_starts = Vec::new();
        for (i, piece) in self.pieces.iter().enumerate() {
            match starts.get_mut(i) {
                Some(start) => *start = scratch.len(),
                None => more_starts.push(scratch.len()),
            }
            scratch.extend_from_slice(piece);
            if let Some(hole) = self.holes.get(i) {
                write(hole, scratch);
            }
        }
        let json_len = u32::try_from(scratch.len()).expect("an object under 4 GiB");
        for &(piece, offset) in &self.keys {
            let piece = piece as usize;
            let base = starts
                .get(piece)
                .copied()
                .unwrap_or_else(|| more_starts[piece - starts.len()]);
            let start = (base + offset as usize) as u32;
            scratch.extend_from_slice(&start.to_le_bytes());
        }
        StoredJson {
            buf: Box::from(scratch.as_slice()),
            json_len,
        }
    }
}

/// The common scalars read without the general parser: `null`, booleans, and strings
/// without escapes.
fn parse_scalar(raw: &[u8]) -> Option<Value> {
    match raw {
        b"null" => Some(Value::Null),
        b"true" => Some(Value::Bool(true)),
        b"false" => Some(Value::Bool(false)),
        [b'"', inner @ .., b'"'] if !inner.contains(&b'\\') => {
            Some(Value::String(std::str::from_utf8(inner).ok()?.to_owned()))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_is_serde_json_and_fields_are_found() {
        let value = json!({
            "id": 7, "label": "a\"b", "tags": ["x", "y"], "pg": {"label": "p", "n": null},
            "n": -1.5, "ok": true, "none": null, "e": {}, "s": "plain", "k\"q": 1
        });
        let stored = StoredJson::encode(&value);
        assert_eq!(stored.json(), serde_json::to_vec(&value).unwrap());
        assert_eq!(stored.parse(), value);
        let path = |p: &str| p.split('.').map(str::to_owned).collect::<Vec<_>>();
        for key in [
            "id", "label", "tags", "pg", "n", "ok", "none", "e", "s", "k\"q",
        ] {
            assert_eq!(
                stored.field(&path(key)).as_deref(),
                Some(&value[key]),
                "{key}"
            );
        }
        assert_eq!(
            stored.field(&path("pg.label")).as_deref(),
            Some(&json!("p"))
        );
        assert_eq!(stored.field(&path("pg.n")).as_deref(), Some(&Value::Null));
        assert_eq!(stored.field(&path("pg.x")), None);
        assert_eq!(stored.field(&path("missing")), None);
        assert_eq!(stored.field(&path("label.x")), None);
        let template = Template::new(&value, &["label", "pg", "absent", "s"]);
        let filled = template.fill(|key, out| match key {
            "label" => out.extend_from_slice(b"\"new\""),
            "pg" => out.extend_from_slice(b"null"),
            "s" => out.extend_from_slice(b"[1]"),
            _ => unreachable!("{key}"),
        });
        let mut expected = value.clone();
        expected["label"] = json!("new");
        expected["pg"] = Value::Null;
        expected["s"] = json!([1]);
        assert_eq!(filled.json(), StoredJson::encode(&expected).json());
        assert_eq!(filled.buf, StoredJson::encode(&expected).buf);
        let scalar = StoredJson::encode(&json!([1, 2]));
        assert_eq!(scalar.json(), b"[1,2]");
        assert_eq!(scalar.field(&path("id")), None);
    }
}
