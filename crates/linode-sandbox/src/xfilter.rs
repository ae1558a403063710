//! The `X-Filter` header: parsing (checked against an endpoint's filterable fields)
//! and evaluation against JSON items.
//!
//! Grammar: a JSON object. Plain keys are equality tests, all ANDed. A key's value may
//! instead be an object of operators (`+gt`, `+gte`, `+lt`, `+lte`, `+neq`, `+contains`),
//! also ANDed. `+and` / `+or` take an array of filter objects and nest freely.
//! `+order_by` (a filterable field) and `+order` (`asc` / `desc`) may stand at the top level
//! or in any nested filter object, as the official Python SDK sends them.
//! Dotted keys (`placement_group.label`) reach into nested objects. When the item's field
//! is an array (`tags`, `ipv4`), equality means "contains this element".

use std::borrow::Cow;
use std::cmp::Ordering;

use serde_json::{Map, Value};

use crate::error::ApiError;

/// A comparison operator of the filter language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Plain key: equality (element membership on arrays).
    Eq,
    /// `+neq`: negated equality.
    Neq,
    /// `+gt`.
    Gt,
    /// `+gte`.
    Gte,
    /// `+lt`.
    Lt,
    /// `+lte`.
    Lte,
    /// `+contains`: case-insensitive substring (on any element for arrays).
    Contains,
}

impl Op {
    fn from_key(key: &str) -> Option<Op> {
        Some(match key {
            "+neq" => Op::Neq,
            "+gt" => Op::Gt,
            "+gte" => Op::Gte,
            "+lt" => Op::Lt,
            "+lte" => Op::Lte,
            "+contains" => Op::Contains,
            _ => return None,
        })
    }
}

/// A parsed condition tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    /// Every sub-condition holds (`+and`, or several keys of one object).
    All(Vec<Cond>),
    /// At least one sub-condition holds (`+or`).
    Any(Vec<Cond>),
    /// A comparison of the field at `path` with `value`.
    Cmp {
        /// The field, split on dots.
        path: Vec<String>,
        /// The operator.
        op: Op,
        /// The operand (a scalar).
        value: Value,
    },
}

/// Requested ordering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderBy {
    /// The field, split on dots.
    pub path: Vec<String>,
    /// `true` for `"+order": "desc"`.
    pub desc: bool,
}

/// A parsed, validated `X-Filter`.
#[derive(Debug, Clone, PartialEq)]
pub struct XFilter {
    /// The condition every returned item satisfies.
    pub cond: Cond,
    /// Optional ordering; without it, items keep their natural (id) order.
    pub order: Option<OrderBy>,
}

fn invalid(reason: impl Into<String>) -> ApiError {
    ApiError::bad_request(reason)
}

/// Parses a header value, allowing only the given fields.
pub fn parse(header: &str, filterable: &[&str]) -> Result<XFilter, ApiError> {
    let value: Value =
        serde_json::from_str(header).map_err(|_| invalid("The filter is not valid JSON"))?;
    let Value::Object(obj) = value else {
        return Err(invalid("The filter must be a JSON object"));
    };
    let mut order = OrderKeys::default();
    let cond = parse_object(&obj, filterable, &mut order)?;
    Ok(XFilter {
        cond,
        order: order.by.map(|path| OrderBy {
            path,
            desc: order.desc,
        }),
    })
}

/// `+order_by` and `+order`, wherever they stand: our client sends them at the top level, the
/// official Python SDK puts them in an object of `+and` next to the conditions.
#[derive(Default)]
struct OrderKeys {
    by: Option<Vec<String>>,
    desc: bool,
}

impl OrderKeys {
    /// Takes `key` when it is an ordering key; `Ok(false)` when it is not one.
    fn take(&mut self, key: &str, val: &Value, filterable: &[&str]) -> Result<bool, ApiError> {
        match key {
            "+order_by" => {
                let field = val
                    .as_str()
                    .ok_or_else(|| invalid("+order_by must be a field name"))?;
                if !filterable.contains(&field) {
                    return Err(invalid(format!("Cannot order by {field}")));
                }
                self.by = Some(split_path(field));
            }
            "+order" => {
                self.desc = match val.as_str() {
                    Some("asc") => false,
                    Some("desc") => true,
                    _ => return Err(invalid("+order must be \"asc\" or \"desc\"")),
                };
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}

fn split_path(field: &str) -> Vec<String> {
    field.split('.').map(str::to_owned).collect()
}

/// The conditions of one filter object; `None` when it holds only ordering keys (so that
/// `{"+or": [{"+order_by": ..}, ..]}` does not turn into "anything matches").
fn parse_conds(
    obj: &Map<String, Value>,
    filterable: &[&str],
    order: &mut OrderKeys,
) -> Result<Option<Cond>, ApiError> {
    let mut conds = Vec::with_capacity(obj.len());
    let mut ordering_only = !obj.is_empty();
    for (key, val) in obj {
        if !order.take(key, val, filterable)? {
            ordering_only = false;
            conds.push(parse_entry(key, val, filterable, order)?);
        }
    }
    Ok((!ordering_only).then_some(Cond::All(conds)))
}

fn parse_object(
    obj: &Map<String, Value>,
    filterable: &[&str],
    order: &mut OrderKeys,
) -> Result<Cond, ApiError> {
    Ok(parse_conds(obj, filterable, order)?.unwrap_or(Cond::All(Vec::new())))
}

fn parse_entry(
    key: &str,
    val: &Value,
    filterable: &[&str],
    order: &mut OrderKeys,
) -> Result<Cond, ApiError> {
    if key == "+and" || key == "+or" {
        let Value::Array(items) = val else {
            return Err(invalid(format!("{key} must be an array of filter objects")));
        };
        let mut conds = Vec::with_capacity(items.len());
        for item in items {
            let Value::Object(obj) = item else {
                return Err(invalid(format!("{key} must be an array of filter objects")));
            };
            conds.extend(parse_conds(obj, filterable, order)?);
        }
        return Ok(if key == "+and" {
            Cond::All(conds)
        } else {
            Cond::Any(conds)
        });
    }
    if key.starts_with('+') {
        return Err(invalid(format!("Unknown filter operator {key}")));
    }
    if !filterable.contains(&key) {
        return Err(invalid(format!("Cannot filter on {key}")));
    }
    let path = split_path(key);
    match val {
        Value::Object(ops) => {
            if ops.is_empty() {
                return Err(invalid(format!("Invalid filter for {key}")));
            }
            let mut conds = Vec::with_capacity(ops.len());
            for (op_key, operand) in ops {
                let op = Op::from_key(op_key).ok_or_else(|| {
                    if op_key.starts_with('+') {
                        invalid(format!("Unknown filter operator {op_key}"))
                    } else {
                        invalid(format!("Invalid filter for {key}"))
                    }
                })?;
                check_operand(key, op, operand)?;
                conds.push(Cond::Cmp {
                    path: path.clone(),
                    op,
                    value: operand.clone(),
                });
            }
            Ok(if conds.len() == 1 {
                conds.remove(0)
            } else {
                Cond::All(conds)
            })
        }
        Value::Array(_) => Err(invalid(format!("Invalid filter for {key}"))),
        scalar => Ok(Cond::Cmp {
            path,
            op: Op::Eq,
            value: scalar.clone(),
        }),
    }
}

fn check_operand(key: &str, op: Op, operand: &Value) -> Result<(), ApiError> {
    let ok = match op {
        Op::Eq | Op::Neq => !matches!(operand, Value::Array(_) | Value::Object(_)),
        Op::Gt | Op::Gte | Op::Lt | Op::Lte => {
            matches!(operand, Value::Number(_) | Value::String(_))
        }
        Op::Contains => operand.is_string(),
    };
    if ok {
        Ok(())
    } else {
        Err(invalid(format!("Invalid filter for {key}")))
    }
}

/// The value at a dotted path, `None` when any step is missing.
pub fn lookup<'a>(item: &'a Value, path: &[String]) -> Option<&'a Value> {
    let mut cur = item;
    for part in path {
        cur = cur.as_object()?.get(part)?;
    }
    Some(cur)
}

fn scalar_eq(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::Number(a), Value::Number(b)) => match (a.as_i64(), b.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => match (a.as_u64(), b.as_u64()) {
                (Some(x), Some(y)) => x == y,
                _ => a.as_f64() == b.as_f64(),
            },
        },
        _ => actual == expected,
    }
}

fn contains_ci(haystack: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    if haystack.is_ascii() && needle.is_ascii() {
        let (h, n) = (haystack.as_bytes(), needle.as_bytes());
        return h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n));
    }
    haystack.to_lowercase().contains(&needle.to_lowercase())
}

fn ordered(actual: &Value, expected: &Value) -> Option<Ordering> {
    match (actual, expected) {
        (Value::Number(a), Value::Number(b)) => a.as_f64()?.partial_cmp(&b.as_f64()?),
        (Value::String(a), Value::String(b)) => Some(a.as_str().cmp(b.as_str())),
        _ => None,
    }
}

/// Something a filter reads fields of: a JSON value, or an object kept serialised
/// ([`crate::stored::StoredJson`]), which reads only the fields a filter names.
pub trait Fields {
    /// The value at a dotted path (split on dots), `None` when any step is missing.
    fn field(&self, path: &[String]) -> Option<Cow<'_, Value>>;
}

impl Fields for Value {
    fn field(&self, path: &[String]) -> Option<Cow<'_, Value>> {
        lookup(self, path).map(Cow::Borrowed)
    }
}

impl Fields for crate::stored::StoredJson {
    fn field(&self, path: &[String]) -> Option<Cow<'_, Value>> {
        crate::stored::StoredJson::field(self, path)
    }
}

impl Cond {
    /// Whether `item` satisfies this condition.
    pub fn matches<T: Fields + ?Sized>(&self, item: &T) -> bool {
        match self {
            Cond::All(conds) => conds.iter().all(|c| c.matches(item)),
            Cond::Any(conds) => conds.iter().any(|c| c.matches(item)),
            Cond::Cmp { path, op, value } => {
                let found = item.field(path);
                let actual = found.as_deref().unwrap_or(&Value::Null);
                match op {
                    Op::Eq => equals(actual, value),
                    Op::Neq => !equals(actual, value),
                    Op::Contains => {
                        let needle = value.as_str().unwrap_or_default();
                        match actual {
                            Value::String(s) => contains_ci(s, needle),
                            Value::Array(items) => items
                                .iter()
                                .any(|v| v.as_str().is_some_and(|s| contains_ci(s, needle))),
                            _ => false,
                        }
                    }
                    Op::Gt | Op::Gte | Op::Lt | Op::Lte => {
                        let hit = |v: &Value| {
                            ordered(v, value).is_some_and(|o| match op {
                                Op::Gt => o == Ordering::Greater,
                                Op::Gte => o != Ordering::Less,
                                Op::Lt => o == Ordering::Less,
                                _ => o != Ordering::Greater,
                            })
                        };
                        match actual {
                            Value::Array(items) => items.iter().any(hit),
                            v => hit(v),
                        }
                    }
                }
            }
        }
    }
}

fn equals(actual: &Value, expected: &Value) -> bool {
    match actual {
        Value::Array(items) => items.iter().any(|v| scalar_eq(v, expected)),
        v => scalar_eq(v, expected),
    }
}

fn rank(v: Option<&Value>) -> u8 {
    match v {
        None | Some(Value::Null) => 0,
        Some(Value::Bool(_)) => 1,
        Some(Value::Number(_)) => 2,
        Some(Value::String(_)) => 3,
        Some(Value::Array(_)) => 4,
        Some(Value::Object(_)) => 5,
    }
}

/// A total order over optional JSON values (null/missing first, then bools, numbers,
/// strings; arrays and objects compare equal among themselves).
pub fn total_cmp(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    match (a, b) {
        (Some(Value::Bool(x)), Some(Value::Bool(y))) => x.cmp(y),
        (Some(Value::Number(x)), Some(Value::Number(y))) => match (x.as_u64(), y.as_u64()) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => x
                .as_f64()
                .unwrap_or(0.0)
                .total_cmp(&y.as_f64().unwrap_or(0.0)),
        },
        (Some(Value::String(x)), Some(Value::String(y))) => x.cmp(y),
        _ => rank(a).cmp(&rank(b)),
    }
}

impl XFilter {
    /// A filter that keeps everything in natural order.
    pub fn none() -> XFilter {
        XFilter {
            cond: Cond::All(Vec::new()),
            order: None,
        }
    }

    /// Whether `item` passes the condition.
    pub fn matches<T: Fields + ?Sized>(&self, item: &T) -> bool {
        self.cond.matches(item)
    }

    /// Filters, then orders (stable; ties broken by `id`), without cloning any item.
    pub fn apply<'a, T: Fields + ?Sized + 'a>(
        &self,
        items: impl IntoIterator<Item = &'a T>,
    ) -> Vec<&'a T> {
        let kept = items.into_iter().filter(|v| self.matches(*v));
        let Some(order) = &self.order else {
            return kept.collect();
        };
        // Each item's sort keys are read once.
        let id = ["id".to_owned()];
        let mut keyed: Vec<_> = kept
            .map(|item| (item.field(&order.path), item.field(&id), item))
            .collect();
        keyed.sort_by(|a, b| {
            let by_field = total_cmp(a.0.as_deref(), b.0.as_deref());
            let by_field = if order.desc {
                by_field.reverse()
            } else {
                by_field
            };
            by_field.then_with(|| total_cmp(a.1.as_deref(), b.1.as_deref()))
        });
        keyed.into_iter().map(|(_, _, item)| item).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const FIELDS: &[&str] = &[
        "id",
        "label",
        "group",
        "region",
        "tags",
        "ipv4",
        "vcpus",
        "placement_group.label",
    ];

    fn items() -> Vec<Value> {
        vec![
            json!({"id": 1, "label": "web-Alpha", "group": "web", "region": "us-east", "tags": ["prod", "a"], "vcpus": 1, "placement_group": null}),
            json!({"id": 2, "label": "web-beta", "group": "web", "region": "eu-west", "tags": ["staging"], "vcpus": 2, "placement_group": {"label": "pg-one"}}),
            json!({"id": 3, "label": "db-gamma", "group": "db", "region": "us-east", "tags": [], "vcpus": 4, "placement_group": {"label": "pg-two"}}),
            json!({"id": 4, "label": "db-delta", "group": "db", "region": "ap-south", "tags": ["prod"], "vcpus": 2, "placement_group": null}),
        ]
    }

    fn ids(filter: &str) -> Vec<u64> {
        let f = parse(filter, FIELDS).unwrap();
        let items = items();
        f.apply(items.iter())
            .into_iter()
            .map(|v| v["id"].as_u64().unwrap())
            .collect()
    }

    fn err(filter: &str) -> String {
        parse(filter, FIELDS).unwrap_err().errors[0].reason.clone()
    }

    #[test]
    fn equality_and_implicit_and() {
        assert_eq!(ids(r#"{}"#), vec![1, 2, 3, 4]);
        assert_eq!(ids(r#"{"group":"web"}"#), vec![1, 2]);
        assert_eq!(ids(r#"{"group":"db","region":"us-east"}"#), vec![3]);
        assert_eq!(ids(r#"{"id":3}"#), vec![3]);
        assert_eq!(ids(r#"{"vcpus":2.0}"#), vec![2, 4]);
    }

    #[test]
    fn arrays_mean_membership() {
        assert_eq!(ids(r#"{"tags":"prod"}"#), vec![1, 4]);
        assert_eq!(ids(r#"{"tags":{"+neq":"prod"}}"#), vec![2, 3]);
        assert_eq!(ids(r#"{"tags":{"+contains":"STAG"}}"#), vec![2]);
    }

    #[test]
    fn comparisons() {
        assert_eq!(ids(r#"{"vcpus":{"+gt":1}}"#), vec![2, 3, 4]);
        assert_eq!(ids(r#"{"vcpus":{"+gte":2,"+lt":4}}"#), vec![2, 4]);
        assert_eq!(ids(r#"{"vcpus":{"+lte":1}}"#), vec![1]);
        assert_eq!(ids(r#"{"label":{"+gt":"db-z"}}"#), vec![1, 2]);
        assert_eq!(ids(r#"{"region":{"+neq":"us-east"}}"#), vec![2, 4]);
    }

    #[test]
    fn contains_is_case_insensitive() {
        assert_eq!(ids(r#"{"label":{"+contains":"ALPHA"}}"#), vec![1]);
        assert_eq!(ids(r#"{"label":{"+contains":"web"}}"#), vec![1, 2]);
    }

    #[test]
    fn nested_and_or() {
        assert_eq!(
            ids(r#"{"+or":[{"group":"db"},{"tags":"staging"}]}"#),
            vec![2, 3, 4]
        );
        assert_eq!(
            ids(
                r#"{"+or":[{"+and":[{"group":"web"},{"vcpus":1}]},{"+and":[{"group":"db"},{"region":"ap-south"}]}]}"#
            ),
            vec![1, 4]
        );
        assert_eq!(
            ids(r#"{"+and":[{"group":"web"}],"region":"eu-west"}"#),
            vec![2]
        );
        assert_eq!(ids(r#"{"+or":[]}"#), Vec::<u64>::new());
    }

    #[test]
    fn dotted_fields() {
        assert_eq!(ids(r#"{"placement_group.label":"pg-two"}"#), vec![3]);
        assert_eq!(ids(r#"{"placement_group.label":null}"#), vec![1, 4]);
    }

    #[test]
    fn ordering_is_stable() {
        assert_eq!(ids(r#"{"+order_by":"vcpus"}"#), vec![1, 2, 4, 3]);
        assert_eq!(
            ids(r#"{"+order_by":"vcpus","+order":"desc"}"#),
            vec![3, 2, 4, 1]
        );
        assert_eq!(
            ids(r#"{"+order_by":"label","+order":"desc","group":"db"}"#),
            vec![3, 4]
        );
        assert_eq!(ids(r#"{"+order":"desc"}"#), vec![1, 2, 3, 4]);
    }

    #[test]
    fn ordering_nested_as_the_python_sdk_sends_it() {
        // `{"+and": [<conditions>, {"+order_by": .., "+order": ..}]}`.
        assert_eq!(
            ids(r#"{"+and":[{"group":"db"},{"+order_by":"label","+order":"desc"}]}"#),
            vec![3, 4]
        );
        assert_eq!(
            ids(r#"{"+and":[{"label":{"+contains":"a"}},{"+order_by":"vcpus"}]}"#),
            ids(r#"{"label":{"+contains":"a"},"+order_by":"vcpus"}"#)
        );
        // An object of `+or` holding only ordering keys matches nothing by itself.
        assert_eq!(
            ids(r#"{"+or":[{"group":"db"},{"+order_by":"vcpus","+order":"desc"}]}"#),
            vec![3, 4]
        );
    }

    #[test]
    fn errors() {
        assert_eq!(err("not json"), "The filter is not valid JSON");
        assert_eq!(err("[1]"), "The filter must be a JSON object");
        assert_eq!(err(r#"{"status":"running"}"#), "Cannot filter on status");
        assert_eq!(err(r#"{"+order_by":"status"}"#), "Cannot order by status");
        assert_eq!(
            err(r#"{"+order_by":"label","+order":"up"}"#),
            "+order must be \"asc\" or \"desc\""
        );
        assert_eq!(err(r#"{"+xor":[]}"#), "Unknown filter operator +xor");
        assert_eq!(
            err(r#"{"vcpus":{"+between":1}}"#),
            "Unknown filter operator +between"
        );
        assert_eq!(
            err(r#"{"+or":{"a":1}}"#),
            "+or must be an array of filter objects"
        );
        assert_eq!(
            err(r#"{"+or":[1]}"#),
            "+or must be an array of filter objects"
        );
        assert_eq!(
            err(r#"{"+and":[{"+order_by":"status"}]}"#),
            "Cannot order by status"
        );
        assert_eq!(
            err(r#"{"+or":[{"status":"x"}]}"#),
            "Cannot filter on status"
        );
        assert_eq!(err(r#"{"label":["a"]}"#), "Invalid filter for label");
        assert_eq!(err(r#"{"label":{}}"#), "Invalid filter for label");
        assert_eq!(
            err(r#"{"label":{"+contains":5}}"#),
            "Invalid filter for label"
        );
        assert_eq!(err(r#"{"label":{"+gt":true}}"#), "Invalid filter for label");
    }
}
