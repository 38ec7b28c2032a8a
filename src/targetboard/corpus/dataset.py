"""A dataset folder on disk: batch part files, a manifest that says which parts are complete, a codebook.

Why parts and a manifest: a corpus run may take hours and may be killed at any moment (kill -9, a full
disk, a laptop lid). Each batch of documents is written as part files under a temporary name and
renamed into place (atomic on POSIX), items before documents, and only then is the batch added to
``manifest.json`` (also written to a temporary file and renamed). Readers go by the manifest, so a
killed run leaves exactly the batches it finished: never half a document. A resumed run deletes
part files the manifest does not list (the batch that was being written) and carries on.

Layout (``DATASET/``)::

    manifest.json                       format, schema version, the complete batches and their files
    documents/year=2022/part-000001.parquet   Parquet: partitioned by document year (Hive layout)
    items/year=2022/part-000001.parquet
    documents/part-000001.csv           CSV and Stata: one part per batch ...
    documents.csv, items.csv            ... and the whole table, rebuilt at the end of each run
    links.parquet (or .csv / .dta)      written by `corpus link`
    codebook.md, codebook.json          every column, its type and its values
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from targetboard import __version__
from targetboard.corpus.schema import (
    DOCUMENT_COLUMNS,
    FORMATS,
    LINK_COLUMNS,
    SCHEMA_VERSION,
    Column,
    arrow_schema,
    item_columns,
    type_name,
)

MANIFEST = "manifest.json"
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
_SUFFIX = {"parquet": ".parquet", "csv": ".csv", "dta": ".dta"}
#: Column names Stata reserves, and what they are called in .dta files (renamed back on reading).
STATA_NAMES = {"end": "_end"}
_FROM_STATA = {v: k for k, v in STATA_NAMES.items()}


class DatasetError(Exception):
    """A user-facing problem with a dataset folder (one line, names the folder)."""


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _tmp_for(path: Path) -> Path:
    return path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")


def to_table(rows: list[dict[str, Any]], columns: tuple[Column, ...]) -> pa.Table:
    """Rows (dicts) as an Arrow table with exactly these columns and types (missing keys are null)."""
    arrays = []
    for c in columns:
        values = [r.get(c.name) for r in rows]
        if pa.types.is_string(c.type):
            values = [v if v is None or isinstance(v, str) else str(v) for v in values]
        elif pa.types.is_floating(c.type):
            values = [None if v is None else float(v) for v in values]
        arrays.append(pa.array(values, type=c.type))
    return pa.Table.from_arrays(arrays, schema=arrow_schema(columns))


def _stata_frame(table: pa.Table) -> pd.DataFrame:
    """An Arrow table as a frame Stata 118 accepts: booleans as 0/1, strings as object, nullable ints as float."""
    df = table.to_pandas(types_mapper=None)
    for f in table.schema:
        col = df[f.name]
        if pa.types.is_boolean(f.type):
            df[f.name] = col.map(lambda v: None if v is None or v is pd.NA else int(bool(v))).astype("float64")
        elif pa.types.is_string(f.type):
            df[f.name] = col.astype(object).where(col.notna(), "")
        elif pa.types.is_integer(f.type):
            df[f.name] = col.astype("float64")
    return df.rename(columns=STATA_NAMES)


def write_table(table: pa.Table, path: Path, fmt: str, labels: dict[str, str] | None = None) -> None:
    """Write one table file atomically (temporary name, then rename) in the dataset's format."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_for(path)
    try:
        if fmt == "parquet":
            pq.write_table(table, tmp)
        elif fmt == "csv":
            with open(tmp, "wb") as f:
                f.write("\ufeff".encode())
                pacsv.write_csv(table, f, pacsv.WriteOptions(quoting_style="needed"))
        else:
            df = _stata_frame(table)
            strl = [c for c in df.columns
                    if df[c].dtype == object and df[c].map(lambda v: len(v.encode())).max() > 2000]
            df.to_stata(tmp, version=118, write_index=False, convert_strl=strl,
                        variable_labels={STATA_NAMES.get(k, k): v[:80] for k, v in (labels or {}).items()
                                         if k in df.columns})
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def read_table_file(path: Path, fmt: str) -> pa.Table:
    """One table file back into Arrow (CSV and Stata come back typed by the codebook's schema later)."""
    if fmt == "parquet":
        return pq.read_table(path)
    if fmt == "csv":
        return pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(strings_can_be_null=True))
    df = pd.read_stata(path, convert_categoricals=False).rename(columns=_FROM_STATA)
    return pa.Table.from_pandas(df, preserve_index=False)


class Dataset:
    """A dataset folder: its manifest, its part files, and the tables they add up to."""

    def __init__(self, root: Path, manifest: dict[str, Any]) -> None:
        self.root = root
        self.manifest = manifest

    # --- opening ------------------------------------------------------------------------------------
    @classmethod
    def open(cls, root: str | Path) -> Dataset:
        """An existing dataset; DatasetError when the folder has no manifest."""
        path = Path(root)
        mf = path / MANIFEST
        if not mf.is_file():
            raise DatasetError(f"{root}: not a targetboard dataset (no {MANIFEST})")
        try:
            manifest = json.loads(mf.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise DatasetError(f"{mf}: unreadable manifest ({e})") from e
        return cls(path, manifest)

    @classmethod
    def open_or_create(cls, root: str | Path, fmt: str | None) -> Dataset:
        """The dataset at `root`, created when absent; a different `fmt` than it has is a user error."""
        path = Path(root)
        if (path / MANIFEST).is_file():
            ds = cls.open(path)
            if fmt is not None and ds.format != fmt:
                raise DatasetError(f"{root}: dataset is in {ds.format} format, not {fmt} (use another --out)")
            ds.remove_orphans()
            return ds
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise DatasetError(f"{root}: exists and is not a targetboard dataset (choose a new or empty folder)")
        fmt = fmt or "parquet"
        if fmt not in FORMATS:
            raise DatasetError(f"{fmt}: unknown format (expected one of {', '.join(FORMATS)})")
        path.mkdir(parents=True, exist_ok=True)
        ds = cls(path, {"format": fmt, "schema_version": SCHEMA_VERSION, "created_by": f"targetboard {__version__}",
                        "batches": []})
        ds._save_manifest()
        return ds

    @property
    def format(self) -> str:
        return str(self.manifest["format"])

    @property
    def batches(self) -> list[dict[str, Any]]:
        return list(self.manifest["batches"])

    def _save_manifest(self) -> None:
        data = json.dumps(self.manifest, ensure_ascii=False, indent=1).encode("utf-8")
        _atomic_write_bytes(self.root / MANIFEST, data)

    def part_files(self, table: str) -> list[Path]:
        """The complete part files of `documents` or `items`, in batch order."""
        return [self.root / f for b in self.manifest["batches"] for f in b["files"] if f.startswith(table + "/")]

    def remove_orphans(self) -> None:
        """Delete part files and temporaries no complete batch lists (left by a killed run)."""
        listed = {self.root / f for b in self.manifest["batches"] for f in b["files"]}
        for table in ("documents", "items"):
            base = self.root / table
            if not base.is_dir():
                continue
            for f in base.rglob("*"):
                if f.is_file() and f not in listed:
                    f.unlink()
        for f in self.root.glob(".*.tmp"):
            f.unlink()

    # --- writing ------------------------------------------------------------------------------------
    def write_batch(self, documents: list[pa.Table], items: list[pa.Table]) -> None:
        """Write one batch atomically: item parts, document parts, then the manifest entry."""
        number = 1 + max((int(b["id"]) for b in self.manifest["batches"]), default=0)
        docs = pa.concat_tables(documents)
        its = _concat_items(items)
        files: list[str] = []
        for table, t in (("items", its), ("documents", docs)):
            if t.num_rows == 0:
                continue
            if self.format == "parquet":
                t = t.combine_chunks()  # one chunk per column: `take` on hundreds of small chunks is slow
                rows_of: dict[int | None, list[int]] = {}
                for i, y in enumerate(t.column("year").to_pylist()):
                    rows_of.setdefault(y, []).append(i)
                for year in sorted(rows_of, key=lambda y: (y is None, y or 0)):
                    part = t.take(pa.array(rows_of[year], pa.int64()))
                    rel = f"{table}/year={NULL_PARTITION if year is None else year}/part-{number:06d}.parquet"
                    write_table(part, self.root / rel, "parquet")
                    files.append(rel)
            else:
                rel = f"{table}/part-{number:06d}{_SUFFIX[self.format]}"
                cols = DOCUMENT_COLUMNS if table == "documents" else item_columns()
                write_table(t, self.root / rel, self.format, {c.name: c.description for c in cols})
                files.append(rel)
        self.manifest["batches"].append(
            {"id": number, "files": files, "documents": docs.num_rows, "items": its.num_rows}
        )
        self._save_manifest()

    # --- reading ------------------------------------------------------------------------------------
    def iter_tables(self, table: str, columns: list[str] | None = None) -> Iterator[pa.Table]:
        """The part tables of `documents` or `items`, one at a time (for bounded-memory scans)."""
        known = {c.name: c for c in (DOCUMENT_COLUMNS if table == "documents" else item_columns())}
        for f in self.part_files(table):
            t = read_table_file(f, self.format)
            if self.format != "parquet":
                t = _restore_types(t, known)
            if columns is not None:
                t = t.select([c for c in columns if c in t.column_names])
            yield t

    def read(self, table: str, columns: list[str] | None = None) -> pa.Table:
        """A whole table of the dataset, typed as the codebook says (CSV/Stata types are restored)."""
        if table == "links":
            return self._read_links()
        parts = list(self.iter_tables(table, columns))
        if not parts:
            cols = DOCUMENT_COLUMNS if table == "documents" else item_columns()
            schema = arrow_schema(cols)
            empty = schema.empty_table()
            return empty.select([c for c in columns if c in empty.column_names]) if columns else empty
        return pa.concat_tables(parts, promote_options="permissive")

    def _read_links(self) -> pa.Table:
        path = self.root / f"links{_SUFFIX[self.format]}"
        if not path.is_file():
            raise DatasetError(f"{self.root}: has no links yet (run `targetboard corpus link {self.root}`)")
        return _restore_types(read_table_file(path, self.format), {c.name: c for c in LINK_COLUMNS})

    def known_files(self) -> tuple[dict[str, str], set[tuple[str, str]]]:
        """What earlier runs recorded: sha256 -> document id (originals), and (path, sha256) pairs seen."""
        by_hash: dict[str, str] = {}
        seen: set[tuple[str, str]] = set()
        for t in self.iter_tables("documents", ["document_id", "path", "sha256", "duplicate_of"]):
            for d in t.to_pylist():
                if d["sha256"] is None:
                    continue
                seen.add((d["path"], d["sha256"]))
                if not d.get("duplicate_of"):
                    by_hash.setdefault(d["sha256"], d["document_id"])
        return by_hash, seen

    # --- whole-table exports and the codebook -------------------------------------------------------
    def write_combined(self) -> list[Path]:
        """CSV and Stata datasets: rebuild `documents.<ext>` and `items.<ext>` from the parts.

        CSV is concatenated as a stream (one header, one BOM); Stata needs the whole table in memory
        because a .dta file cannot be appended to (Stata itself loads whole files anyway).
        """
        if self.format == "parquet":
            return []
        written = []
        for table in ("documents", "items"):
            target = self.root / f"{table}{_SUFFIX[self.format]}"
            parts = self.part_files(table)
            if self.format == "csv":
                tmp = _tmp_for(target)
                with open(tmp, "wb") as out:
                    header: bytes | None = None
                    for i, p in enumerate(parts):
                        with open(p, "rb") as f:
                            first = f.readline()
                            if i == 0:
                                out.write(first)
                                header = first
                            elif first != header:
                                # A later batch found extra extractor fields: fall back to a typed rewrite.
                                out.close()
                                tmp.unlink()
                                write_table(self.read(table), target, "csv")
                                break
                            shutil.copyfileobj(f, out)
                    else:
                        if not parts:
                            cols = DOCUMENT_COLUMNS if table == "documents" else item_columns()
                            out.write(("\ufeff" + ",".join(f'"{c.name}"' for c in cols) + "\n").encode())
                if tmp.exists():
                    os.replace(tmp, target)
            else:
                cols = DOCUMENT_COLUMNS if table == "documents" else item_columns()
                write_table(self.read(table), target, "dta", {c.name: c.description for c in cols})
            written.append(target)
        return written

    def write_codebook(self) -> None:
        """codebook.json and codebook.md: every column of every table present, its type, meaning and values."""
        tables: dict[str, list[dict[str, Any]]] = {}
        counts: dict[str, int] = {}
        extras: set[str] = set()
        for f in self.part_files("items"):
            names = (pq.read_schema(f).names if self.format == "parquet"
                     else read_table_file(f, self.format).schema.names)
            extras |= set(names)
        item_cols = item_columns(sorted(extras - {c.name for c in item_columns()}))
        counts["documents"] = sum(int(b["documents"]) for b in self.manifest["batches"])
        counts["items"] = sum(int(b["items"]) for b in self.manifest["batches"])
        spec: list[tuple[str, tuple[Column, ...]]] = [("documents", DOCUMENT_COLUMNS), ("items", item_cols)]
        links = self.root / f"links{_SUFFIX[self.format]}"
        if links.is_file():
            spec.append(("links", LINK_COLUMNS))
            counts["links"] = pq.read_metadata(links).num_rows if self.format == "parquet" else len(
                read_table_file(links, self.format))
        for name, cols in spec:
            tables[name] = [
                {"name": c.name, "type": type_name(c.type), "description": c.description,
                 **({"values": list(c.values)} if c.values else {})}
                for c in cols
            ]
        book = {"dataset": self.root.name, "format": self.format, "schema_version": SCHEMA_VERSION,
                "rows": counts, "tables": tables}
        _atomic_write_bytes(self.root / "codebook.json",
                            json.dumps(book, ensure_ascii=False, indent=1).encode("utf-8"))
        _atomic_write_bytes(self.root / "codebook.md", _codebook_md(book).encode("utf-8"))


def _concat_items(tables: list[pa.Table]) -> pa.Table:
    """Item tables whose extra extractor fields differ, as one table in the codebook's column order."""
    names = {n for t in tables for n in t.column_names}
    cols = item_columns(sorted(names - {c.name for c in item_columns()}))
    schema = arrow_schema(cols)
    filled = []
    for t in tables:
        if t.schema.equals(schema):  # the usual case: cheap
            filled.append(t)
            continue
        for c in cols:
            if c.name not in t.column_names:
                t = t.append_column(pa.field(c.name, c.type), pa.array([None] * t.num_rows, type=c.type))
        filled.append(t.select(schema.names).cast(schema))
    return pa.concat_tables(filled) if filled else schema.empty_table()


def _restore_types(t: pa.Table, known: dict[str, Column]) -> pa.Table:
    """Cast columns read from CSV or Stata back to the codebook's types (all-null CSV columns read as null)."""
    cols = []
    for name in t.column_names:
        col = t.column(name)
        c = known.get(name)
        want = c.type if c else (pa.string() if pa.types.is_null(col.type) else col.type)
        if col.type != want:
            if pa.types.is_string(want) and not (pa.types.is_string(col.type) or pa.types.is_null(col.type)):
                col = pa.chunked_array([pa.array([None if v is None else str(v) for v in col.to_pylist()],
                                                 pa.string())])
            elif pa.types.is_boolean(want) and pa.types.is_floating(col.type):
                col = pa.chunked_array([pa.array([None if v is None or v != v else bool(v) for v in col.to_pylist()],
                                                 pa.bool_())])
            else:
                col = col.cast(want)
        if pa.types.is_string(want):
            # Stata has no missing strings: "" is read back as null.
            col = pa.chunked_array([pa.array([v or None for v in col.to_pylist()], pa.string())])
        cols.append(col)
    return pa.Table.from_arrays(cols, names=t.column_names)


def _codebook_md(book: dict[str, Any]) -> str:
    lines = [f"# Codebook: {book['dataset']}", "",
             f"Format: {book['format']}. Schema version {book['schema_version']}. Rows: "
             + ", ".join(f"{k} {v}" for k, v in book["rows"].items()) + ".", "",
             "Generated by `targetboard corpus`; see docs/research.md for how the tables are built and linked.", ""]
    for name, cols in book["tables"].items():
        lines += [f"## {name}", "", "| column | type | description | values |", "|---|---|---|---|"]
        for c in cols:
            vals = ", ".join(c.get("values", []))
            lines.append(f"| `{c['name']}` | {c['type']} | {c['description']} | {vals} |")
        lines.append("")
    return "\n".join(lines)


def write_links(ds: Dataset, rows: Iterable[dict[str, Any]]) -> Path:
    """Write the links table (whole, atomically) next to the other tables, then refresh the codebook."""
    path = ds.root / f"links{_SUFFIX[ds.format]}"
    write_table(to_table(list(rows), LINK_COLUMNS), path, ds.format, {c.name: c.description for c in LINK_COLUMNS})
    ds.write_codebook()
    return path
