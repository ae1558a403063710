//! The API's families, one module each, named after the first segment of their URLs. Each holds
//! the family's models and the group of calls the [`Client`](crate::Client) hands out for it.

pub mod account;
pub mod betas;
pub mod databases;
pub mod domains;
pub mod entities;
pub mod iam;
pub mod images;
pub mod linode;
pub mod lke;
pub mod locks;
pub mod longview;
pub mod maintenance;
pub mod managed;
pub mod marketplace;
pub mod monitor;
pub mod network_transfer;
pub mod networking;
pub mod nodebalancers;
pub mod object_storage;
pub mod placement;
pub mod pricing;
pub mod profile;
pub mod regions;
pub mod support;
pub mod tags;
pub mod volumes;
pub mod vpcs;
