//! Identity and Access: `/iam`, the role-based successor of user grants.
//!
//! Three areas, one sub-module each, all reached through [`Client::iam`]:
//! - [`roles`]: the roles the account offers (`GET /iam/role-permissions`) and the roles
//!   assigned to a user, account-wide ([`RolePermissions::account_access`]) and per entity
//!   ([`RolePermissions::entity_access`]).
//! - [`delegation`]: parent and child accounts: which parent users are delegated to which
//!   child account, the roles new delegates get by default, and short-lived tokens acting on a
//!   child account ([`IamGroup::delegation`]).
//! - [`idp`]: SAML single sign-on through an external identity provider: its configuration,
//!   certificates and the users it is required for or waived for ([`IamGroup::idp`]). These
//!   operations are in beta: the client sends them to `/v4beta` whatever its own version.

pub mod delegation;
pub mod idp;
pub mod roles;

pub use delegation::{DelegatedChildAccount, DelegationGroup};
pub use idp::{
    CreateIdpConfig, IdentityElement, IdpCertificate, IdpConfig, IdpConfigUpdate, IdpGroup,
    IdpUserRef, SamlCertificate, SamlConfig, SamlSettings,
};
pub use roles::{AvailableRoles, EntityAccess, IamEntityType, Role, RoleGroup, RolePermissions};

use crate::client::Client;
use crate::error::{Error, Result};

/// Calls under `/iam`.
#[derive(Debug, Clone, Copy)]
pub struct IamGroup<'c> {
    client: &'c Client,
}

impl Client {
    /// Identity and Access (`/iam`): roles, delegation to child accounts, SAML single sign-on.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// use linode::api::iam::{IamEntityType, RolePermissions};
    /// let roles = client.iam().role_permissions().await?;
    /// println!("{} account role groups", roles.account_access.len());
    /// let assigned = RolePermissions::new()
    ///     .account_role("account_linode_creator")
    ///     .entity_roles(IamEntityType::Linode, 123, ["linode_contributor"]);
    /// client.iam().set_user_role_permissions("jsmith", &assigned).await?;
    /// # Ok(()) }
    /// ```
    pub fn iam(&self) -> IamGroup<'_> {
        IamGroup { client: self }
    }
}

impl<'c> IamGroup<'c> {
    /// Parent and child account delegation (`/iam/delegation`).
    pub fn delegation(&self) -> DelegationGroup<'c> {
        DelegationGroup {
            client: self.client,
        }
    }

    /// SAML single sign-on configurations (`/iam/idp-configs`, sent to `/v4beta`).
    pub fn idp(&self) -> IdpGroup<'c> {
        IdpGroup {
            client: self.client,
        }
    }
}

/// Refuses an empty (or blank) path parameter before anything is sent.
fn not_blank(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::invalid(field, "is empty"));
    }
    Ok(())
}
