//! Filters built from fuzz input with the public API encode to a JSON object that survives a
//! round trip through text, never a panic.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use linode::api::linode::Instance;
use linode::filter::{Filter, and, or};

#[derive(Debug, Arbitrary)]
enum Expr {
    Group(String),
    LabelContains(String),
    LabelNe(String),
    IdLt(u64),
    IdGe(u64),
    Region(String),
    Tags(String),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    BitAnd(Box<Expr>, Box<Expr>),
    BitOr(Box<Expr>, Box<Expr>),
}

fn build(expr: Expr, depth: u32) -> Filter<Instance> {
    if depth > 32 {
        return Instance::ID.eq(0u64);
    }
    match expr {
        Expr::Group(v) => Instance::GROUP.eq(v),
        Expr::LabelContains(v) => Instance::LABEL.contains(v),
        Expr::LabelNe(v) => Instance::LABEL.ne(v),
        Expr::IdLt(v) => Instance::ID.lt(v),
        Expr::IdGe(v) => Instance::ID.ge(v),
        Expr::Region(v) => Instance::REGION.eq(v),
        Expr::Tags(v) => Instance::TAGS.eq(v),
        Expr::And(all) => and(all.into_iter().map(|e| build(e, depth + 1))),
        Expr::Or(any) => or(any.into_iter().map(|e| build(e, depth + 1))),
        Expr::BitAnd(a, b) => build(*a, depth + 1) & build(*b, depth + 1),
        Expr::BitOr(a, b) => build(*a, depth + 1) | build(*b, depth + 1),
    }
}

fuzz_target!(|expr: Expr| {
    let filter = build(expr, 0);
    let json = filter.to_json();
    assert!(json.is_object(), "{json}");
    let text = json.to_string();
    let back: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(back, json);
});
