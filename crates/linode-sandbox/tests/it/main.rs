//! The integration tests of the sandbox, one module per concern, in one binary so that the
//! whole dependency tree is linked once.

mod common;
mod compat;
mod control;
mod dashboard;
mod faults;
mod hostile;
mod lifecycle;
mod linode_family;
mod persist;
mod realism;
mod sandbox;
mod seed;
mod storage_net;
