#!/usr/bin/env python3
"""Summarises one `inferfoundry benchmark --output` file per corpus model as a table: model, runtime, status,
check verdict, median ms, and the reason of anything not ok. Standard library only (it runs on the GPU
machine too).

usage: summarize_results.py RESULTS_DIR [--table corpus.tsv] [--markdown] [--require-ok] [MODEL ...]
  RESULTS_DIR  holds MODEL.json per model (and MODEL.rc, the benchmark's exit status, when the caller kept it)
  --require-ok exit 1 unless every model has a results file that parses and every row is ok with no failed check
"""
import argparse
import json
import pathlib
import sys

DEFAULT_TABLE = pathlib.Path(__file__).resolve().parent / "corpus.tsv"


def corpus_names(table):
    names = []
    for line in table.read_text().splitlines():
        if not line or line.startswith("#") or line.startswith("name\t"):
            continue
        names.append(line.split("\t")[0])
    return names


def check_verdict(result, reference):
    if result.get("runtime") == reference:
        return "ref"
    accuracy = result.get("accuracy")
    if not accuracy:
        return "-"
    return "passed" if accuracy.get("passed") else "FAILED"


def first_failed_output(result):
    """The worst output of a failed check, so the table says how far off it was."""
    accuracy = result.get("accuracy") or {}
    for output in accuracy.get("outputs") or []:
        if not output.get("passed", True):
            return (f"{output.get('name')}: cosine {output.get('cosine_similarity', float('nan')):.4g}, "
                    f"{output.get('mismatches')}/{output.get('elements')} off, "
                    f"max abs {output.get('max_abs_error', float('nan')):.3g}")
    return ""


def rows_for(model, results_dir):
    """Table rows of one model, and whether all of them are fine."""
    path = results_dir / f"{model}.json"
    rc_path = results_dir / f"{model}.rc"
    exit_status = rc_path.read_text().strip() if rc_path.exists() else "?"
    if not path.exists():
        return [(model, "-", "no results file", "-", "-", f"benchmark exit status {exit_status}")], False
    try:
        document = json.loads(path.read_text())
        results = document["results"]
        reference = (document.get("config", {}).get("check") or {}).get("reference")
    except (ValueError, KeyError, TypeError) as error:
        return [(model, "-", "unreadable results", "-", "-", str(error))], False
    rows, fine = [], True
    for result in results:
        status = result.get("status", "?")
        verdict = check_verdict(result, reference)
        median = result.get("latency_ms")
        note = result.get("error", "") if status != "ok" else first_failed_output(result)
        fine = fine and status == "ok" and verdict != "FAILED"
        rows.append((model, result.get("runtime", "?"), status, verdict,
                     f"{median:.3f}" if isinstance(median, (int, float)) else "-", " ".join(note.split())[:160]))
    if exit_status not in ("0", "?"):
        rows.append((model, "-", f"exit status {exit_status}", "-", "-", "benchmark did not exit 0"))
        fine = False
    return rows, fine and bool(results)


def print_table(rows, markdown):
    header = ("model", "runtime", "status", "check", "median ms", "note")
    if markdown:
        print("| " + " | ".join(header) + " |")
        print("| " + " | ".join("---" for _ in header) + " |")
        for row in rows:
            print("| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |")
        return
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header) - 1)]
    for row in [header, *rows]:
        cells = [str(cell).ljust(width) for cell, width in zip(row, widths)]
        print("  ".join(cells + [str(row[-1])]).rstrip())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("results_dir", type=pathlib.Path)
    parser.add_argument("models", nargs="*")
    parser.add_argument("--table", type=pathlib.Path, default=DEFAULT_TABLE)
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--require-ok", action="store_true")
    args = parser.parse_args()
    models = args.models or corpus_names(args.table)
    all_rows, bad_models = [], []
    for model in models:
        rows, fine = rows_for(model, args.results_dir)
        all_rows.extend(rows)
        if not fine:
            bad_models.append(model)
    print_table(all_rows, args.markdown)
    print(f"{len(models) - len(bad_models)} passed, {len(bad_models)} failed")
    if bad_models:
        print("not ok: " + ", ".join(bad_models), file=sys.stderr)
    return 1 if args.require_ok and bad_models else 0


if __name__ == "__main__":
    sys.exit(main())
