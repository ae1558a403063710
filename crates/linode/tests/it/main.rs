//! The integration tests of the client, one module per family or concern, in one binary so
//! that the whole dependency tree is linked once.

mod account;
mod account_more;
mod client;
mod common;
mod databases;
mod domains;
mod families_ops;
mod filters;
mod firewalls;
mod forward_compat;
mod images_ops;
mod instances;
mod interfaces;
mod linode_family;
mod linode_ops;
mod live_shapes;
mod lke;
mod lke_db_os_audit;
mod load;
mod longview;
mod networking_more;
mod nodebalancers;
mod oauth;
mod object_storage;
mod pagination;
mod profile;
mod profile_managed;
mod realism;
mod reliability;
mod secrets;
mod small_families;
mod support;
mod volumes;
mod vpcs_placement;
mod waiters;
