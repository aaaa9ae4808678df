//! The deserializer that reads the TOML tree for [`read`](super::read): the tree's own, except
//! that it knows each value's key path and puts it on every error, and that it says how to write
//! a value of the wrong kind.

use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use toml::Value;

use super::{Step, Unreadable, example, render};

/// A value in the tree and its key path.
pub(super) struct Node<'a> {
    pub(super) value: &'a Value,
    pub(super) path: Vec<Step>,
}

impl Node<'_> {
    /// The value if `is` holds for it, or else the problem that it is not `expected` (what the
    /// key's type asks for), with `advice` on how to write it.
    fn expect(
        self,
        is: fn(&Value) -> bool,
        expected: &str,
        advice: impl FnOnce(&[Step]) -> String,
    ) -> Result<Self, Unreadable> {
        if is(self.value) {
            return Ok(self);
        }
        let found = self.value.type_str();
        let article = if found.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        Err(de::Error::custom(format!(
            "expected {expected} but found {article} {found}; {}.",
            advice(&self.path)
        )))
    }
}

impl<'de> de::Deserializer<'de> for Node<'_> {
    type Error = Unreadable;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        match self.value {
            Value::String(text) => visitor.visit_str(text),
            Value::Integer(n) => visitor.visit_i64(*n),
            Value::Float(n) => visitor.visit_f64(*n),
            Value::Boolean(b) => visitor.visit_bool(*b),
            Value::Datetime(d) => visitor.visit_string(d.to_string()),
            Value::Array(items) => visitor.visit_seq(Items {
                items: items.iter().enumerate(),
                path: self.path,
            }),
            Value::Table(table) => visitor.visit_map(Entries {
                entries: table.iter().collect::<Vec<_>>().into_iter(),
                next: None,
                path: self.path,
            }),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        self.expect(Value::is_str, "text", |path| match example(path) {
            Some(example) => format!("write it in double quotes, like \"{example}\""),
            None => "write it in double quotes".to_string(),
        })?
        .deserialize_any(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        self.expect(Value::is_bool, "true or false", |_| {
            "write it without quotes".to_string()
        })?
        .deserialize_any(visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        self.expect(Value::is_array, "a list", |_| {
            "write it in square brackets, like [\"a\", \"b\"]".to_string()
        })?
        .deserialize_any(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        self.expect(Value::is_table, "a table", |path| {
            format!(
                "write it as a [{}] section with its keys on the lines below",
                render(path)
            )
        })?
        .deserialize_any(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Unreadable> {
        self.deserialize_map(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Unreadable> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf unit unit_struct
        tuple tuple_struct enum identifier ignored_any
    }
}

/// A table's entries, each value read with its key added to the path.
struct Entries<'a> {
    entries: std::vec::IntoIter<(&'a String, &'a Value)>,
    next: Option<(&'a String, &'a Value)>,
    path: Vec<Step>,
}

/// `path` and one step further.
pub(super) fn child(path: &[Step], step: Step) -> Vec<Step> {
    let mut path = path.to_vec();
    path.push(step);
    path
}

/// Reads the value at `path`, so that an error from below it is placed there.
fn read_at<'de, S: DeserializeSeed<'de>>(
    seed: S,
    value: &Value,
    path: Vec<Step>,
) -> Result<S::Value, Unreadable> {
    seed.deserialize(Node {
        value,
        path: path.clone(),
    })
    .map_err(|err| err.at(&path))
}

impl<'de> MapAccess<'de> for Entries<'_> {
    type Error = Unreadable;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Unreadable> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.next = Some((key, value));
        let name: de::value::StrDeserializer<'_, Unreadable> = key.as_str().into_deserializer();
        seed.deserialize(name)
            .map(Some)
            .map_err(|err| err.at(&child(&self.path, Step::Key(key.clone()))))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Unreadable> {
        let (key, value) = self
            .next
            .take()
            .ok_or_else(|| de::Error::custom("a value was read before its key"))?;
        read_at(seed, value, child(&self.path, Step::Key(key.clone())))
    }
}

/// An array's elements, each read with its index added to the path.
struct Items<'a> {
    items: std::iter::Enumerate<std::slice::Iter<'a, Value>>,
    path: Vec<Step>,
}

impl<'de> SeqAccess<'de> for Items<'_> {
    type Error = Unreadable;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Unreadable> {
        let Some((i, value)) = self.items.next() else {
            return Ok(None);
        };
        read_at(seed, value, child(&self.path, Step::Index(i))).map(Some)
    }
}
