//! Placement groups: `/placement/groups`, which spread (or gather) the Linodes of one region
//! over physical hosts.
//!
//! A group's [`PlacementGroupPolicy`] says what happens to an assignment that would break its
//! [`PlacementGroupType`]: a `strict` group refuses it, a `flexible` one accepts it and reports
//! itself non-compliant. A region's [`PlacementGroupLimits`] cap the groups and their members.

use serde::{Deserialize, Serialize};

use crate::api::linode::Instance;
use crate::api::regions::Region;
use crate::client::{Client, Path};
use crate::error::{Error, Result};
use crate::filter::filterable;
use crate::lazy::Lazy;
use crate::model::{Ref, Resource, api_enum, null_default, setters};
use crate::operation::operations;
use crate::pagination::ListRequest;

operations! {
    LIST_PLACEMENT_GROUPS = GET "/placement/groups";
    CREATE_PLACEMENT_GROUP = POST "/placement/groups";
    GET_PLACEMENT_GROUP = GET "/placement/groups/{groupId}";
    UPDATE_PLACEMENT_GROUP = PUT "/placement/groups/{groupId}";
    DELETE_PLACEMENT_GROUP = DELETE "/placement/groups/{groupId}";
    ASSIGN_PLACEMENT_GROUP = POST "/placement/groups/{groupId}/assign";
    UNASSIGN_PLACEMENT_GROUP = POST "/placement/groups/{groupId}/unassign";
}

api_enum! {
    /// How a group places its Linodes. The API offers only `anti_affinity:local` today; other
    /// values it may add are kept as [`Unknown`](PlacementGroupType::Unknown).
    pub enum PlacementGroupType {
        /// Each Linode on a host of its own, all in one region (for high availability).
        AntiAffinityLocal = "anti_affinity:local",
    }
}

api_enum! {
    /// What a group does with an assignment that would break its placement.
    pub enum PlacementGroupPolicy {
        /// Refuse it: the group stays compliant.
        Strict = "strict",
        /// Accept it: the group becomes non-compliant until the Linode is moved.
        Flexible = "flexible",
    }
}

/// A placement group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PlacementGroup {
    /// The group's id.
    pub id: u64,
    /// Its label, unique among your groups (mutable).
    pub label: String,
    /// Its region: only Linodes there join it.
    pub region: Ref<Region>,
    /// How it places its Linodes (fixed at creation).
    pub placement_group_type: PlacementGroupType,
    /// What it does with an assignment that would break its placement (fixed at creation).
    pub placement_group_policy: PlacementGroupPolicy,
    /// Whether every member is placed as the type requires.
    #[serde(default, deserialize_with = "null_default")]
    pub is_compliant: bool,
    /// The Linodes in the group.
    #[serde(default, deserialize_with = "null_default")]
    pub members: Vec<PlacementGroupMember>,
    /// Linodes being moved into or out of the group, if any.
    #[serde(default)]
    pub migrations: Option<PlacementGroupMigrations>,
}

filterable!(PlacementGroup {
    LABEL: Text = "label",
    PLACEMENT_GROUP_TYPE: Text = "placement_group_type",
    REGION: Text = "region",
});

impl Resource for PlacementGroup {
    type Id = u64;
    fn path(id: &u64) -> Path {
        GET_PLACEMENT_GROUP.path(&[id])
    }
}

/// A Linode in a placement group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PlacementGroupMember {
    /// The Linode's id.
    pub linode_id: u64,
    /// Whether this Linode is placed as the group's type requires.
    #[serde(default, deserialize_with = "null_default")]
    pub is_compliant: bool,
}

impl PlacementGroupMember {
    /// The Linode, as a lazy handle (no request).
    pub fn linode(&self, client: &Client) -> Lazy<Instance> {
        Lazy::new(client, self.linode_id)
    }
}

/// Linodes being moved into or out of a group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PlacementGroupMigrations {
    /// Linodes moving in.
    #[serde(default, deserialize_with = "null_default")]
    pub inbound: Vec<MigratingLinode>,
    /// Linodes moving out.
    #[serde(default, deserialize_with = "null_default")]
    pub outbound: Vec<MigratingLinode>,
}

/// A Linode being moved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MigratingLinode {
    /// The Linode's id.
    pub linode_id: u64,
}

/// The group a Linode is in, as the Linode's `placement_group` field shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InstancePlacementGroup {
    /// The group's id.
    pub id: u64,
    /// Its label.
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// How it places its Linodes.
    #[serde(default)]
    pub placement_group_type: Option<PlacementGroupType>,
    /// What it does with an assignment that would break its placement.
    #[serde(default)]
    pub placement_group_policy: Option<PlacementGroupPolicy>,
    /// The group the Linode is being moved to, if any.
    #[serde(default)]
    pub migrating_to: Option<u64>,
}

impl InstancePlacementGroup {
    /// The whole group, as a lazy handle (no request).
    pub fn group(&self, client: &Client) -> Lazy<PlacementGroup> {
        Lazy::new(client, self.id)
    }
}

/// A region's caps on placement groups, as its `placement_group_limits` field shows them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PlacementGroupLimits {
    /// Most groups you may have in the region (`None`: no cap).
    #[serde(default)]
    pub maximum_pgs_per_customer: Option<u64>,
    /// Most Linodes in one group of the region (`None`: no cap).
    #[serde(default)]
    pub maximum_linodes_per_pg: Option<u64>,
}

impl PlacementGroup {
    /// Whether Linode `linode_id` is in the group.
    pub fn has_member(&self, linode_id: u64) -> bool {
        self.members.iter().any(|m| m.linode_id == linode_id)
    }

    /// Sends the label (all that changes) and replaces `self` with the answer.
    pub async fn save(&mut self, client: &Client) -> Result<()> {
        *self = client.placement().update(self.id, &self.label).await?;
        Ok(())
    }

    /// Deletes the group (the API refuses while it has members).
    pub async fn delete(self, client: &Client) -> Result<()> {
        client.placement().delete(self.id).await
    }
}

/// What to create: a [`strict`](CreatePlacementGroup::strict) or
/// [`flexible`](CreatePlacementGroup::flexible) group of type `anti_affinity:local` unless
/// [`placement_group_type`](CreatePlacementGroup::placement_group_type) says otherwise.
///
/// ```
/// use linode::api::placement::CreatePlacementGroup;
/// let request = CreatePlacementGroup::strict("PG_Miami_failover", "us-mia");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CreatePlacementGroup {
    label: String,
    region: String,
    placement_group_type: PlacementGroupType,
    placement_group_policy: PlacementGroupPolicy,
}

impl CreatePlacementGroup {
    /// A group that refuses any assignment breaking its placement.
    pub fn strict(label: impl Into<String>, region: impl Into<String>) -> Self {
        Self::new(label.into(), region.into(), PlacementGroupPolicy::Strict)
    }

    /// A group that accepts any assignment, becoming non-compliant when one breaks it.
    pub fn flexible(label: impl Into<String>, region: impl Into<String>) -> Self {
        Self::new(label.into(), region.into(), PlacementGroupPolicy::Flexible)
    }

    fn new(label: String, region: String, policy: PlacementGroupPolicy) -> Self {
        CreatePlacementGroup {
            label,
            region,
            placement_group_type: PlacementGroupType::AntiAffinityLocal,
            placement_group_policy: policy,
        }
    }

    /// Sets the type (for types this version of the client does not know, use
    /// [`PlacementGroupType::Unknown`]).
    pub fn placement_group_type(mut self, kind: PlacementGroupType) -> Self {
        self.placement_group_type = kind;
        self
    }

    fn validate(&self) -> Result<()> {
        check_label(&self.label)?;
        if self.region.trim().is_empty() {
            return Err(Error::invalid("region", "is empty"));
        }
        Ok(())
    }
}

/// Checks a group label: letters, digits, `-`, `_` and `.`, beginning and ending with a letter
/// or digit.
fn check_label(label: &str) -> Result<()> {
    if label.is_empty() {
        return Err(Error::invalid("label", "is empty"));
    }
    if !label
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(Error::invalid(
            "label",
            "may only contain ASCII letters, digits, `-`, `_` and `.`",
        ));
    }
    let alnum = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !alnum(label.chars().next()) || !alnum(label.chars().last()) {
        return Err(Error::invalid(
            "label",
            "must begin and end with a letter or digit",
        ));
    }
    Ok(())
}

/// Linodes to assign to a group, and whether a flexible group must refuse rather than become
/// non-compliant.
///
/// ```
/// use linode::api::placement::AssignLinodes;
/// let assign = AssignLinodes::new([123, 456]).compliant_only(true);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct AssignLinodes {
    linodes: Vec<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    compliant_only: Option<bool>,
}

impl AssignLinodes {
    /// Assign these Linodes (of the group's region).
    pub fn new(linodes: impl IntoIterator<Item = u64>) -> Self {
        AssignLinodes {
            linodes: linodes.into_iter().collect(),
            compliant_only: None,
        }
    }
}

setters! {
    AssignLinodes {
        /// `true` makes even a flexible group refuse an assignment that would break it.
        compliant_only: value bool,
    }
}

#[derive(Serialize)]
struct Linodes<'a> {
    linodes: &'a [u64],
}

#[derive(Serialize)]
struct Label<'a> {
    label: &'a str,
}

fn check_linodes(linodes: &[u64]) -> Result<()> {
    if linodes.is_empty() {
        return Err(Error::invalid("linodes", "is empty"));
    }
    Ok(())
}

/// Calls under `/placement/groups`.
#[derive(Debug, Clone, Copy)]
pub struct PlacementGroupsGroup<'c> {
    client: &'c Client,
}

impl Client {
    /// Placement groups (`/placement/groups`).
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// use linode::api::placement::CreatePlacementGroup;
    /// let group = client
    ///     .placement()
    ///     .create(CreatePlacementGroup::strict("web-spread", "us-east"))
    ///     .await?;
    /// let group = client.placement().assign(group.id, &[123, 456]).await?;
    /// assert!(group.has_member(123));
    /// # Ok(()) }
    /// ```
    pub fn placement(&self) -> PlacementGroupsGroup<'_> {
        PlacementGroupsGroup { client: self }
    }
}

impl PlacementGroupsGroup<'_> {
    /// Lists your placement groups.
    pub fn list(&self) -> ListRequest<PlacementGroup> {
        ListRequest::new(self.client, LIST_PLACEMENT_GROUPS.path(&[]))
    }

    /// Loads one group.
    pub async fn get(&self, id: u64) -> Result<PlacementGroup> {
        self.client.load::<PlacementGroup>(id).await
    }

    /// Creates a group; the label is checked before anything is sent.
    pub async fn create(&self, request: CreatePlacementGroup) -> Result<PlacementGroup> {
        request.validate()?;
        self.client
            .send(CREATE_PLACEMENT_GROUP.with_body(&[], &request)?)
            .await
    }

    /// Relabels a group (its label is all that changes).
    pub async fn update(&self, id: u64, label: &str) -> Result<PlacementGroup> {
        check_label(label)?;
        self.client
            .send(UPDATE_PLACEMENT_GROUP.with_body(&[&id], &Label { label })?)
            .await
    }

    /// Deletes a group; the API refuses while it has members.
    pub async fn delete(&self, id: u64) -> Result<()> {
        self.client
            .send_empty(DELETE_PLACEMENT_GROUP.request(&[&id]))
            .await
    }

    /// Adds Linodes of the group's region to it and returns the group as it is now.
    pub async fn assign(&self, id: u64, linodes: &[u64]) -> Result<PlacementGroup> {
        self.assign_with(id, &AssignLinodes::new(linodes.iter().copied()))
            .await
    }

    /// Adds Linodes to a group with the options in `assign`.
    pub async fn assign_with(&self, id: u64, assign: &AssignLinodes) -> Result<PlacementGroup> {
        check_linodes(&assign.linodes)?;
        self.client
            .send(ASSIGN_PLACEMENT_GROUP.with_body(&[&id], assign)?)
            .await
    }

    /// Takes Linodes out of a group and returns the group as it is now.
    pub async fn unassign(&self, id: u64, linodes: &[u64]) -> Result<PlacementGroup> {
        check_linodes(linodes)?;
        self.client
            .send(UNASSIGN_PLACEMENT_GROUP.with_body(&[&id], &Linodes { linodes })?)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_and_refusals() {
        let json = serde_json::to_value(CreatePlacementGroup::flexible("pg-1", "us-east")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"label": "pg-1", "region": "us-east",
                "placement_group_type": "anti_affinity:local", "placement_group_policy": "flexible"})
        );
        for bad in ["", "-pg", "pg_", "p g"] {
            assert!(
                CreatePlacementGroup::strict(bad, "us-east")
                    .validate()
                    .is_err(),
                "{bad}"
            );
        }
        assert!(CreatePlacementGroup::strict("ok", "").validate().is_err());
        assert!(check_linodes(&[]).is_err());
        let json = serde_json::to_value(AssignLinodes::new([1, 2]).compliant_only(true)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"linodes": [1, 2], "compliant_only": true})
        );
    }

    #[test]
    fn unknown_types_are_kept() {
        let group: PlacementGroup = serde_json::from_value(serde_json::json!({
            "id": 1, "label": "a", "region": "us-east",
            "placement_group_type": "affinity:local", "placement_group_policy": "strict",
            "is_compliant": null, "members": null, "migrations": null
        }))
        .unwrap();
        assert_eq!(
            group.placement_group_type,
            PlacementGroupType::Unknown("affinity:local".into())
        );
        assert!(!group.is_compliant && group.members.is_empty());
    }
}
