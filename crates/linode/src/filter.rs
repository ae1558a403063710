//! Filters written as expressions on model fields, sent to the API in the `X-Filter` header.
//!
//! Only the fields the API lets you filter on have constants, and a [`Filter<M>`] only fits a
//! list of `M`, so a filter the API would refuse does not compile:
//!
//! ```
//! use linode::api::linode::Instance;
//! use linode::filter::or;
//!
//! let prod = Instance::GROUP.eq("prod") & Instance::LABEL.contains("web");
//! assert_eq!(
//!     prod.to_json().to_string(),
//!     r#"{"+and":[{"group":"prod"},{"label":{"+contains":"web"}}]}"#
//! );
//!
//! let either = or([Instance::REGION.eq("us-east"), Instance::REGION.eq("eu-west")]);
//! assert_eq!(
//!     either.to_json().to_string(),
//!     r#"{"+or":[{"region":"us-east"},{"region":"eu-west"}]}"#
//! );
//! ```
//!
//! ```compile_fail
//! use linode::api::linode::Instance;
//! // `status` is not a field the API lets you filter on, so there is no constant for it.
//! let _ = Instance::STATUS.eq("running");
//! ```
//!
//! ```compile_fail
//! use linode::api::linode::Instance;
//! // Text fields have no order comparisons.
//! let _ = Instance::LABEL.gt("m");
//! ```
//!
//! ```compile_fail
//! use linode::api::{linode::Instance, regions::Region};
//! // A region filter does not fit a list of instances.
//! let _ = linode::Client::new("t").unwrap().linode().instances().filter(Region::COUNTRY.eq("us"));
//! ```

use std::fmt;
use std::marker::PhantomData;
use std::ops::{BitAnd, BitOr};

use serde_json::{Map, Value};

/// Kind of a text field: equality, `ne`, `contains`, ordering.
#[derive(Debug, Clone, Copy)]
pub struct Text;
/// Kind of a numeric field: equality, `ne`, `lt/le/gt/ge`, ordering.
#[derive(Debug, Clone, Copy)]
pub struct Number;
/// Kind of a boolean field: equality, `ne`, ordering.
#[derive(Debug, Clone, Copy)]
pub struct Bool;
/// Kind of a timestamp field: equality, `ne`, `lt/le/gt/ge`, ordering.
#[derive(Debug, Clone, Copy)]
pub struct Time;

/// Kinds whose values have an order, so `lt/le/gt/ge` apply.
pub trait Ordered {}
impl Ordered for Number {}
impl Ordered for Time {}

/// A value that can be compared with a field of kind `K`.
#[derive(Debug, Clone, PartialEq)]
pub struct Operand<K> {
    value: Value,
    _kind: PhantomData<fn() -> K>,
}

impl<K> Operand<K> {
    fn new(value: Value) -> Self {
        Operand {
            value,
            _kind: PhantomData,
        }
    }
}

impl From<&str> for Operand<Text> {
    fn from(value: &str) -> Self {
        Operand::new(Value::from(value))
    }
}
impl From<String> for Operand<Text> {
    fn from(value: String) -> Self {
        Operand::new(Value::from(value))
    }
}
impl From<&String> for Operand<Text> {
    fn from(value: &String) -> Self {
        Operand::new(Value::from(value.as_str()))
    }
}
impl From<u64> for Operand<Number> {
    fn from(value: u64) -> Self {
        Operand::new(Value::from(value))
    }
}
impl From<f64> for Operand<Number> {
    fn from(value: f64) -> Self {
        Operand::new(Value::from(value))
    }
}
impl From<bool> for Operand<Bool> {
    fn from(value: bool) -> Self {
        Operand::new(Value::from(value))
    }
}
impl From<time::PrimitiveDateTime> for Operand<Time> {
    fn from(value: time::PrimitiveDateTime) -> Self {
        Operand::new(Value::from(crate::model::timestamp::format(&value)))
    }
}

/// A filterable field of model `M`, of kind `K`. Models expose these as constants, such as
/// [`Instance::GROUP`](crate::api::linode::Instance::GROUP).
pub struct Field<M, K> {
    name: &'static str,
    _marker: PhantomData<fn() -> (M, K)>,
}

impl<M, K> Clone for Field<M, K> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<M, K> Copy for Field<M, K> {}

impl<M, K> fmt::Debug for Field<M, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Field({})", self.name)
    }
}

impl<M, K> Field<M, K> {
    /// A field of this name (a dotted path for nested fields).
    pub const fn new(name: &'static str) -> Self {
        Field {
            name,
            _marker: PhantomData,
        }
    }

    /// The field's name as the API spells it.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    fn cond(self, op: Op, value: impl Into<Operand<K>>) -> Filter<M> {
        Filter::leaf(self.name, op, value.into().value)
    }

    /// Matches objects whose field equals `value` (for a list field such as `tags`: contains it).
    pub fn eq(self, value: impl Into<Operand<K>>) -> Filter<M> {
        self.cond(Op::Eq, value)
    }

    /// Matches objects whose field differs from `value`.
    pub fn ne(self, value: impl Into<Operand<K>>) -> Filter<M> {
        self.cond(Op::Ne, value)
    }
}

impl<M> Field<M, Text> {
    /// Matches objects whose field contains `value` (case-insensitive on the API).
    pub fn contains(self, value: impl Into<Operand<Text>>) -> Filter<M> {
        self.cond(Op::Contains, value)
    }
}

impl<M, K: Ordered> Field<M, K> {
    /// Field `<` value.
    pub fn lt(self, value: impl Into<Operand<K>>) -> Filter<M> {
        self.cond(Op::Lt, value)
    }
    /// Field `<=` value.
    pub fn le(self, value: impl Into<Operand<K>>) -> Filter<M> {
        self.cond(Op::Le, value)
    }
    /// Field `>` value.
    pub fn gt(self, value: impl Into<Operand<K>>) -> Filter<M> {
        self.cond(Op::Gt, value)
    }
    /// Field `>=` value.
    pub fn ge(self, value: impl Into<Operand<K>>) -> Filter<M> {
        self.cond(Op::Ge, value)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Contains,
}

impl Op {
    fn operator(self) -> Option<&'static str> {
        match self {
            Op::Eq => None,
            Op::Ne => Some("+neq"),
            Op::Lt => Some("+lt"),
            Op::Le => Some("+lte"),
            Op::Gt => Some("+gt"),
            Op::Ge => Some("+gte"),
            Op::Contains => Some("+contains"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Leaf {
        field: &'static str,
        op: Op,
        value: Value,
    },
    And(Vec<Node>),
    Or(Vec<Node>),
}

/// A condition on objects of model `M`, built from the model's field constants and combined
/// with `&` / `|`, [`and`] and [`or`].
pub struct Filter<M> {
    node: Node,
    _model: PhantomData<fn() -> M>,
}

impl<M> Clone for Filter<M> {
    fn clone(&self) -> Self {
        Filter::from_node(self.node.clone())
    }
}

impl<M> PartialEq for Filter<M> {
    fn eq(&self, other: &Self) -> bool {
        self.node == other.node
    }
}

impl<M> fmt::Debug for Filter<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Filter({})", self.to_json())
    }
}

impl<M> Filter<M> {
    fn from_node(node: Node) -> Self {
        Filter {
            node,
            _model: PhantomData,
        }
    }

    fn leaf(field: &'static str, op: Op, value: Value) -> Self {
        Filter::from_node(Node::Leaf { field, op, value })
    }

    /// The filter in the API's `X-Filter` grammar.
    pub fn to_json(&self) -> Value {
        node_json(&self.node)
    }
}

fn node_json(node: &Node) -> Value {
    match node {
        Node::Leaf { field, op, value } => {
            let condition = match op.operator() {
                None => value.clone(),
                Some(operator) => single(operator, value.clone()),
            };
            single(field, condition)
        }
        Node::And(children) if children.is_empty() => Value::Object(Map::new()),
        Node::And(children) if children.len() == 1 => node_json(&children[0]),
        Node::And(children) => single("+and", children.iter().map(node_json).collect()),
        Node::Or(children) if children.len() == 1 => node_json(&children[0]),
        Node::Or(children) => single("+or", children.iter().map(node_json).collect()),
    }
}

fn single(key: &str, value: Value) -> Value {
    let mut map = Map::with_capacity(1);
    map.insert(key.to_owned(), value);
    Value::Object(map)
}

/// Joins filters so that an object must match all of them. Nested `and`s are flattened.
pub fn and<M>(filters: impl IntoIterator<Item = Filter<M>>) -> Filter<M> {
    let mut children = Vec::new();
    for filter in filters {
        match filter.node {
            Node::And(inner) => children.extend(inner),
            other => children.push(other),
        }
    }
    Filter::from_node(Node::And(children))
}

/// Joins filters so that an object must match at least one of them. Nested `or`s are flattened.
pub fn or<M>(filters: impl IntoIterator<Item = Filter<M>>) -> Filter<M> {
    let mut children = Vec::new();
    for filter in filters {
        match filter.node {
            Node::Or(inner) => children.extend(inner),
            other => children.push(other),
        }
    }
    Filter::from_node(Node::Or(children))
}

impl<M> BitAnd for Filter<M> {
    type Output = Filter<M>;
    fn bitand(self, rhs: Self) -> Filter<M> {
        and([self, rhs])
    }
}

impl<M> BitOr for Filter<M> {
    type Output = Filter<M>;
    fn bitor(self, rhs: Self) -> Filter<M> {
        or([self, rhs])
    }
}

/// Direction of [`ListRequest::order_by`](crate::ListRequest::order_by).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// Smallest first.
    #[default]
    Asc,
    /// Largest first.
    Desc,
}

/// The complete `X-Filter` value of a list request: a filter and an optional order.
pub(crate) fn header_json(filter: Option<&Value>, order: Option<(&str, Order)>) -> Option<Value> {
    let mut map = match filter {
        // Every filter encodes to an object, so there is nothing else to merge.
        Some(Value::Object(map)) => map.clone(),
        _ => Map::new(),
    };
    if let Some((field, order)) = order {
        map.insert("+order_by".to_owned(), Value::from(field));
        let order = match order {
            Order::Asc => "asc",
            Order::Desc => "desc",
        };
        map.insert("+order".to_owned(), Value::from(order));
    }
    (!map.is_empty()).then_some(Value::Object(map))
}

/// Declares the filterable fields of a model as constants (`Instance::GROUP`, ...).
macro_rules! filterable {
    ($model:ident { $($konst:ident: $kind:ident = $name:literal,)* }) => {
        impl $model {
            $(
                #[doc = concat!("Filter or order on `", $name, "`.")]
                pub const $konst: crate::filter::Field<$model, crate::filter::$kind> =
                    crate::filter::Field::new($name);
            )*
        }
    };
}
pub(crate) use filterable;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    struct Thing;
    const NAME: Field<Thing, Text> = Field::new("label");
    const SIZE: Field<Thing, Number> = Field::new("size");
    const OK: Field<Thing, Bool> = Field::new("is_public");
    const WHEN: Field<Thing, Time> = Field::new("created");
    const NESTED: Field<Thing, Text> = Field::new("entity.type");

    #[test]
    fn every_operator_encodes_to_the_api_grammar() {
        assert_eq!(NAME.eq("a").to_json(), json!({"label": "a"}));
        assert_eq!(NAME.ne("a").to_json(), json!({"label": {"+neq": "a"}}));
        assert_eq!(
            NAME.contains("a").to_json(),
            json!({"label": {"+contains": "a"}})
        );
        assert_eq!(SIZE.lt(5).to_json(), json!({"size": {"+lt": 5}}));
        assert_eq!(SIZE.le(5).to_json(), json!({"size": {"+lte": 5}}));
        assert_eq!(SIZE.gt(5).to_json(), json!({"size": {"+gt": 5}}));
        assert_eq!(SIZE.ge(2.5).to_json(), json!({"size": {"+gte": 2.5}}));
        assert_eq!(OK.eq(true).to_json(), json!({"is_public": true}));
        assert_eq!(
            NESTED.eq("linode").to_json(),
            json!({"entity.type": "linode"})
        );
        let t = time::macros::datetime!(2024-05-01 12:30:00);
        assert_eq!(
            WHEN.gt(t).to_json(),
            json!({"created": {"+gt": "2024-05-01T12:30:00"}})
        );
    }

    #[test]
    fn and_or_nest_and_flatten() {
        let f = NAME.eq("a") & SIZE.gt(1) & OK.eq(false);
        assert_eq!(
            f.to_json(),
            json!({"+and": [{"label": "a"}, {"size": {"+gt": 1}}, {"is_public": false}]})
        );
        let g = (NAME.eq("a") | NAME.eq("b")) & SIZE.lt(3);
        assert_eq!(
            g.to_json(),
            json!({"+and": [{"+or": [{"label": "a"}, {"label": "b"}]}, {"size": {"+lt": 3}}]})
        );
        let h = or([
            NAME.eq("x"),
            and([NAME.eq("y"), SIZE.eq(2)]),
            NAME.eq("z") | NAME.eq("w"),
        ]);
        assert_eq!(
            h.to_json(),
            json!({"+or": [
                {"label": "x"},
                {"+and": [{"label": "y"}, {"size": 2}]},
                {"label": "z"},
                {"label": "w"}
            ]})
        );
        assert_eq!(and::<Thing>([]).to_json(), json!({}));
        assert_eq!(and([NAME.eq("only")]).to_json(), json!({"label": "only"}));
    }

    #[test]
    fn order_joins_the_filter_at_top_level() {
        let f = NAME.eq("a").to_json();
        assert_eq!(
            header_json(Some(&f), Some(("size", Order::Desc))),
            Some(json!({"label": "a", "+order_by": "size", "+order": "desc"}))
        );
        assert_eq!(
            header_json(None, Some(("label", Order::Asc))),
            Some(json!({"+order_by": "label", "+order": "asc"}))
        );
        assert_eq!(header_json(None, None), None);
        let empty = and::<Thing>([]).to_json();
        assert_eq!(header_json(Some(&empty), None), None);
    }
}
