"""Stage 5, save: the output tables, written so a crash never costs finished work.

Work is written in *parts*: each chunk of articles becomes a folder
``DIR/.parts/<part>/`` holding its ``sentences``, ``articles`` and ``errors``
as Parquet. A part is written under a temporary name and renamed into place,
so it is either whole or absent; a run killed at any moment restarts from
the parts that exist. At the end the parts are streamed, one at a time, into
the final tables (``sentences.<fmt>`` ...), so memory stays flat however
large the corpus.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

PARTS_DIR = ".parts"
TABLES = ("sentences", "articles", "errors")
ENTITY_TYPE = pa.list_(pa.struct([("text", pa.string()), ("label", pa.string()),
                                  ("start", pa.int64()), ("end", pa.int64())]))
ERROR_COLUMNS = ("source", "error", "message")


def sentence_schema(labels: Sequence[str]) -> pa.Schema:
    """Columns of ``sentences.<fmt>``; one ``p_<label>`` per model label."""
    return pa.schema([
        ("article_id", pa.string()), ("sentence_index", pa.int64()), ("text", pa.string()),
        ("start_char", pa.int64()), ("end_char", pa.int64()), ("label", pa.string()),
        ("confidence", pa.float64()), *((f"p_{label}", pa.float64()) for label in labels),
        ("needs_review", pa.bool_()), ("speaker", pa.string()), ("entities", ENTITY_TYPE),
        ("speaker_role", pa.string()), ("target", pa.string()),
        ("rights_topics", pa.list_(pa.string())), ("trigger", pa.string()),
        ("trigger_start", pa.int64()), ("trigger_end", pa.int64()),
    ])


def article_schema(labels: Sequence[str]) -> pa.Schema:
    """Columns of ``articles.<fmt>``; one ``n_<label>`` count per model label."""
    return pa.schema([
        ("article_id", pa.string()), ("source", pa.string()), ("title", pa.string()),
        ("date", pa.string()), ("url", pa.string()), ("site", pa.string()),
        ("n_sentences", pa.int64()), *((f"n_{label}", pa.int64()) for label in labels),
        ("n_dropped_lines", pa.int64()),
    ])


def error_schema() -> pa.Schema:
    return pa.schema([(name, pa.string()) for name in ERROR_COLUMNS])


def schemas(labels: Sequence[str]) -> dict[str, pa.Schema]:
    return {"sentences": sentence_schema(labels), "articles": article_schema(labels),
            "errors": error_schema()}


def write_part(out: Path, name: str, tables: dict[str, pd.DataFrame],
               labels: Sequence[str]) -> Path:
    """Write one part atomically: a temporary folder renamed into place."""
    parts = Path(out) / PARTS_DIR
    final, temporary = parts / name, parts / f".tmp-{name}-{os.getpid()}"
    temporary.mkdir(parents=True, exist_ok=True)
    for kind, schema in schemas(labels).items():
        frame = tables.get(kind, pd.DataFrame(columns=schema.names))
        table = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
        pq.write_table(table, temporary / f"{kind}.parquet")
    os.replace(temporary, final)
    return final


def list_parts(out: Path) -> list[Path]:
    """Finished parts in the order they were written (names sort that way)."""
    parts = Path(out) / PARTS_DIR
    if not parts.is_dir():
        return []
    return sorted(p for p in parts.iterdir() if p.is_dir() and not p.name.startswith("."))


def remove_unfinished(out: Path) -> None:
    """Delete temporary part folders a killed run left behind."""
    for leftover in (Path(out) / PARTS_DIR).glob(".tmp-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def finished_keys(out: Path) -> tuple[set[str], set[tuple[str, str]]]:
    """Article ids and (source, error) pairs already recorded in parts."""
    done: set[str] = set()
    errors: set[tuple[str, str]] = set()
    for part in list_parts(out):
        done.update(pq.read_table(part / "articles.parquet", columns=["article_id"])
                    .column("article_id").to_pylist())
        table = pq.read_table(part / "errors.parquet", columns=["source", "error"])
        errors.update(zip(table.column("source").to_pylist(), table.column("error").to_pylist()))
    return done, errors


def finalize(out: Path, labels: Sequence[str], fmt: str) -> dict[str, int]:
    """Stream every part into ``<table>.<fmt>`` in DIR; return row counts."""
    counts = {}
    for kind, schema in schemas(labels).items():
        target = Path(out) / f"{kind}.{fmt}"
        temporary = target.with_name(f".{target.name}.tmp")
        counts[kind] = _write_table(_part_tables(out, kind, schema), temporary, schema, fmt)
        os.replace(temporary, target)
    return counts


def _part_tables(out: Path, kind: str, schema: pa.Schema) -> Iterator[pa.Table]:
    for part in list_parts(out):
        table = pq.read_table(part / f"{kind}.parquet")
        for name in schema.names:  # parts from an older version lack newer columns
            if name not in table.column_names:
                table = table.append_column(schema.field(name),
                                            _missing_column(schema.field(name), table.num_rows))
        if table.num_rows:
            yield table.select(schema.names).cast(schema)


def _missing_column(field: pa.Field, rows: int) -> pa.Array:
    """Empty values for a column an older part lacks: '' and [] where the
    column is text or a list (as new rows write them), null otherwise."""
    if pa.types.is_string(field.type):
        return pa.array([""] * rows, field.type)
    if pa.types.is_list(field.type):
        return pa.array([[]] * rows, field.type)
    return pa.nulls(rows, field.type)


def _write_table(tables: Iterator[pa.Table], path: Path, schema: pa.Schema, fmt: str) -> int:
    rows = 0
    if fmt == "parquet":
        with pq.ParquetWriter(path, schema) as writer:
            for table in tables:
                writer.write_table(table)
                rows += table.num_rows
            if rows == 0:
                writer.write_table(schema.empty_table())
        return rows
    with path.open("w", encoding="utf-8", newline="") as handle:
        if fmt == "csv":
            handle.write(",".join(schema.names) + "\n")
        for table in tables:
            frame = table.to_pandas(integer_object_nulls=True)  # no trigger: empty, not NaN
            rows += len(frame)
            if fmt == "csv":
                if "entities" in frame:
                    frame["entities"] = frame["entities"].map(_entities_json)
                if "rights_topics" in frame:
                    frame["rights_topics"] = frame["rights_topics"].map(_topics_json)
                frame.to_csv(handle, header=False, index=False)
            else:
                _write_jsonl(frame, handle)
    return rows


def _write_jsonl(frame: pd.DataFrame, handle) -> None:
    for record in frame.to_dict(orient="records"):
        if "entities" in record:
            record["entities"] = [dict(e) for e in record["entities"]]
        if "rights_topics" in record:
            record["rights_topics"] = _topic_list(record["rights_topics"])
        handle.write(json.dumps(record, ensure_ascii=False, default=_plain) + "\n")


def _topic_list(topics) -> list[str]:
    """A row's topics as plain strings ([] where a part had none)."""
    return [str(topic) for topic in topics if topic is not None] if topics is not None else []


def _topics_json(topics) -> str:
    return json.dumps(_topic_list(topics), ensure_ascii=False)


def _entities_json(entities) -> str:
    return json.dumps([dict(e) for e in entities], ensure_ascii=False, default=_plain)


def _plain(value):
    return value.item() if hasattr(value, "item") else str(value)


def write_manifest(out: Path, manifest: dict) -> Path:
    path = Path(out) / "manifest.json"
    temporary = path.with_name(".manifest.json.tmp")
    temporary.write_text(json.dumps(manifest, indent=2, ensure_ascii=False, default=str) + "\n")
    os.replace(temporary, path)
    return path


def read_table(out: str | Path, kind: str = "sentences") -> pd.DataFrame:
    """Load one table of a finished run, whichever format it was written in.

    A one-line helper for notebooks: ``read_table("data/processed")``.
    """
    out = Path(out)
    for fmt in ("parquet", "jsonl", "csv"):
        path = out / f"{kind}.{fmt}"
        if path.exists():
            if fmt == "parquet":
                return pd.read_parquet(path)
            if fmt == "jsonl":
                return pd.read_json(path, lines=True, dtype={"article_id": str})
            frame = pd.read_csv(path, dtype={"article_id": str}, keep_default_na=False)
            for column in ("entities", "rights_topics"):
                if column in frame:
                    frame[column] = frame[column].map(json.loads)
            for column in ("trigger_start", "trigger_end"):  # empty where no trigger
                if column in frame:
                    frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
            return frame
    raise FileNotFoundError(f"No {kind} table in {out} (looked for {kind}.parquet/.jsonl/.csv).")
