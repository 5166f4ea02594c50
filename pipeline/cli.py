"""The `claims` command. Each sub-command parses arguments and calls one
library function; notebooks and tests call the same functions.

Exit status: 0 when all went well, 2 when some inputs were rejected (the
rest still written), 1 on a fatal error. Errors are one line on stderr.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from . import __version__, config

EXPECTED_ERRORS: tuple[type[Exception], ...] = (OSError, ValueError, RuntimeError)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        print("claims: interrupted; run the same command again to resume.", file=sys.stderr)
        return 130
    except EXPECTED_ERRORS as err:
        print(f"claims {args.command}: error: {err}", file=sys.stderr)
        return 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="claims", description="Extract rights claims, denials and cooperation pledges "
                                   "from news articles.")
    parser.add_argument("--version", action="version", version=f"claims {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    _add_run(commands)
    _add_clean(commands)
    _add_classify(commands)
    _add_train(commands)
    _add_evaluate(commands)
    _add_sample(commands)
    return parser


def _add_run(commands) -> None:
    cmd = commands.add_parser("run", help="run the whole pipeline over files and folders")
    cmd.add_argument("inputs", nargs="+", metavar="INPUT",
                     help=".txt, .html, .jsonl, .csv files or folders of them")
    cmd.add_argument("--out", required=True, type=Path, help="output folder")
    cmd.add_argument("--format", default=config.DEFAULT_FORMAT, choices=config.FORMATS)
    cmd.add_argument("--model", type=Path, default=None, help="classifier folder")
    cmd.add_argument("--spacy-model", default=None, help="spaCy pipeline name or path")
    cmd.add_argument("--workers", type=int, default=None,
                     help="parallel processes (default 1; with --engine dask, one per core)")
    cmd.add_argument("--engine", default="local", choices=("local", "dask"),
                     help="where chunks are parsed: this machine, or a Dask cluster")
    cmd.add_argument("--scheduler", default=None, metavar="ADDRESS",
                     help="Dask scheduler to use (tcp://HOST:8786); default: a local cluster")
    cmd.add_argument("--limit", "--sample", dest="limit", type=int, default=None,
                     help="only the first N articles (a pilot run)")
    cmd.add_argument("--review-threshold", type=float, default=config.REVIEW_THRESHOLD,
                     help="flag sentences whose top probability is below this")
    cmd.add_argument("--chunk-size", type=int, default=config.CHUNK_SIZE,
                     help="articles per part file, the unit of resume")
    cmd.add_argument("--overwrite", action="store_true", help="start afresh, do not resume")
    cmd.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    cmd.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from .run.runner import run

    options = {"fmt": args.format, "model_path": args.model, "spacy_model": args.spacy_model,
               "limit": args.limit, "overwrite": args.overwrite,
               "review_threshold": args.review_threshold, "chunk_size": args.chunk_size,
               "progress": not args.quiet and sys.stderr.isatty()}
    if args.engine == "dask":
        from .run.distributed import run_dask

        summary = run_dask(args.inputs, args.out, scheduler=args.scheduler,
                           workers=args.workers, **options)
    elif args.scheduler:
        raise ValueError("--scheduler needs --engine dask.")
    else:
        summary = run(args.inputs, args.out, workers=1 if args.workers is None else args.workers,
                      **options)
    if not args.quiet:
        print(summary.line(), file=sys.stderr)
        if summary.errors:
            print(f"{summary.errors} inputs were rejected: see {args.out}/errors.{args.format}",
                  file=sys.stderr)
    return summary.exit_code


def _add_clean(commands) -> None:
    cmd = commands.add_parser("clean", help="print one page's cleaned title and body")
    cmd.add_argument("file", type=Path)
    cmd.add_argument("--json", action="store_true",
                     help="every line with kept/dropped and the reason")
    cmd.set_defaults(handler=_clean)


def _clean(args: argparse.Namespace) -> int:
    from .run.chunk import clean_article
    from .run.read import ReadError, read_file

    status = 0
    for record in read_file(args.file):
        if isinstance(record, ReadError):
            print(f"claims clean: error: {record.message}", file=sys.stderr)
            status = 2
            continue
        cleaned = clean_article(record)
        if args.json:
            print(json.dumps({
                "source": record.source, "title": cleaned.title, "date": cleaned.date,
                "paragraphs": list(cleaned.paragraphs), "dropped": cleaned.dropped_counts,
                "lines": [{"line": line.index, "kept": line.kept, "reason": line.reason,
                           "text": line.text} for line in cleaned.lines],
            }, ensure_ascii=False, indent=2))
        else:
            print(cleaned.text)
    return status


def _add_classify(commands) -> None:
    cmd = commands.add_parser("classify", help="label sentences as given (no cleaning)")
    cmd.add_argument("sentences", nargs="*", metavar="SENTENCE")
    cmd.add_argument("--input", type=Path, help="CSV, JSONL or Parquet of sentences")
    cmd.add_argument("--text-column", default="text")
    cmd.add_argument("--out", type=Path, help="write CSV/JSONL/Parquet here (by suffix)")
    cmd.add_argument("--model", type=Path, default=None)
    cmd.set_defaults(handler=_classify)


def _classify(args: argparse.Namespace) -> int:
    from .classify.model import load_model, predict_table

    if args.input:
        frame = _read_frame(args.input)
        if args.text_column not in frame:
            raise ValueError(f"{args.input}: no column {args.text_column!r}; columns are "
                             f"{list(frame.columns)}. Name the right one with --text-column.")
    elif args.sentences:
        frame = pd.DataFrame({args.text_column: args.sentences})
    else:
        raise ValueError("give sentences as arguments or a file with --input.")
    model, _ = load_model(args.model)
    texts = frame[args.text_column].fillna("").astype(str).tolist()
    labeled = pd.concat([frame.reset_index(drop=True), predict_table(model, texts)], axis=1)
    if args.out:
        _write_frame(labeled, args.out)
    elif args.input:
        labeled.to_csv(sys.stdout, index=False)
    else:
        for _, row in labeled.iterrows():
            print(f"{row['label']}\t{row['confidence']:.2f}\t{row[args.text_column]}")
    return 0


def _add_train(commands) -> None:
    cmd = commands.add_parser("train", help="train a classifier on labeled sentences")
    cmd.add_argument("data", nargs="+", type=Path, help="CSV/JSONL files or folders (text,label)")
    cmd.add_argument("--out", required=True, type=Path, help="model folder to write")
    cmd.add_argument("--base", action="store_true",
                     help="add the shipped training data (data/labeled) to yours")
    cmd.add_argument("--user-weight", type=float, default=config.USER_WEIGHT,
                     help="with --base, how many shipped sentences one of yours counts as "
                          f"(default {config.USER_WEIGHT:g})")
    cmd.add_argument("--text-column", default="text")
    cmd.add_argument("--label-column", default="label")
    cmd.add_argument("--no-cv", action="store_true", help="skip cross-validation (faster)")
    cmd.add_argument("--overwrite", action="store_true", help="replace an existing model folder")
    cmd.set_defaults(handler=_train)


def _train(args: argparse.Namespace) -> int:
    from .classify.train import format_report, read_labeled, train_and_save

    if args.out.exists() and any(args.out.iterdir()) and not args.overwrite:
        raise ValueError(f"{args.out} already holds files; pass --overwrite to replace them.")
    if args.user_weight <= 0:
        raise ValueError(f"The 'user-weight' option must be above 0. Got {args.user_weight} "
                         "instead.")
    weight = args.user_weight if args.base else 1.0
    data = read_labeled(args.data, text_column=args.text_column, label_column=args.label_column,
                        weight=weight)
    if args.base:
        data = pd.concat([data, read_labeled([config.LABELED_DATA_DIR])], ignore_index=True)
    card = train_and_save(data, args.out, cv=not args.no_cv)
    print(f"trained on {card['training_data']['n_train']} sentences, "
          f"held out {card['training_data']['n_holdout']}; labels {', '.join(card['labels'])}")
    if "cross_validation" in card:
        print(f"cross-validated macro-F1 (training part): "
              f"{card['cross_validation']['macro_f1']:.3f}")
    print("holdout:\n" + format_report(card["holdout"]))
    print(f"model written to {args.out}")
    return 0


def _add_evaluate(commands) -> None:
    cmd = commands.add_parser("evaluate", help="score a model on labeled sentences")
    cmd.add_argument("data", type=Path, help="CSV/JSONL with text,label")
    cmd.add_argument("--model", type=Path, default=None)
    cmd.add_argument("--text-column", default="text")
    cmd.add_argument("--label-column", default="label")
    cmd.add_argument("--json", action="store_true", help="print the report as JSON")
    cmd.add_argument("--learning-curve", type=Path, default=None, metavar="TRAIN_DATA",
                     help="also report macro-F1 when training on growing shares of this data")
    cmd.set_defaults(handler=_evaluate)


def _evaluate(args: argparse.Namespace) -> int:
    from .classify.model import load_model
    from .classify.train import evaluate_model, format_report, learning_curve, read_labeled

    model, _ = load_model(args.model)
    data = read_labeled([args.data], text_column=args.text_column,
                        label_column=args.label_column)
    report = evaluate_model(model, data)
    if args.learning_curve:
        curve = learning_curve(read_labeled([args.learning_curve]), data)
        report["learning_curve"] = curve.to_dict(orient="records")
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(format_report(report))
        if args.learning_curve:
            print(pd.DataFrame(report["learning_curve"]).to_string(index=False))
    return 0


def _add_sample(commands) -> None:
    cmd = commands.add_parser("sample", help="pick sentences of a run for a person to label")
    cmd.add_argument("run_dir", type=Path, help="a `claims run` output folder")
    cmd.add_argument("--n", type=int, default=200)
    cmd.add_argument("--strategy", default="uncertain", choices=("uncertain", "random",
                                                                 "per-label"))
    cmd.add_argument("--out", type=Path, default=Path("to_label.csv"))
    cmd.set_defaults(handler=_sample)


def _sample(args: argparse.Namespace) -> int:
    from .classify.train import sample_for_labeling
    from .run.save import read_table

    picked = sample_for_labeling(read_table(args.run_dir), n=args.n, strategy=args.strategy)
    picked.to_csv(args.out, index=False)
    print(f"{len(picked)} sentences written to {args.out}: fill in the 'label' column, "
          f"then `claims train {args.out} --base --out MODEL`.")
    return 0


def _read_frame(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file.")
    if path.suffix == ".jsonl":
        return pd.read_json(path, lines=True)
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    return pd.read_csv(path)


def _write_frame(frame: pd.DataFrame, path: Path) -> None:
    if path.suffix == ".jsonl":
        frame.to_json(path, orient="records", lines=True, force_ascii=False)
    elif path.suffix == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False)
