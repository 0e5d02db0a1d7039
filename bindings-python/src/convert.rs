//! The one conversion across the Python boundary, in both directions, driven by serde:
//!
//! - **Rust → Python** ([`to_py`]): any `Serialize` value of the core becomes Python values.
//!   A struct becomes an instance of the package's frozen dataclass registered under the Rust
//!   type's name (`kubeharden._api._RUST_TYPES`: `"Finding"` → `kubeharden.Finding`), built the way
//!   `copy` and `pickle` build one — `object.__new__` and the `__dict__` set at once (a frozen
//!   dataclass `__init__` costs an `object.__setattr__` per field) — with field names in
//!   snake_case (`apiVersion` → `api_version`, `from` → `from_`). A unit variant becomes the
//!   member of the registered enum (`Severity::High` → `Severity.HIGH`; an enum not registered
//!   gives its variant's name: `"pair"`), a sequence a tuple, a map a read-only
//!   `MappingProxyType`, `None` `None`. Strings that repeat (rule ids, files, paths,
//!   policies) are shared. Adding a result type to the API is one dataclass and one entry in
//!   `_RUST_TYPES`.
//! - **Python → Rust** ([`from_py`]): any `Deserialize` type (the configuration) from Python
//!   values, strictly: a `str` is not a sequence of characters, a `bool` is not an integer, keys
//!   of mappings are strings; unknown keys are the target type's business (`Config` denies them).
//!   Errors name the place (`options.image-max-age-days: invalid type: ...`).

use std::collections::HashMap;
use std::fmt;

use pyo3::exceptions::PyTypeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyList, PyMapping, PyMappingProxy, PyString, PyTuple, PyType,
};
use serde::de::{self, DeserializeSeed, Unexpected, Visitor};
use serde::ser::{self, Serialize};

/// The dataclasses and enums of `kubeharden._api`, by the name of the Rust type they stand for.
struct Registry {
    types: Py<PyDict>,
    object_new: Py<PyAny>,
    object_setattr: Py<PyAny>,
}

static REGISTRY: PyOnceLock<Registry> = PyOnceLock::new();

fn registry(py: Python<'_>) -> PyResult<&'static Registry> {
    REGISTRY.get_or_try_init(py, || {
        let types = py.import("kubeharden._api")?.getattr("_RUST_TYPES")?.cast_into::<PyDict>()?.unbind();
        let object = py.get_type::<PyAny>();
        Ok(Registry {
            types,
            object_new: object.getattr(intern!(py, "__new__"))?.unbind(),
            object_setattr: object.getattr(intern!(py, "__setattr__"))?.unbind(),
        })
    })
}

/// A value of the core as Python values (see the module docs).
pub fn to_py<'py, T: Serialize + ?Sized>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    let r = registry(py)?;
    let mut c = ToPy {
        py,
        types: r.types.bind(py).clone(),
        new: r.object_new.bind(py).clone(),
        setattr: r.object_setattr.bind(py).clone(),
        strings: Fast::default(),
        fields: Fast::default(),
        classes: Fast::default(),
        members: Fast::default(),
        instances: Fast::default(),
    };
    value.serialize(&mut c).map_err(|e| e.0)
}

struct ToPy<'py> {
    py: Python<'py>,
    types: Bound<'py, PyDict>,
    new: Bound<'py, PyAny>,
    setattr: Bound<'py, PyAny>,
    /// Every string made, by content: repeated values are one object.
    strings: Fast<String, Bound<'py, PyString>>,
    /// Python attribute names, by Rust field name (serde's names are `'static`: by [`at`]).
    fields: Fast<Place, Bound<'py, PyString>>,
    classes: Fast<Place, Bound<'py, PyType>>,
    members: Fast<(Place, Place), Bound<'py, PyAny>>,
    /// Instances already built, by class and the identity of each field's value: a struct whose
    /// fields are the very same objects is the same (frozen) object — one `ObjectRef` per object
    /// of the input, not one per finding.
    instances: Fast<(usize, Vec<usize>), Bound<'py, PyAny>>,
}

/// Where a `'static` name is: address and length.
type Place = (usize, usize);

/// A `'static` name by where it is (address and length): no hashing of its text. Equal names at
/// two places are two keys for the same value, which is fine.
fn at(s: &'static str) -> Place {
    (s.as_ptr() as usize, s.len())
}

/// Structs with at most this many fields are shared when their fields are the same objects.
const SHARED_FIELDS: usize = 6;

/// Strings longer than this (messages, mostly) are rarely repeated: made each time, not cached.
const LONG: usize = 64;

/// A map with the Fx hash (rustc's): the keys here are short strings and addresses, for which
/// the default SipHash costs more than the lookups it serves.
type Fast<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<FxHasher>>;

#[derive(Default)]
struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(c);
            self.write_u64(u64::from_le_bytes(word));
        }
        for &b in chunks.remainder() {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A Python exception met while converting.
#[derive(Debug)]
pub struct ConvertError(PyErr);

impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for ConvertError {}

impl ser::Error for ConvertError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        ConvertError(PyTypeError::new_err(msg.to_string()))
    }
}

impl From<PyErr> for ConvertError {
    fn from(e: PyErr) -> Self {
        ConvertError(e)
    }
}

type Out<'py> = Result<Bound<'py, PyAny>, ConvertError>;

/// `apiVersion` → `api_version`, `fail-on` → `fail_on`, `from` → `from_` (a Python keyword).
fn python_name(rust: &str) -> String {
    let mut out = String::with_capacity(rust.len() + 4);
    for c in rust.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else if c == '-' {
            out.push('_');
        } else {
            out.push(c);
        }
    }
    if matches!(out.as_str(), "from" | "class" | "import" | "global" | "lambda" | "in" | "is" | "not" | "pass") {
        out.push('_');
    }
    out
}

impl<'py> ToPy<'py> {
    fn string(&mut self, s: &str) -> Bound<'py, PyAny> {
        if s.len() > LONG {
            return PyString::new(self.py, s).into_any();
        }
        if let Some(made) = self.strings.get(s) {
            return made.clone().into_any();
        }
        let made = PyString::new(self.py, s);
        self.strings.insert(s.to_owned(), made.clone());
        made.into_any()
    }

    fn field(&mut self, rust: &'static str) -> Bound<'py, PyString> {
        let py = self.py;
        self.fields.entry(at(rust)).or_insert_with(|| PyString::new(py, &python_name(rust))).clone()
    }

    fn class(&mut self, name: &'static str) -> Result<Bound<'py, PyType>, ConvertError> {
        if let Some(c) = self.classes.get(&at(name)) {
            return Ok(c.clone());
        }
        let c = self
            .types
            .get_item(name)?
            .ok_or_else(|| {
                <ConvertError as ser::Error>::custom(format!(
                    "no Python type for `{name}` in kubeharden._api._RUST_TYPES"
                ))
            })?
            .cast_into::<PyType>()
            .map_err(PyErr::from)?;
        self.classes.insert(at(name), c.clone());
        Ok(c)
    }

    /// The member of the enum registered as `name`; for an enum not registered, the variant's
    /// name as a string (`NetpolScope::Pair` → `"pair"`).
    fn member(&mut self, name: &'static str, variant: &'static str) -> Out<'py> {
        let key = (at(name), at(variant));
        if let Some(m) = self.members.get(&key) {
            return Ok(m.clone());
        }
        let m = if self.types.contains(name)? {
            self.class(name)?.getattr(variant.to_ascii_uppercase())?
        } else {
            self.string(variant)
        };
        self.members.insert(key, m.clone());
        Ok(m)
    }
}

/// A sequence or tuple being built.
struct Seq<'a, 'py> {
    c: &'a mut ToPy<'py>,
    items: Vec<Bound<'py, PyAny>>,
}

/// A map being built (a dict, returned read-only).
struct Map<'a, 'py> {
    c: &'a mut ToPy<'py>,
    dict: Bound<'py, PyDict>,
    key: Option<Bound<'py, PyAny>>,
}

/// A struct being built: its dataclass and its fields.
struct Struct<'a, 'py> {
    c: &'a mut ToPy<'py>,
    class: Bound<'py, PyType>,
    fields: Vec<(Bound<'py, PyString>, Bound<'py, PyAny>)>,
}

impl<'a, 'py> ser::Serializer for &'a mut ToPy<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = ConvertError;
    type SerializeSeq = Seq<'a, 'py>;
    type SerializeTuple = Seq<'a, 'py>;
    type SerializeTupleStruct = Seq<'a, 'py>;
    type SerializeTupleVariant = Seq<'a, 'py>;
    type SerializeMap = Map<'a, 'py>;
    type SerializeStruct = Struct<'a, 'py>;
    type SerializeStructVariant = Struct<'a, 'py>;

    fn serialize_bool(self, v: bool) -> Out<'py> {
        Ok(PyBool::new(self.py, v).to_owned().into_any())
    }
    fn serialize_i8(self, v: i8) -> Out<'py> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Out<'py> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Out<'py> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Out<'py> {
        Ok(PyInt::new(self.py, v).into_any())
    }
    fn serialize_u8(self, v: u8) -> Out<'py> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Out<'py> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Out<'py> {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Out<'py> {
        Ok(PyInt::new(self.py, v).into_any())
    }
    fn serialize_f32(self, v: f32) -> Out<'py> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Out<'py> {
        Ok(PyFloat::new(self.py, v).into_any())
    }
    fn serialize_char(self, v: char) -> Out<'py> {
        Ok(self.string(v.encode_utf8(&mut [0; 4])))
    }
    fn serialize_str(self, v: &str) -> Out<'py> {
        Ok(self.string(v))
    }
    fn serialize_bytes(self, v: &[u8]) -> Out<'py> {
        Ok(PyBytes::new(self.py, v).into_any())
    }
    fn serialize_none(self) -> Out<'py> {
        Ok(self.py.None().into_bound(self.py))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Out<'py> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Out<'py> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Out<'py> {
        self.serialize_none()
    }
    fn serialize_unit_variant(self, name: &'static str, _index: u32, variant: &'static str) -> Out<'py> {
        self.member(name, variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Out<'py> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        _value: &T,
    ) -> Out<'py> {
        Err(ser::Error::custom(format!("`{name}::{variant}` has no Python form")))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Seq<'a, 'py>, ConvertError> {
        Ok(Seq { c: self, items: Vec::with_capacity(len.unwrap_or(0)) })
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq<'a, 'py>, ConvertError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Seq<'a, 'py>, ConvertError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Seq<'a, 'py>, ConvertError> {
        Err(ser::Error::custom(format!("`{name}::{variant}` has no Python form")))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Map<'a, 'py>, ConvertError> {
        let dict = PyDict::new(self.py);
        Ok(Map { c: self, dict, key: None })
    }
    fn serialize_struct(self, name: &'static str, len: usize) -> Result<Struct<'a, 'py>, ConvertError> {
        let class = self.class(name)?;
        Ok(Struct { c: self, class, fields: Vec::with_capacity(len) })
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Struct<'a, 'py>, ConvertError> {
        Err(ser::Error::custom(format!("`{name}::{variant}` has no Python form")))
    }
}

impl<'py> Seq<'_, 'py> {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ConvertError> {
        let v = value.serialize(&mut *self.c)?;
        self.items.push(v);
        Ok(())
    }
    fn tuple(self) -> Out<'py> {
        Ok(PyTuple::new(self.c.py, self.items)?.into_any())
    }
}

/// Sequences, tuples, tuple structs: a tuple of their elements.
macro_rules! seq_impl {
    ($($trait:ident::$method:ident),*) => {
        $(
            impl<'py> ser::$trait for Seq<'_, 'py> {
                type Ok = Bound<'py, PyAny>;
                type Error = ConvertError;
                fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ConvertError> {
                    self.push(value)
                }
                fn end(self) -> Out<'py> {
                    self.tuple()
                }
            }
        )*
    };
}

seq_impl!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl<'py> ser::SerializeMap for Map<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = ConvertError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), ConvertError> {
        self.key = Some(key.serialize(&mut *self.c)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ConvertError> {
        let key = self.key.take().ok_or_else(|| <ConvertError as ser::Error>::custom("a map value without a key"))?;
        let v = value.serialize(&mut *self.c)?;
        self.dict.set_item(key, v)?;
        Ok(())
    }
    fn end(self) -> Out<'py> {
        Ok(PyMappingProxy::new(self.c.py, self.dict.as_mapping()).into_any())
    }
}

impl<'py> Struct<'_, 'py> {
    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), ConvertError> {
        let v = value.serialize(&mut *self.c)?;
        let k = self.c.field(key);
        self.fields.push((k, v));
        Ok(())
    }
    /// A field serde leaves out (`skip_serializing_if`: only `None`s in the core's results).
    fn skipped(&mut self, key: &'static str) -> Result<(), ConvertError> {
        let k = self.c.field(key);
        self.fields.push((k, self.c.py.None().into_bound(self.c.py)));
        Ok(())
    }
    fn instance(self) -> Out<'py> {
        // Small structs (object references, rules of a policy) repeat; records with many fields
        // (findings) do not, and are not worth the lookup.
        let key = (self.fields.len() <= SHARED_FIELDS).then(|| {
            (self.class.as_ptr() as usize, self.fields.iter().map(|(_, v)| v.as_ptr() as usize).collect::<Vec<_>>())
        });
        if let Some(made) = key.as_ref().and_then(|k| self.c.instances.get(k)) {
            return Ok(made.clone());
        }
        let dict = PyDict::new(self.c.py);
        for (k, v) in self.fields {
            dict.set_item(k, v)?;
        }
        let inst = self.c.new.call1((&self.class,))?;
        self.c.setattr.call1((&inst, intern!(self.c.py, "__dict__"), dict))?;
        if let Some(k) = key {
            self.c.instances.insert(k, inst.clone());
        }
        Ok(inst)
    }
}

/// Structs (and struct variants, which the core's results do not have): an instance.
macro_rules! struct_impl {
    ($($trait:ident),*) => {
        $(
            impl<'py> ser::$trait for Struct<'_, 'py> {
                type Ok = Bound<'py, PyAny>;
                type Error = ConvertError;
                fn serialize_field<T: Serialize + ?Sized>(
                    &mut self,
                    key: &'static str,
                    value: &T,
                ) -> Result<(), ConvertError> {
                    self.field(key, value)
                }
                fn skip_field(&mut self, key: &'static str) -> Result<(), ConvertError> {
                    self.skipped(key)
                }
                fn end(self) -> Out<'py> {
                    self.instance()
                }
            }
        )*
    };
}

struct_impl!(SerializeStruct, SerializeStructVariant);

// ---- Python → Rust ------------------------------------------------------------------------------

/// Why a Python value is not a `T`, and where in it: `options.nope: unknown field ...`.
#[derive(Debug)]
pub struct FromPyError {
    path: Vec<String>,
    message: String,
}

impl fmt::Display for FromPyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.path.is_empty() {
            let mut path: Vec<&str> = self.path.iter().map(String::as_str).collect();
            path.reverse();
            write!(f, "`{}`: ", path.join("."))?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for FromPyError {}

impl de::Error for FromPyError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        FromPyError { path: Vec::new(), message: msg.to_string() }
    }
}

impl From<PyErr> for FromPyError {
    fn from(e: PyErr) -> Self {
        de::Error::custom(e)
    }
}

impl FromPyError {
    fn at(mut self, step: String) -> Self {
        self.path.push(step);
        self
    }
}

/// A `T` from Python values (see the module docs).
///
/// # Errors
/// What does not fit `T`, with its place.
pub fn from_py<'de, T: de::Deserialize<'de>>(value: &Bound<'_, PyAny>) -> Result<T, FromPyError> {
    T::deserialize(FromPy(value))
}

struct FromPy<'a, 'py>(&'a Bound<'py, PyAny>);

/// A `(key, value)` pair of a mapping.
type Item<'py> = (Bound<'py, PyAny>, Bound<'py, PyAny>);

/// What a Python value is, for messages ("invalid type: a list, expected a string").
fn unexpected<'v>(v: &Bound<'_, PyAny>, text: &'v mut String) -> Unexpected<'v> {
    if v.is_none() {
        Unexpected::Unit
    } else if let Ok(b) = v.cast::<PyBool>() {
        Unexpected::Bool(b.is_true())
    } else if v.is_instance_of::<PyInt>() {
        match v.extract::<i64>() {
            Ok(i) => Unexpected::Signed(i),
            Err(_) => Unexpected::Other("a large integer"),
        }
    } else if let Ok(f) = v.cast::<PyFloat>() {
        Unexpected::Float(f.value())
    } else if let Ok(s) = v.cast::<PyString>() {
        *text = s.to_string();
        Unexpected::Str(text)
    } else if v.is_instance_of::<PyList>() || v.is_instance_of::<PyTuple>() {
        Unexpected::Seq
    } else if v.cast::<PyMapping>().is_ok() {
        Unexpected::Map
    } else {
        *text = v.get_type().name().map(|n| format!("a `{n}`")).unwrap_or_else(|_| "an object".to_owned());
        Unexpected::Other(text)
    }
}

impl FromPy<'_, '_> {
    fn invalid<V>(&self, exp: &dyn de::Expected) -> Result<V, FromPyError> {
        let mut text = String::new();
        Err(de::Error::invalid_type(unexpected(self.0, &mut text), exp))
    }

    fn is_bool(&self) -> bool {
        self.0.is_instance_of::<PyBool>()
    }

    fn is_int(&self) -> bool {
        self.0.is_instance_of::<PyInt>() && !self.is_bool()
    }

    fn is_seq(&self) -> bool {
        self.0.is_instance_of::<PyList>() || self.0.is_instance_of::<PyTuple>()
    }

    fn items(&self) -> Result<Option<Vec<Item<'_>>>, FromPyError> {
        if let Ok(d) = self.0.cast::<PyDict>() {
            return Ok(Some(d.iter().collect()));
        }
        let Ok(m) = self.0.cast::<PyMapping>() else { return Ok(None) };
        let mut out = Vec::new();
        for item in m.items()?.iter() {
            let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
            out.push((k, v));
        }
        Ok(Some(out))
    }
}

macro_rules! int_method {
    ($method:ident, $visit:ident, $t:ty) => {
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FromPyError> {
            if !self.is_int() {
                return self.invalid(&visitor);
            }
            match self.0.extract::<$t>() {
                Ok(v) => visitor.$visit(v.into()),
                Err(_) => Err(de::Error::invalid_value(Unexpected::Other("an integer out of range"), &visitor)),
            }
        }
    };
}

impl<'de> de::Deserializer<'de> for FromPy<'_, '_> {
    type Error = FromPyError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FromPyError> {
        let v = self.0;
        if v.is_none() {
            visitor.visit_unit()
        } else if self.is_bool() {
            self.deserialize_bool(visitor)
        } else if self.is_int() {
            match v.extract::<i64>() {
                Ok(i) => visitor.visit_i64(i),
                Err(_) => self.deserialize_u64(visitor),
            }
        } else if v.is_instance_of::<PyFloat>() {
            self.deserialize_f64(visitor)
        } else if v.is_instance_of::<PyString>() {
            self.deserialize_string(visitor)
        } else if v.is_instance_of::<PyBytes>() || v.is_instance_of::<PyByteArray>() {
            self.deserialize_byte_buf(visitor)
        } else if self.is_seq() {
            self.deserialize_seq(visitor)
        } else if v.cast::<PyMapping>().is_ok() {
            self.deserialize_map(visitor)
        } else {
            self.invalid(&visitor)
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FromPyError> {
        match self.0.cast::<PyBool>() {
            Ok(b) => visitor.visit_bool(b.is_true()),
            Err(_) => self.invalid(&visitor),
        }
    }

    int_method!(deserialize_i8, visit_i8, i8);
    int_method!(deserialize_i16, visit_i16, i16);
    int_method!(deserialize_i32, visit_i32, i32);
    int_method!(deserialize_i64, visit_i64, i64);
    int_method!(deserialize_u8, visit_u8, u8);
    int_method!(deserialize_u16, visit_u16, u16);
    int_method!(deserialize_u32, visit_u32, u32);
    int_method!(deserialize_u64, visit_u64, u64);

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FromPyError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FromPyError> {
        if self.0.is_instance_of::<PyFloat>() || self.is_int() {
            visitor.visit_f64(self.0.extract::<f64>()?)
        } else {
            self.invalid(&visitor)
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FromPyError> {
        self.deserialize_string(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FromPyError> {
        self.deserialize_string(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FromPyError> {
        match self.0.cast::<PyString>() {
            Ok(s) => visitor.visit_string(s.to_cow()?.into_owned()),
            Err(_) => self.invalid(&visitor),
        }
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FromPyError> {
        self.deserialize_byte_buf(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FromPyError> {
        if let Ok(b) = self.0.cast::<PyBytes>() {
            visitor.visit_byte_buf(b.as_bytes().to_vec())
        } else if let Ok(b) = self.0.cast::<PyByteArray>() {
            visitor.visit_byte_buf(b.to_vec())
        } else {
            self.invalid(&visitor)
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FromPyError> {
        if self.0.is_none() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FromPyError> {
        if self.0.is_none() {
            visitor.visit_unit()
        } else {
            self.invalid(&visitor)
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, FromPyError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, FromPyError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FromPyError> {
        if !self.is_seq() {
            return self.invalid(&visitor);
        }
        let items: Vec<Bound<'_, PyAny>> = self.0.try_iter()?.collect::<PyResult<_>>()?;
        visitor.visit_seq(SeqAccess { items: items.into_iter(), index: 0 })
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, FromPyError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        visitor: V,
    ) -> Result<V::Value, FromPyError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FromPyError> {
        match self.items()? {
            Some(items) => visitor.visit_map(MapAccess { items: items.into_iter(), value: None }),
            None => self.invalid(&visitor),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, FromPyError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, FromPyError> {
        match self.0.cast::<PyString>() {
            Ok(s) => visitor.visit_enum(de::value::StringDeserializer::new(s.to_cow()?.into_owned())),
            Err(_) => self.invalid(&visitor),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FromPyError> {
        self.deserialize_string(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FromPyError> {
        visitor.visit_unit()
    }
}

struct SeqAccess<'py> {
    items: std::vec::IntoIter<Bound<'py, PyAny>>,
    index: usize,
}

impl<'de> de::SeqAccess<'de> for SeqAccess<'_> {
    type Error = FromPyError;
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, FromPyError> {
        let Some(item) = self.items.next() else { return Ok(None) };
        let i = self.index;
        self.index += 1;
        seed.deserialize(FromPy(&item)).map(Some).map_err(|e| e.at(format!("[{i}]")))
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct MapAccess<'py> {
    items: std::vec::IntoIter<Item<'py>>,
    value: Option<(String, Bound<'py, PyAny>)>,
}

impl<'de> de::MapAccess<'de> for MapAccess<'_> {
    type Error = FromPyError;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, FromPyError> {
        let Some((k, v)) = self.items.next() else { return Ok(None) };
        let Ok(key) = k.cast::<PyString>() else {
            let mut text = String::new();
            return Err(de::Error::invalid_type(unexpected(&k, &mut text), &"a string key"));
        };
        let key = key.to_cow()?.into_owned();
        let out = seed.deserialize(de::value::StrDeserializer::<FromPyError>::new(&key))?;
        self.value = Some((key, v));
        Ok(Some(out))
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, FromPyError> {
        let (key, value) =
            self.value.take().ok_or_else(|| <FromPyError as de::Error>::custom("a value without a key"))?;
        seed.deserialize(FromPy(&value)).map_err(|e| e.at(key))
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}
