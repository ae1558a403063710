//! The integration tests of the client, one module per family or concern, in one binary so
//! that the whole dependency tree is linked once.

mod account;
mod client;
mod common;
mod domains;
mod filters;
mod forward_compat;
mod instances;
mod linode_family;
mod live_shapes;
mod load;
mod longview;
mod nodebalancers;
mod oauth;
mod pagination;
mod profile;
mod reliability;
mod secrets;
mod support;
mod volumes;
mod waiters;
