//! Roles: the ones the account offers (`GET /iam/role-permissions`) and the ones a user holds
//! (`/iam/users/{username}/role-permissions`).
//!
//! An *account access* role applies account-wide (to existing entities and those created
//! later); an *entity access* role applies to one entity, named by its type and id (see
//! `/entities`). Assigning replaces the user's whole assignment: an empty
//! [`RolePermissions`] removes every role.

use serde::{Deserialize, Serialize};

use super::{IamGroup, not_blank};
use crate::error::{Error, Result};
use crate::model::{api_enum, null_default};
use crate::operation::operations;

operations! {
    GET_ROLE_PERMISSIONS = GET "/iam/role-permissions";
    GET_USER_ROLE_PERMISSIONS = GET "/iam/users/{username}/role-permissions";
    UPDATE_USER_ROLE_PERMISSIONS = PUT "/iam/users/{username}/role-permissions";
}

api_enum! {
    /// The kind of service a role applies to: `account` for account-wide roles, otherwise an
    /// entity type (as `/entities` names it).
    pub enum IamEntityType {
        /// The account itself (account access roles only).
        Account = "account",
        /// A Linode.
        Linode = "linode",
        /// A Cloud Firewall.
        Firewall = "firewall",
        /// A Managed Database.
        Database = "database",
        /// A domain.
        Domain = "domain",
        /// An image.
        Image = "image",
        /// A Longview client.
        Longview = "longview",
        /// A NodeBalancer.
        Nodebalancer = "nodebalancer",
        /// A StackScript.
        Stackscript = "stackscript",
        /// A Block Storage volume.
        Volume = "volume",
        /// A VPC.
        Vpc = "vpc",
        /// An LKE cluster.
        Lkecluster = "lkecluster",
    }
}

/// The roles the account offers, account-wide and per entity, grouped by service.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AvailableRoles {
    /// Account access roles, by service.
    #[serde(default, deserialize_with = "null_default")]
    pub account_access: Vec<RoleGroup>,
    /// Entity access roles, by entity type.
    #[serde(default, deserialize_with = "null_default")]
    pub entity_access: Vec<RoleGroup>,
}

impl AvailableRoles {
    /// The account access role called `name`, if offered.
    pub fn account_role(&self, name: &str) -> Option<&Role> {
        find(&self.account_access, name)
    }

    /// The entity access role called `name`, if offered.
    pub fn entity_role(&self, name: &str) -> Option<&Role> {
        find(&self.entity_access, name)
    }
}

fn find<'a>(groups: &'a [RoleGroup], name: &str) -> Option<&'a Role> {
    groups
        .iter()
        .flat_map(|g| g.roles.iter())
        .find(|r| r.name == name)
}

/// The roles offered for one service or entity type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RoleGroup {
    /// The service (`account`) or entity type the roles are for.
    #[serde(rename = "type")]
    pub kind: IamEntityType,
    /// The roles.
    #[serde(default, deserialize_with = "null_default")]
    pub roles: Vec<Role>,
}

/// A role and the permissions it gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Role {
    /// Its name, such as `linode_contributor` (what assignments refer to).
    pub name: String,
    /// What it is for.
    #[serde(default, deserialize_with = "null_default")]
    pub description: String,
    /// The permissions it gives, such as `update_linode`.
    #[serde(default, deserialize_with = "null_default")]
    pub permissions: Vec<String>,
}

/// Roles assigned to a user (or, for delegation, to new delegate users by default): what
/// `GET` answers and what `PUT` sends, replacing the whole assignment.
///
/// ```
/// use linode::api::iam::{IamEntityType, RolePermissions};
/// let roles = RolePermissions::new()
///     .account_role("account_firewall_creator")
///     .entity_roles(IamEntityType::Firewall, 7, ["firewall_admin"]);
/// assert_eq!(roles.entity_access[0].roles, ["firewall_admin"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RolePermissions {
    /// Account access role names.
    #[serde(default, deserialize_with = "null_default")]
    pub account_access: Vec<String>,
    /// Entity access roles, per entity.
    #[serde(default, deserialize_with = "null_default")]
    pub entity_access: Vec<EntityAccess>,
}

impl RolePermissions {
    /// No role at all (sending it removes every role).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an account access role.
    pub fn account_role(mut self, name: impl Into<String>) -> Self {
        self.account_access.push(name.into());
        self
    }

    /// Adds entity access roles on the entity of `kind` with id `id`.
    pub fn entity_roles<I>(mut self, kind: IamEntityType, id: u64, roles: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.entity_access.push(EntityAccess {
            id,
            kind,
            roles: roles.into_iter().map(Into::into).collect(),
        });
        self
    }

    /// The roles held on the entity of `kind` with id `id` (empty when none).
    pub fn roles_on(&self, kind: &IamEntityType, id: u64) -> &[String] {
        self.entity_access
            .iter()
            .find(|e| &e.kind == kind && e.id == id)
            .map_or(&[], |e| &e.roles)
    }

    pub(crate) fn validate(&self) -> Result<()> {
        if self.account_access.iter().any(|r| r.trim().is_empty()) {
            return Err(Error::invalid("account_access", "holds an empty role name"));
        }
        for entity in &self.entity_access {
            if entity.id == 0 {
                return Err(Error::invalid("entity_access.id", "must be at least 1"));
            }
            if entity.roles.iter().any(|r| r.trim().is_empty()) {
                return Err(Error::invalid(
                    "entity_access.roles",
                    "holds an empty role name",
                ));
            }
        }
        Ok(())
    }
}

/// Entity access roles on one entity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EntityAccess {
    /// The entity's id (as `/entities` lists it).
    pub id: u64,
    /// The entity's type.
    #[serde(rename = "type")]
    pub kind: IamEntityType,
    /// The role names held on it.
    #[serde(default, deserialize_with = "null_default")]
    pub roles: Vec<String>,
}

impl IamGroup<'_> {
    /// The roles the account offers, with their permissions.
    pub async fn role_permissions(&self) -> Result<AvailableRoles> {
        self.client.send(GET_ROLE_PERMISSIONS.request(&[])).await
    }

    /// The roles assigned to user `username`.
    pub async fn user_role_permissions(&self, username: &str) -> Result<RolePermissions> {
        not_blank("username", username)?;
        self.client
            .send(GET_USER_ROLE_PERMISSIONS.request(&[&username]))
            .await
    }

    /// Replaces the roles of user `username` with `roles` and returns them as kept.
    pub async fn set_user_role_permissions(
        &self,
        username: &str,
        roles: &RolePermissions,
    ) -> Result<RolePermissions> {
        not_blank("username", username)?;
        roles.validate()?;
        self.client
            .send(UPDATE_USER_ROLE_PERMISSIONS.with_body(&[&username], roles)?)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignments_serialize_as_the_api_reads_them() {
        let roles = RolePermissions::new()
            .account_role("account_admin")
            .entity_roles(IamEntityType::Linode, 3, ["linode_viewer"]);
        assert_eq!(
            serde_json::to_value(&roles).unwrap(),
            serde_json::json!({"account_access": ["account_admin"],
                "entity_access": [{"id": 3, "type": "linode", "roles": ["linode_viewer"]}]})
        );
        assert_eq!(roles.roles_on(&IamEntityType::Linode, 3), ["linode_viewer"]);
        assert!(roles.roles_on(&IamEntityType::Linode, 4).is_empty());
        assert!(RolePermissions::new().account_role(" ").validate().is_err());
    }

    #[test]
    fn unknown_types_and_nulls_are_tolerated() {
        let roles: AvailableRoles = serde_json::from_value(serde_json::json!({
            "account_access": [{"type": "quantum", "roles": [
                {"name": "q_admin", "description": null, "permissions": null}]}],
            "entity_access": null
        }))
        .unwrap();
        assert_eq!(
            roles.account_access[0].kind,
            IamEntityType::Unknown("quantum".into())
        );
        assert_eq!(roles.account_role("q_admin").unwrap().description, "");
        assert!(roles.entity_role("q_admin").is_none());
    }
}
