"""Results as plain data: a tagged JSON encoding for the assessment store.

The store (:mod:`targets.assess.store`) once kept results as pickles, and a
pickle planted at a store path runs whatever it names when it is read. This
codec writes and reads JSON only, so reading an entry can build nothing but
plain values:

* JSON's own ``str``, ``int``, finite ``float``, ``bool``, ``None`` and ``list``;
* tagged objects (``{"$": tag, ...}``) for tuples, dicts (keys of any encodable
  type, order kept), non-finite floats, numpy arrays and scalars (dtype, shape
  and base64 of the raw bytes; never the ``object`` dtype), ``pd.Timestamp``,
  ``NaT``, ``pd.Timedelta``, ``datetime.date``/``datetime``, ``pd.DataFrame``,
  ``pd.Series`` and ``pd.Index`` (dtypes, column order and index kept);
* the project's own result dataclasses and errors, only those named in
  :data:`DATACLASSES` and :data:`ERRORS`, rebuilt from their field values.

Anything else raises :class:`CodecError` on encoding (the caller then computes
without storing: nothing is silently lost). On decoding, an unknown tag or
class, a malformed document or a wrong structure raises :class:`CodecError`.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import importlib
import json
import math
from typing import Any

import numpy as np
import pandas as pd

#: Result classes that may be stored, by qualified name (module, class).
DATACLASSES: frozenset[str] = frozenset(
    {
        "targets.assess.base.Assessment",
        "targets.assess.calibration.Calibrated",
        "targets.counts.goal.CountDetail",
        "targets.sources.goals.Goal",
        "targets.sources.goals.SeriesRef",
        "targets.sources.goals.Proxy",
        "targets.sources.goals.Ceiling",
        "targets.sources.goals.Source",
        "targets.sources.countspec.CountSpec",
        "targets.sources.countspec.EvidenceSpec",
    }
)
#: Errors that may be stored (a computation's :class:`targets.errors.TargetsError`).
ERRORS: frozenset[str] = frozenset(
    {
        "targets.errors.TargetsError",
        "targets.errors.DataError",
        "targets.errors.GoalError",
        "targets.errors.ForecastError",
        "targets.errors.NotFittedError",
    }
)
#: numpy dtype kinds stored as raw bytes: bool, integers, floats, complex, datetimes, text.
_RAW_KINDS = frozenset("biufcmMU")
_TAG = "$"
#: pandas' nullable dtypes, stored as their values and a mask of what is missing.
_MASKED = frozenset(
    {"boolean", "Float32", "Float64"} | {f"{s}Int{n}" for s in ("", "U") for n in (8, 16, 32, 64)}
)


class CodecError(ValueError):
    """A value cannot be encoded, or a document is not one this codec wrote."""


def dumps(value: Any) -> str:
    """Encode ``value`` as a JSON document.

    Raises
    ------
    CodecError
        Naming the first value of a type the codec does not store.
    """
    return json.dumps(encode(value), allow_nan=False, separators=(",", ":"))


def loads(text: str | bytes) -> Any:
    """Decode a document written by :func:`dumps`.

    Raises
    ------
    CodecError
        For malformed JSON, an unknown tag or class, or a wrong structure.
    """
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise CodecError(f"not a JSON document: {exc}") from None
    try:
        return decode(doc)
    except CodecError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError) as exc:
        raise CodecError(f"malformed document: {type(exc).__name__}: {exc}") from None


def _qualname(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


# --- encoding -------------------------------------------------------------------------------


def encode(value: Any) -> Any:
    """The JSON-ready form of ``value`` (see the module docstring for what is stored)."""
    kind = type(value)
    if value is None or kind in (str, bool, int):
        return value
    if kind is float:
        return value if math.isfinite(value) else {_TAG: "float", "v": repr(value)}
    if kind is list:
        return [encode(v) for v in value]
    if kind is tuple:
        return {_TAG: "tuple", "items": [encode(v) for v in value]}
    if kind is dict:
        return {_TAG: "dict", "items": [[encode(k), encode(v)] for k, v in value.items()]}
    if value is pd.NaT:
        return {_TAG: "nat"}
    if value is pd.NA:
        return {_TAG: "na"}
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        # An ISO offset would come back as a fixed offset, not the named zone.
        raise CodecError(f"cannot store a time-zone-aware {kind.__name__}")
    if isinstance(value, np.generic):
        return _encode_scalar(value)
    if kind is np.ndarray:
        return _encode_array(value)
    if kind is pd.Timestamp:
        return {_TAG: "timestamp", "v": value.isoformat(), "unit": value.unit}
    if kind is pd.Timedelta:
        return {_TAG: "timedelta", "v": int(value.as_unit("ns").value)}
    if kind is dt.datetime:
        return {_TAG: "datetime", "v": value.isoformat()}
    if kind is dt.date:
        return {_TAG: "date", "v": value.isoformat()}
    if kind is pd.DataFrame:
        return _encode_frame(value)
    if kind is pd.Series:
        return _encode_series(value)
    if isinstance(value, pd.Index):
        return _encode_index(value)
    if dataclasses.is_dataclass(value) and _qualname(kind) in DATACLASSES:
        fields = [f for f in dataclasses.fields(value) if f.init]
        items = [[f.name, encode(getattr(value, f.name))] for f in fields]
        return {_TAG: "dataclass", "class": _qualname(kind), "fields": items}
    if isinstance(value, BaseException) and _qualname(kind) in ERRORS:
        if not all(type(a) is str for a in value.args):
            raise CodecError(f"cannot store {_qualname(kind)} with non-text arguments")
        return {_TAG: "error", "class": _qualname(kind), "args": list(value.args)}
    raise CodecError(f"cannot store a value of type {_qualname(kind)}")


def _encode_scalar(value: np.generic) -> dict:
    arr = _encode_array(np.asarray(value))
    return {_TAG: "npscalar", "dtype": arr["dtype"], "data": arr["data"]}


def _encode_array(arr: np.ndarray) -> dict:
    if arr.dtype.kind not in _RAW_KINDS or arr.dtype.fields is not None:
        raise CodecError(f"cannot store a numpy array of dtype {arr.dtype}")
    data = base64.b64encode(np.ascontiguousarray(arr).tobytes()).decode("ascii")
    return {_TAG: "ndarray", "dtype": arr.dtype.str, "shape": list(arr.shape), "data": data}


def _encode_values(values: Any) -> dict:
    """A column's (or an index's) values with their dtype."""
    dtype = values.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in _RAW_KINDS:
        return {"kind": "array", "array": _encode_array(np.asarray(values))}
    items = [encode(v) for v in values]
    if isinstance(dtype, np.dtype) and dtype.kind == "O":
        return {"kind": "object", "items": items}
    if isinstance(dtype, pd.StringDtype):
        nan = dtype.na_value is not pd.NA
        return {"kind": "string", "storage": dtype.storage, "nan": nan, "items": items}
    if str(dtype) in _MASKED:
        mask = np.asarray(values.isna(), dtype=bool)
        data = values.to_numpy(dtype=dtype.numpy_dtype, na_value=dtype.numpy_dtype.type(0))
        return {
            "kind": "masked",
            "dtype": str(dtype),
            "data": _encode_array(data),
            "mask": _encode_array(mask),
        }
    if isinstance(dtype, pd.CategoricalDtype):
        cats = _encode_values(dtype.categories)
        return {"kind": "category", "ordered": bool(dtype.ordered), "cats": cats, "items": items}
    raise CodecError(f"cannot store a column of dtype {dtype}")


def _encode_index(index: pd.Index) -> dict:
    if type(index) is pd.RangeIndex:
        span = [index.start, index.stop, index.step]
        return {_TAG: "range", "span": span, "name": encode(index.name)}
    if type(index) is pd.MultiIndex:
        raise CodecError("cannot store a MultiIndex")
    return {_TAG: "index", "values": _encode_values(index), "name": encode(index.name)}


def _encode_series(s: pd.Series) -> dict:
    return {
        _TAG: "series",
        "name": encode(s.name),
        "values": _encode_values(s.array if not isinstance(s.dtype, np.dtype) else s.to_numpy()),
        "index": _encode_index(s.index),
    }


def _encode_frame(df: pd.DataFrame) -> dict:
    if df.attrs:
        raise CodecError("cannot store a DataFrame with attrs")
    columns = []
    for i in range(df.shape[1]):
        col = df.iloc[:, i]
        values = col.array if not isinstance(col.dtype, np.dtype) else col.to_numpy()
        columns.append(_encode_values(values))
    return {
        _TAG: "frame",
        "columns": _encode_index(df.columns),
        "index": _encode_index(df.index),
        "data": columns,
    }


# --- decoding -------------------------------------------------------------------------------


def decode(doc: Any) -> Any:
    """The value a JSON-ready form (from :func:`encode`) stands for.

    Raises
    ------
    CodecError
        For an unknown tag or class or a wrong structure.
    """
    kind = type(doc)
    if doc is None or kind in (str, bool, int, float):
        return doc
    if kind is list:
        return [decode(v) for v in doc]
    if kind is not dict or type(doc.get(_TAG)) is not str:
        raise CodecError(f"unexpected {kind.__name__} in a stored document")
    handler = _DECODERS.get(doc[_TAG])
    if handler is None:
        raise CodecError(f"unknown tag {doc[_TAG]!r:.40} in a stored document")
    return handler(doc)


def _decode_float(doc: dict) -> float:
    if doc["v"] not in ("nan", "inf", "-inf"):
        raise CodecError(f"not a non-finite float: {doc['v']!r:.40}")
    return float(doc["v"])


def _decode_dict(doc: dict) -> dict:
    return {decode(k): decode(v) for k, v in _pairs(doc["items"])}


def _pairs(items: Any) -> list:
    if type(items) is not list or not all(type(p) is list and len(p) == 2 for p in items):
        raise CodecError("dict items must be [key, value] pairs")
    return items


def _dtype(text: Any) -> np.dtype:
    if type(text) is not str:
        raise CodecError("a dtype must be text")
    dtype = np.dtype(text)
    if dtype.kind not in _RAW_KINDS or dtype.fields is not None:
        raise CodecError(f"refused dtype {text!r:.40}")
    return dtype


def _decode_array(doc: dict) -> np.ndarray:
    dtype = _dtype(doc["dtype"])
    shape = doc["shape"]
    if type(shape) is not list or not all(type(n) is int and n >= 0 for n in shape):
        raise CodecError("an array's shape must be a list of sizes")
    raw = base64.b64decode(doc["data"], validate=True)
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


def _decode_scalar(doc: dict) -> np.generic:
    raw = base64.b64decode(doc["data"], validate=True)
    (value,) = np.frombuffer(raw, dtype=_dtype(doc["dtype"]))
    return value


def _decode_timestamp(doc: dict) -> pd.Timestamp:
    return pd.Timestamp(str(doc["v"])).as_unit(str(doc["unit"]))


def _decode_values(doc: Any) -> Any:
    if type(doc) is not dict:
        raise CodecError("column values must be a mapping")
    kind = doc["kind"]
    if kind == "array":
        if type(doc["array"]) is not dict or doc["array"].get(_TAG) != "ndarray":
            raise CodecError("an array column must hold an array")
        return _decode_array(doc["array"])
    if kind == "masked":
        if doc["dtype"] not in _MASKED:
            raise CodecError(f"refused dtype {doc['dtype']!r:.40}")
        dtype = pd.api.types.pandas_dtype(doc["dtype"])
        data, mask = _decode_array(doc["data"]), _decode_array(doc["mask"])
        if data.dtype != dtype.numpy_dtype or mask.dtype != bool or data.shape != mask.shape:
            raise CodecError("a masked column needs values and a mask of one shape")
        return dtype.construct_array_type()(data, mask)
    items = _decode_list(doc["items"])
    if kind == "object":
        out = np.empty(len(items), dtype=object)
        out[:] = items
        return out
    if kind == "string":
        na = np.nan if doc["nan"] is True else pd.NA
        dtype = pd.StringDtype(storage=str(doc["storage"]), na_value=na)
        return pd.array(items, dtype=dtype)
    if kind == "category":
        cats = pd.Index(_decode_values(doc["cats"]))
        dtype = pd.CategoricalDtype(cats, ordered=doc["ordered"] is True)
        return pd.Categorical(items, dtype=dtype)
    raise CodecError(f"unknown column kind {kind!r:.40}")


def _decode_list(items: Any) -> list:
    if type(items) is not list:
        raise CodecError("items must be a list")
    return [decode(v) for v in items]


def _decode_index(doc: Any) -> pd.Index:
    if type(doc) is not dict or doc.get(_TAG) not in ("range", "index"):
        raise CodecError("an index must be a range or an index")
    name = decode(doc["name"])
    if doc[_TAG] == "range":
        start, stop, step = doc["span"]
        if not all(type(n) is int for n in (start, stop, step)):
            raise CodecError("a range index needs integer bounds")
        return pd.RangeIndex(start, stop, step, name=name)
    values = _decode_values(doc["values"])
    return pd.Index(values, dtype=values.dtype, name=name, copy=False)


def _decode_series(doc: dict) -> pd.Series:
    values = _decode_values(doc["values"])
    index = _decode_index(doc["index"])
    return pd.Series(values, index=index, name=decode(doc["name"]), dtype=values.dtype, copy=False)


def _decode_frame(doc: dict) -> pd.DataFrame:
    columns = _decode_index(doc["columns"])
    index = _decode_index(doc["index"])
    data = doc["data"]
    if type(data) is not list or len(data) != len(columns):
        raise CodecError("a frame needs one value list per column")
    arrays = [_decode_values(c) for c in data]
    if any(len(a) != len(index) for a in arrays):
        raise CodecError("a frame's columns must be as long as its index")
    frame = pd.DataFrame(
        {i: pd.Series(a, index=index, dtype=a.dtype, copy=False) for i, a in enumerate(arrays)},
        index=index,
    )
    frame.columns = columns
    return frame


def _resolve(name: Any, allowed: frozenset[str]) -> type:
    if type(name) is not str or name not in allowed:
        raise CodecError(f"class {name!r:.80} is not one the store may rebuild")
    module, _, attr = name.rpartition(".")
    return getattr(importlib.import_module(module), attr)


def _decode_dataclass(doc: dict) -> Any:
    cls = _resolve(doc["class"], DATACLASSES)
    fields = {f.name for f in dataclasses.fields(cls) if f.init}
    values = {}
    for name, value in _pairs(doc["fields"]):
        if name not in fields:
            raise CodecError(f"{doc['class']} has no field {name!r:.40}")
        values[name] = decode(value)
    return cls(**values)


def _decode_error(doc: dict) -> BaseException:
    cls = _resolve(doc["class"], ERRORS)
    args = doc["args"]
    if type(args) is not list or not all(type(a) is str for a in args):
        raise CodecError("an error's arguments must be text")
    return cls(*args)


_DECODERS = {
    "float": _decode_float,
    "tuple": lambda d: tuple(_decode_list(d["items"])),
    "dict": _decode_dict,
    "nat": lambda d: pd.NaT,
    "na": lambda d: pd.NA,
    "npscalar": _decode_scalar,
    "ndarray": _decode_array,
    "timestamp": _decode_timestamp,
    "timedelta": lambda d: pd.Timedelta(int(d["v"]), unit="ns"),
    "datetime": lambda d: dt.datetime.fromisoformat(str(d["v"])),
    "date": lambda d: dt.date.fromisoformat(str(d["v"])),
    "frame": _decode_frame,
    "series": _decode_series,
    "range": _decode_index,
    "index": _decode_index,
    "dataclass": _decode_dataclass,
    "error": _decode_error,
}
