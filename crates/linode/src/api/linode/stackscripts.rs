//! StackScripts: `/linode/stackscripts`.

use serde::{Deserialize, Serialize};

use crate::client::Path;
use crate::error::{Error, Result};
use crate::filter::filterable;
use crate::model::{Resource, loose_bool_option, null_default, setters, timestamp};
use crate::operation::operations;
use crate::pagination::ListRequest;

operations! {
    LIST_STACKSCRIPTS = GET "/linode/stackscripts";
    CREATE_STACKSCRIPT = POST "/linode/stackscripts";
    GET_STACKSCRIPT = GET "/linode/stackscripts/{stackscriptId}";
    UPDATE_STACKSCRIPT = PUT "/linode/stackscripts/{stackscriptId}";
    DELETE_STACKSCRIPT = DELETE "/linode/stackscripts/{stackscriptId}";
}

/// A field a StackScript asks for when deployed (declared with `<UDF ... />` in its script).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UserDefinedField {
    /// The name to give in `stackscript_data`.
    pub name: String,
    /// What it means.
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// An example value.
    #[serde(default)]
    pub example: Option<String>,
    /// The value used when none is given; a field without one is required.
    #[serde(default)]
    pub default: Option<String>,
    /// Allowed values, comma separated (pick one). The API spells it `oneof`; the spec's
    /// `oneOf` is accepted too.
    #[serde(default, rename = "oneof", alias = "oneOf")]
    pub one_of: Option<String>,
    /// Allowed values, comma separated (pick several); `manyof` in answers.
    #[serde(default, rename = "manyof", alias = "manyOf")]
    pub many_of: Option<String>,
    /// Whether the field must be given, when the API says so explicitly.
    #[serde(default, deserialize_with = "loose_bool_option")]
    pub required: Option<bool>,
    /// A heading the field is grouped under in forms.
    #[serde(default)]
    pub header: Option<String>,
}

impl UserDefinedField {
    /// Whether a value must be given when deploying: what the API says, else whether the field
    /// has no default.
    pub fn is_required(&self) -> bool {
        self.required.unwrap_or(self.default.is_none())
    }
}

/// A script run on an instance's first boot, public or your own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StackScript {
    /// The StackScript's id.
    pub id: u64,
    /// Who wrote it.
    #[serde(default, deserialize_with = "null_default")]
    pub username: String,
    /// Its label (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// Its description (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub description: String,
    /// The images it can be deployed with (mutable); `any/all` means every image.
    #[serde(default, deserialize_with = "null_default")]
    pub images: Vec<String>,
    /// How many times it was deployed.
    #[serde(default)]
    pub deployments_total: u64,
    /// How many instances deployed with it exist.
    #[serde(default)]
    pub deployments_active: u64,
    /// Whether everyone can see it (once public, it stays public).
    #[serde(default)]
    pub is_public: bool,
    /// Whether it is yours.
    #[serde(default)]
    pub mine: bool,
    /// When it was created.
    #[serde(default, with = "timestamp::option")]
    pub created: Option<timestamp::Timestamp>,
    /// When it was last changed.
    #[serde(default, with = "timestamp::option")]
    pub updated: Option<timestamp::Timestamp>,
    /// A note on the last revision (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub rev_note: String,
    /// The script (mutable).
    #[serde(default, deserialize_with = "null_default")]
    pub script: String,
    /// What it asks for when deployed.
    #[serde(default, deserialize_with = "null_default")]
    pub user_defined_fields: Vec<UserDefinedField>,
    /// The URL of its logo (Marketplace apps), `""` when none.
    #[serde(default, deserialize_with = "null_default")]
    pub logo_url: String,
    /// Its position in listings (Marketplace apps).
    #[serde(default, deserialize_with = "null_default")]
    pub ordinal: u64,
    /// The Gravatar id of its author.
    #[serde(default, deserialize_with = "null_default")]
    pub user_gravatar_id: String,
}

filterable!(StackScript {
    DEPLOYMENTS_TOTAL: Number = "deployments_total",
    DESCRIPTION: Text = "description",
    IS_PUBLIC: Bool = "is_public",
    LABEL: Text = "label",
    MINE: Bool = "mine",
    REV_NOTE: Text = "rev_note",
});

impl Resource for StackScript {
    type Id = u64;
    fn path(id: &u64) -> Path {
        GET_STACKSCRIPT.path(&[id])
    }
}

impl ListRequest<StackScript> {
    /// Keeps only your own StackScripts (`mine == true`).
    pub fn mine_only(self) -> Self {
        self.filter(StackScript::MINE.eq(true))
    }
}

impl StackScript {
    /// The fields the API lets you change, as they are now.
    pub fn changes(&self) -> StackScriptUpdate {
        StackScriptUpdate {
            label: Some(self.label.clone()),
            description: Some(self.description.clone()),
            images: Some(self.images.clone()),
            is_public: Some(self.is_public),
            rev_note: Some(self.rev_note.clone()),
            script: Some(self.script.clone()),
        }
    }
}

/// A new StackScript.
///
/// ```
/// use linode::api::linode::CreateStackScript;
/// let script = CreateStackScript::new("hello", "#!/bin/bash\necho hi", ["linode/debian12"])
///     .description("Says hello");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CreateStackScript {
    label: String,
    script: String,
    images: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    is_public: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rev_note: Option<String>,
}

impl CreateStackScript {
    /// A private StackScript running `script` (which must begin with `#!`) on `images`.
    pub fn new<S: Into<String>>(
        label: impl Into<String>,
        script: impl Into<String>,
        images: impl IntoIterator<Item = S>,
    ) -> Self {
        CreateStackScript {
            label: label.into(),
            script: script.into(),
            images: images.into_iter().map(Into::into).collect(),
            ..Default::default()
        }
    }

    /// Makes it public (which cannot be undone).
    pub fn public(mut self, public: bool) -> Self {
        self.is_public = Some(public);
        self
    }

    pub(crate) fn validate(&self) -> Result<()> {
        if self.label.trim().is_empty() {
            return Err(Error::invalid("label", "is empty"));
        }
        check_script(&self.script)?;
        if self.images.is_empty() {
            return Err(Error::invalid("images", "at least one image is required"));
        }
        Ok(())
    }
}

setters! {
    CreateStackScript {
        /// Sets the description.
        description: into String,
        /// Sets the revision note.
        rev_note: into String,
    }
}

fn check_script(script: &str) -> Result<()> {
    if !script.starts_with("#!") {
        return Err(Error::invalid(
            "script",
            "a StackScript must begin with a shebang line (#!)",
        ));
    }
    Ok(())
}

/// Fields of a StackScript to change: only the fields set are sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct StackScriptUpdate {
    /// New label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// New description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// New supported images.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub images: Option<Vec<String>>,
    /// Make it public.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_public: Option<bool>,
    /// New revision note.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rev_note: Option<String>,
    /// New script (must begin with `#!`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub script: Option<String>,
}

impl StackScriptUpdate {
    /// Nothing set yet.
    pub fn new() -> Self {
        Self::default()
    }

    pub(crate) fn validate(&self) -> Result<()> {
        if let Some(script) = &self.script {
            check_script(script)?;
        }
        if self.label.as_deref().is_some_and(|l| l.trim().is_empty()) {
            return Err(Error::invalid("label", "is empty"));
        }
        Ok(())
    }
}

setters! {
    StackScriptUpdate {
        /// Sets the label.
        label: into String,
        /// Sets the description.
        description: into String,
        /// Replaces the script.
        script: into String,
    }
}
