//! What every model shares: the [`Resource`] trait, [`Ref`] relations, forward-compatible enums
//! and the API's timestamp format.

use std::fmt;
use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::client::{Client, Path};
use crate::error::Result;
use crate::lazy::Lazy;

/// A model the API serves at a path of its own, so it can be loaded by id.
pub trait Resource: DeserializeOwned + Send + Sync + 'static {
    /// What identifies one object (`u64` for most, a string for regions and images, a pair for
    /// objects that belong to another).
    type Id: Clone + fmt::Debug + fmt::Display + Send + Sync + 'static;

    /// Whether the model has volatile fields (such as an instance's `status`) that go stale, so
    /// that a [`Lazy`] handle re-fetches it once the client's volatile TTL has passed.
    const VOLATILE: bool = false;

    /// The path of one object, relative to the API version root.
    fn path(id: &Self::Id) -> Path;
}

/// The id of an object that belongs to another, such as a disk of a Linode: the parent's id
/// and the object's own.
///
/// ```
/// use linode::ChildId;
/// let disk = ChildId::new(123, 456); // disk 456 of Linode 123
/// assert_eq!(disk.to_string(), "123/456");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChildId {
    /// The parent's id (the Linode of a disk).
    pub parent: u64,
    /// The object's own id.
    pub id: u64,
}

impl ChildId {
    /// The object `id` under `parent`.
    pub fn new(parent: u64, id: u64) -> ChildId {
        ChildId { parent, id }
    }
}

impl fmt::Display for ChildId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.parent, self.id)
    }
}

/// A reference from one model to another, such as an instance's region: the id is known, the
/// object is loaded only when asked for.
///
/// ```
/// # use linode::{Ref, api::regions::Region};
/// let region: Ref<Region> = Ref::new("us-east".to_owned());
/// assert_eq!(region.id(), "us-east");
/// ```
pub struct Ref<T: Resource> {
    id: T::Id,
    _model: PhantomData<fn() -> T>,
}

impl<T: Resource> Ref<T> {
    /// A reference to the object with this id.
    pub fn new(id: T::Id) -> Self {
        Ref {
            id,
            _model: PhantomData,
        }
    }

    /// The id of the referenced object (no request).
    pub fn id(&self) -> &T::Id {
        &self.id
    }

    /// A lazy handle on the referenced object (no request until it is read).
    pub fn lazy(&self, client: &Client) -> Lazy<T> {
        Lazy::new(client, self.id.clone())
    }

    /// Loads the referenced object now.
    pub async fn load(&self, client: &Client) -> Result<T> {
        client.load::<T>(self.id.clone()).await
    }
}

impl<T: Resource> Clone for Ref<T> {
    fn clone(&self) -> Self {
        Ref::new(self.id.clone())
    }
}

impl<T: Resource> fmt::Debug for Ref<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ref({:?})", self.id)
    }
}

impl<T: Resource> PartialEq for Ref<T>
where
    T::Id: PartialEq,
{
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl<T: Resource> Serialize for Ref<T>
where
    T::Id: Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.id.serialize(serializer)
    }
}

impl<'de, T: Resource> Deserialize<'de> for Ref<T>
where
    T::Id: Deserialize<'de>,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::Id::deserialize(deserializer).map(Ref::new)
    }
}

/// Declares an enum of API strings that keeps values it does not know in an `Unknown` arm, so a
/// new value from the API never breaks decoding.
macro_rules! api_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value this version of the client does not know, kept as the API sent it.
            Unknown(String),
        }

        impl $name {
            /// The value as the API spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)*
                    $name::Unknown(other) => other,
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(match s {
                    $($text => $name::$variant,)*
                    other => $name::Unknown(other.to_owned()),
                })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                crate::model::with_str(d, "a string", |text| {
                    Ok::<_, String>(text.parse().unwrap_or_else(|never| match never {}))
                })
            }
        }

        impl From<$name> for crate::filter::Operand<crate::filter::Text> {
            fn from(value: $name) -> Self {
                crate::filter::Operand::from(value.as_str())
            }
        }
    };
}
pub(crate) use api_enum;

/// Setters for the optional fields of a request struct, so that a request reads as
/// `VpcUpdate::new().label("web").tags(["prod"])`: each setter stores `Some(value)` and
/// returns the struct. A field is written `name: into T` (the setter takes anything
/// `Into<T>`), `name: value T` (it takes a `T`), `name: list T` (the field is an
/// `Option<Vec<T>>`; the setter takes any iterator of items `Into<T>`, such as `&str`s for
/// `String`s) or `name: items T` (the same, of items that are exactly `T`, so that `[]` and
/// integer literals need no annotation).
macro_rules! setters {
    ($ty:ty { $( $(#[$doc:meta])* $field:ident : $kind:ident $t:ty ),* $(,)? }) => {
        impl $ty {
            $( $crate::model::setters!(@one $(#[$doc])* $field $kind $t); )*
        }
    };
    (@one $(#[$doc:meta])* $field:ident into $t:ty) => {
        $(#[$doc])*
        pub fn $field(mut self, value: impl Into<$t>) -> Self {
            self.$field = Some(value.into());
            self
        }
    };
    (@one $(#[$doc:meta])* $field:ident value $t:ty) => {
        $(#[$doc])*
        pub fn $field(mut self, value: $t) -> Self {
            self.$field = Some(value);
            self
        }
    };
    (@one $(#[$doc:meta])* $field:ident list $t:ty) => {
        $(#[$doc])*
        pub fn $field<I>(mut self, items: I) -> Self
        where
            I: IntoIterator,
            I::Item: Into<$t>,
        {
            self.$field = Some(items.into_iter().map(Into::into).collect());
            self
        }
    };
    (@one $(#[$doc:meta])* $field:ident items $t:ty) => {
        $(#[$doc])*
        pub fn $field(mut self, items: impl IntoIterator<Item = $t>) -> Self {
            self.$field = Some(items.into_iter().collect());
            self
        }
    };
}

pub(crate) use setters;

api_enum! {
    /// A lock on an object, which refuses some operations until removed.
    pub enum LockType {
        /// The object itself can't be deleted; its sub-resources can.
        CannotDelete = "cannot_delete",
        /// Neither the object nor its sub-resources (disks, configs, ...) can be deleted.
        CannotDeleteWithSubresources = "cannot_delete_with_subresources",
    }
}

api_enum! {
    /// Whether the data of a disk or volume is encrypted at rest.
    pub enum Encryption {
        /// Encrypted.
        Enabled = "enabled",
        /// Not encrypted.
        Disabled = "disabled",
    }
}

api_enum! {
    /// What happens to a Linode during host maintenance.
    pub enum MaintenancePolicy {
        /// Live-migrated to another host.
        Migrate = "linode/migrate",
        /// Powered off, then on again.
        PowerOffOn = "linode/power_off_on",
    }
}

/// Hands a JSON string to `f` without copying it when the input allows, and turns `f`'s error
/// into a decoding error.
pub(crate) fn with_str<'de, D, R>(
    d: D,
    expected: &'static str,
    f: impl FnOnce(&str) -> Result<R, String>,
) -> Result<R, D::Error>
where
    D: Deserializer<'de>,
{
    struct StrVisitor<F>(F, &'static str);
    impl<'de, R, F: FnOnce(&str) -> Result<R, String>> serde::de::Visitor<'de> for StrVisitor<F> {
        type Value = R;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.1)
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<R, E> {
            (self.0)(v).map_err(E::custom)
        }
    }
    d.deserialize_str(StrVisitor(f, expected))
}

/// Decodes `null` as the type's default, for fields the API may send as `null`.
pub(crate) fn null_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// Decodes a flag the API sends as a boolean in some answers and as a number (`0`, `1`) or a
/// string in others; `null` is `false`.
pub(crate) fn loose_bool<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    Ok(
        match Option::<serde_json::Value>::deserialize(deserializer)? {
            Some(serde_json::Value::Bool(flag)) => flag,
            Some(serde_json::Value::Number(n)) => n.as_f64().is_some_and(|n| n != 0.0),
            Some(serde_json::Value::String(text)) => matches!(text.as_str(), "true" | "1" | "yes"),
            _ => false,
        },
    )
}

/// Like [`loose_bool`], for a flag that may be absent: `null` stays `None`.
pub(crate) fn loose_bool_option<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<bool>, D::Error> {
    let value = Option::<serde_json::Value>::deserialize(deserializer)?;
    match value {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(other) => loose_bool(other)
            .map(Some)
            .map_err(serde::de::Error::custom),
    }
}

/// Decodes a secret the API shows once and redacts afterwards (`<REDACTED>`): a redacted,
/// empty or `null` value is `None`.
pub(crate) fn unredacted_secret<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<secrecy::SecretString>, D::Error> {
    Ok(Option::<String>::deserialize(deserializer)?
        .filter(|text| !text.is_empty() && text != "<REDACTED>")
        .map(secrecy::SecretString::from))
}

/// The API's timestamps: `2018-01-01T00:01:01`, in UTC without a zone. Offsets and fractions, if
/// the API ever sends them, are accepted and normalised to UTC.
pub mod timestamp {
    use serde::{Deserializer, Serializer};
    use time::format_description::well_known::Rfc3339;
    use time::macros::format_description;
    use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

    pub use time::PrimitiveDateTime as Timestamp;

    const FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");

    /// Parses the API's format (or RFC 3339).
    pub fn parse(text: &str) -> Option<PrimitiveDateTime> {
        parse_api_format(text.as_bytes()).or_else(|| {
            let utc = OffsetDateTime::parse(text, &Rfc3339)
                .ok()?
                .to_offset(UtcOffset::UTC);
            Some(PrimitiveDateTime::new(utc.date(), utc.time()))
        })
    }

    /// The API's exact format, `YYYY-MM-DDTHH:MM:SS`, read by hand: every listed object carries
    /// timestamps, and a general format-description parser costs several times as much.
    fn parse_api_format(t: &[u8]) -> Option<PrimitiveDateTime> {
        if t.len() != 19
            || t[4] != b'-'
            || t[7] != b'-'
            || t[10] != b'T'
            || t[13] != b':'
            || t[16] != b':'
        {
            return None;
        }
        let num = |from: usize, to: usize| {
            t[from..to].iter().try_fold(0u16, |n, &b| {
                b.is_ascii_digit().then(|| n * 10 + u16::from(b - b'0'))
            })
        };
        let month = time::Month::try_from(u8::try_from(num(5, 7)?).ok()?).ok()?;
        let date =
            time::Date::from_calendar_date(i32::from(num(0, 4)?), month, num(8, 10)? as u8).ok()?;
        let time = time::Time::from_hms(num(11, 13)? as u8, num(14, 16)? as u8, num(17, 19)? as u8)
            .ok()?;
        Some(PrimitiveDateTime::new(date, time))
    }

    /// Formats in the API's format.
    pub fn format(value: &PrimitiveDateTime) -> String {
        value.format(FORMAT).unwrap_or_default()
    }

    /// Serde for a required timestamp.
    pub fn serialize<S: Serializer>(value: &PrimitiveDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format(value))
    }

    /// Serde for a required timestamp.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<PrimitiveDateTime, D::Error> {
        crate::model::with_str(d, "a timestamp", |text| {
            parse(text).ok_or_else(|| format!("invalid timestamp {text:?}"))
        })
    }

    /// Serde for a timestamp that may be `null` or missing.
    pub mod option {
        use super::*;

        /// Serialises `None` as `null`.
        pub fn serialize<S: Serializer>(
            value: &Option<PrimitiveDateTime>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match value {
                Some(v) => super::serialize(v, s),
                None => s.serialize_none(),
            }
        }

        /// Accepts `null`.
        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<PrimitiveDateTime>, D::Error> {
            // A visitor rather than `Option<Cow<str>>`, which would copy every timestamp into
            // a `String` first.
            struct OptionVisitor;
            impl<'de> serde::de::Visitor<'de> for OptionVisitor {
                type Value = Option<PrimitiveDateTime>;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a timestamp or null")
                }
                fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                    Ok(None)
                }
                fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                    Ok(None)
                }
                fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                    super::deserialize(d).map(Some)
                }
            }
            d.deserialize_option(OptionVisitor)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::timestamp;
    use time::macros::datetime;

    #[test]
    fn timestamps_parse_the_api_format_and_rfc3339() {
        assert_eq!(
            timestamp::parse("2024-02-29T23:59:58"),
            Some(datetime!(2024-02-29 23:59:58))
        );
        assert_eq!(
            timestamp::parse("2024-03-01T01:00:00+01:00"),
            Some(datetime!(2024-03-01 00:00:00))
        );
        for bad in [
            "2023-02-29T00:00:00",
            "2024-13-01T00:00:00",
            "2024-01-01T24:00:00",
            "2024-01-01 00:00:00",
            "2024-01-01T00:00:0x",
            "",
        ] {
            assert_eq!(timestamp::parse(bad), None, "{bad}");
        }
        let decoded: timestamp::Timestamp =
            timestamp::deserialize(serde_json::Value::from("2018-01-01T00:01:01")).unwrap();
        assert_eq!(decoded, datetime!(2018-01-01 00:01:01));
    }
}
