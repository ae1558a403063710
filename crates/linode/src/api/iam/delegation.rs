//! Parent and child account delegation: `/iam/delegation`.
//!
//! An *account delegation* is the set of parent account users allowed to act on one child
//! account. On the parent, an admin lists the child accounts and sets each one's delegates;
//! a delegate lists the child accounts they may act on and gets a short-lived token for one
//! ([`DelegationGroup::child_account_token`], 15 minutes, shown once). On the child account,
//! the roles new delegates get by default are read and set with
//! [`DelegationGroup::default_role_permissions`].

use serde::{Deserialize, Serialize};

use super::not_blank;
use super::roles::RolePermissions;
use crate::api::profile::NewToken;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::model::null_default;
use crate::operation::operations;
use crate::pagination::{ListRequest, Page};

operations! {
    LIST_CHILD_ACCOUNTS = GET "/iam/delegation/child-accounts";
    LIST_CHILD_ACCOUNT_USERS = GET "/iam/delegation/child-accounts/{euuid}/users";
    UPDATE_CHILD_ACCOUNT_USERS = PUT "/iam/delegation/child-accounts/{euuid}/users";
    GET_DEFAULT_ROLE_PERMISSIONS = GET "/iam/delegation/default-role-permissions";
    UPDATE_DEFAULT_ROLE_PERMISSIONS = PUT "/iam/delegation/default-role-permissions";
    LIST_MY_CHILD_ACCOUNTS = GET "/iam/delegation/profile/child-accounts";
    GET_MY_CHILD_ACCOUNT = GET "/iam/delegation/profile/child-accounts/{euuid}";
    CREATE_CHILD_ACCOUNT_TOKEN = POST "/iam/delegation/profile/child-accounts/{euuid}/token";
    LIST_USER_CHILD_ACCOUNTS = GET "/iam/delegation/users/{username}/child-accounts";
}

/// A child account as the delegation calls show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DelegatedChildAccount {
    /// The child account's unique id (what the other calls take).
    pub euuid: String,
    /// Its company name.
    #[serde(default, deserialize_with = "null_default")]
    pub company: String,
    /// The parent users delegated to it: only from
    /// [`DelegationGroup::child_accounts_with_users`], `None` otherwise.
    #[serde(default)]
    pub users: Option<Vec<String>>,
}

#[derive(Serialize)]
struct Users<'a> {
    users: &'a [&'a str],
}

/// Calls under `/iam/delegation`, from [`IamGroup::delegation`](super::IamGroup::delegation).
#[derive(Debug, Clone, Copy)]
pub struct DelegationGroup<'c> {
    pub(super) client: &'c Client,
}

impl DelegationGroup<'_> {
    /// The parent account's child accounts.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// let children = client.iam().delegation().child_accounts().await?;
    /// for child in children.collect_all().await? {
    ///     println!("{} {}", child.euuid, child.company);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn child_accounts(&self) -> ListRequest<DelegatedChildAccount> {
        ListRequest::new(self.client, LIST_CHILD_ACCOUNTS.path(&[]))
    }

    /// The child accounts, each with its delegated users (`?users=true`).
    pub fn child_accounts_with_users(&self) -> ListRequest<DelegatedChildAccount> {
        self.child_accounts().with_query("users", true)
    }

    /// The usernames delegated to child account `euuid`.
    pub fn child_account_users(&self, euuid: &str) -> ListRequest<String> {
        ListRequest::new(self.client, LIST_CHILD_ACCOUNT_USERS.path(&[&euuid]))
    }

    /// Replaces the users delegated to child account `euuid` (at least one) and returns them.
    pub async fn set_child_account_users(
        &self,
        euuid: &str,
        users: &[&str],
    ) -> Result<Vec<String>> {
        not_blank("euuid", euuid)?;
        if users.is_empty() {
            return Err(Error::invalid("users", "needs at least one username"));
        }
        let page: Page<String> = self
            .client
            .send(UPDATE_CHILD_ACCOUNT_USERS.with_body(&[&euuid], &Users { users })?)
            .await?;
        Ok(page.data)
    }

    /// The roles new delegate users get by default (on a child account).
    pub async fn default_role_permissions(&self) -> Result<RolePermissions> {
        self.client
            .send(GET_DEFAULT_ROLE_PERMISSIONS.request(&[]))
            .await
    }

    /// Replaces the roles new delegate users get by default and returns them as kept.
    pub async fn set_default_role_permissions(
        &self,
        roles: &RolePermissions,
    ) -> Result<RolePermissions> {
        roles.validate()?;
        self.client
            .send(UPDATE_DEFAULT_ROLE_PERMISSIONS.with_body(&[], roles)?)
            .await
    }

    /// The child accounts the calling user is delegated to.
    pub fn my_child_accounts(&self) -> ListRequest<DelegatedChildAccount> {
        ListRequest::new(self.client, LIST_MY_CHILD_ACCOUNTS.path(&[]))
    }

    /// One child account the calling user is delegated to.
    pub async fn my_child_account(&self, euuid: &str) -> Result<DelegatedChildAccount> {
        not_blank("euuid", euuid)?;
        self.client
            .send(GET_MY_CHILD_ACCOUNT.request(&[&euuid]))
            .await
    }

    /// A 15-minute token acting on child account `euuid` as the calling delegate user. Its
    /// [`secret`](NewToken::secret) is shown only in this answer.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// use linode::ExposeSecret;
    /// let token = client.iam().delegation().child_account_token("A1BC2DEF-34GH").await?;
    /// let child = linode::Client::new(token.secret.expose_secret())?;
    /// # Ok(()) }
    /// ```
    pub async fn child_account_token(&self, euuid: &str) -> Result<NewToken> {
        not_blank("euuid", euuid)?;
        self.client
            .send(CREATE_CHILD_ACCOUNT_TOKEN.request(&[&euuid]))
            .await
    }

    /// The child accounts user `username` is delegated to.
    pub fn user_child_accounts(&self, username: &str) -> ListRequest<DelegatedChildAccount> {
        ListRequest::new(self.client, LIST_USER_CHILD_ACCOUNTS.path(&[&username]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_appear_only_when_asked_for() {
        let plain: DelegatedChildAccount =
            serde_json::from_value(serde_json::json!({"euuid": "E-1", "company": null})).unwrap();
        assert_eq!(plain.users, None);
        assert_eq!(plain.company, "");
        let with: DelegatedChildAccount = serde_json::from_value(
            serde_json::json!({"euuid": "E-1", "company": "C", "users": ["a"]}),
        )
        .unwrap();
        assert_eq!(with.users.as_deref(), Some(&["a".to_owned()][..]));
    }
}
