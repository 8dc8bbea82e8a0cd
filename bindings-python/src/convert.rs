//! Values across the boundary: Rust results become the plain dicts and lists of
//! the CLI's `--json`, and Python's files and events become the core's inputs.
//!
//! Everything crosses as JSON data (`serde_json::Value`), so a result has exactly the
//! shape `--json` prints: a Rust tuple is a list, a unit or `None` is `None`. (pythonize
//! has no release for pyo3 0.30, and serde-pyobject turns JSON null into `()`.)

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple};
use renn_core::FileContent;
use serde::Serialize;
use serde_json::{Map, Number, Value};

/// A result as Python objects, shaped like its JSON.
pub fn to_py<'py, T: Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    let json = serde_json::to_value(value).map_err(|e| PyValueError::new_err(e.to_string()))?;
    json_to_py(py, &json)
}

fn json_to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => number_to_py(py, n)?,
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let items = items.iter().map(|v| json_to_py(py, v));
            PyList::new(py, items.collect::<PyResult<Vec<_>>>()?)?.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, json_to_py(py, v)?)?;
            }
            dict.into_any()
        }
    })
}

fn number_to_py<'py>(py: Python<'py>, n: &Number) -> PyResult<Bound<'py, PyAny>> {
    Ok(match (n.as_i64(), n.as_u64()) {
        (Some(i), _) => i.into_pyobject(py)?.into_any(),
        (None, Some(u)) => u.into_pyobject(py)?.into_any(),
        _ => n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any(),
    })
}

/// A Python value (an event) as JSON data; the core then says whether it is an event.
pub fn to_json(value: &Bound<'_, PyAny>) -> PyResult<Value> {
    if value.is_none() {
        Ok(Value::Null)
    } else if let Ok(b) = value.cast::<PyBool>() {
        // Before int: bool is a subclass of int in Python.
        Ok(Value::Bool(b.is_true()))
    } else if value.is_instance_of::<PyInt>() {
        int_to_json(value)
    } else if let Ok(f) = value.cast::<PyFloat>() {
        Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| PyValueError::new_err("NaN and infinities are not JSON numbers"))
    } else if value.is_instance_of::<PyString>() {
        Ok(Value::String(value.extract()?))
    } else if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        value.try_iter()?.map(|v| to_json(&v?)).collect()
    } else if let Ok(map) = value.cast::<PyMapping>() {
        mapping_to_json(map)
    } else {
        let kind = value.get_type().name()?;
        Err(PyTypeError::new_err(format!(
            "{kind} is not plain data (dict, list, str, int, float, bool or None)"
        )))
    }
}

fn int_to_json(value: &Bound<'_, PyAny>) -> PyResult<Value> {
    match value.extract::<i64>() {
        Ok(i) => Ok(Value::from(i)),
        Err(_) => Ok(Value::from(value.extract::<u64>()?)),
    }
}

fn mapping_to_json(map: &Bound<'_, PyMapping>) -> PyResult<Value> {
    let mut out = Map::new();
    for item in map.items()?.iter() {
        let (key, v): (String, Bound<'_, PyAny>) = item.extract()?;
        out.insert(key, to_json(&v)?);
    }
    Ok(Value::Object(out))
}

/// `files` of `Project.from_files`: any mapping of path to `str`, `bytes` or `None`.
pub fn files(files: &Bound<'_, PyAny>) -> PyResult<Vec<(String, FileContent)>> {
    let files = files.cast::<PyMapping>()?;
    let mut out = Vec::with_capacity(files.len()?);
    for item in files.items()?.iter() {
        let (path, value): (String, Bound<'_, PyAny>) = item.extract()?;
        let content = content(&path, &value)?;
        out.push((path, content));
    }
    Ok(out)
}

/// `str` is text, `bytes` are checked for UTF-8 by the core (so a bad byte gets a
/// line and column), `None` says the file exists without its content.
fn content(path: &str, value: &Bound<'_, PyAny>) -> PyResult<FileContent> {
    if value.is_none() {
        Ok(FileContent::Present)
    } else if value.is_instance_of::<PyString>() {
        Ok(FileContent::Text(value.extract()?))
    } else if let Ok(bytes) = value.cast::<PyBytes>() {
        Ok(FileContent::Bytes(bytes.as_bytes().to_vec()))
    } else {
        let kind = value.get_type().name()?;
        Err(PyTypeError::new_err(format!(
            "files['{path}'] is {kind}; expected str, bytes or None"
        )))
    }
}
