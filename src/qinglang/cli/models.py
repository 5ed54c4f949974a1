"""``qinglang train`` and ``qinglang eval``: the trained classifiers (R7.2, R7.3, R8.1)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

DataOption = Annotated[
    Path | None,
    typer.Option("--data", help="Folder of the public data sets (default: ../shared/data)."),
]


def _data_dir(data: Path | None) -> Path:
    from qinglang.detection.classifiers.datasets import available, find_data_dir

    found = find_data_dir(data)
    if found is None or not available(found):
        where = data if data is not None else "../shared/data beside the project root"
        typer.echo(f"training data not found at {where}; pass --data DIR", err=True)
        raise typer.Exit(code=2)
    return found


def train(
    data: DataOption = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Where to write the artifacts (default: the shipped ones)."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    floors: Annotated[bool, typer.Option(help="Also refit TF-IDF floors on our exact splits (slower).")] = False,
) -> None:
    """Rebuild every classifier from the labelled data sets, reproducibly."""
    from qinglang.detection.classifiers.evaluation import Row, format_table
    from qinglang.detection.classifiers.suite import WEIGHTS_DIR
    from qinglang.detection.classifiers.training import train_all

    data_dir = _data_dir(data)
    target = out or WEIGHTS_DIR
    started = time.perf_counter()
    meta = train_all(data_dir, target, seed=seed, floors=floors, log=typer.echo)
    typer.echo(f"trained in {time.perf_counter() - started:.0f} s -> {target}")
    typer.echo(format_table([Row(**row) for row in meta["test_metrics"]]))
    _print_thresholds(meta["thresholds"])


def _print_thresholds(thresholds: dict[str, dict[str, float]]) -> None:
    typer.echo("\nthresholds (calibrated probability; 1.01 = never):")
    for category, points in thresholds.items():
        typer.echo(f"  {category:<28} block {points['block']:.4f}  review {points['review']:.4f}")


def evaluate(
    data: DataOption = None,
    weights: Annotated[
        Path | None, typer.Option("--weights", help="Artifact folder (default: the shipped one).")
    ] = None,
) -> None:
    """Precision, recall, F1 and ROC-AUC on the held-back, de-duplicated test splits."""
    from qinglang.detection.classifiers.evaluation import FLOORS, evaluate, format_table
    from qinglang.detection.classifiers.suite import load_suite

    data_dir = _data_dir(data)
    suite = load_suite(weights)
    rows = evaluate(suite, data_dir)
    typer.echo(
        "P/R/F1: positive class at p >= 0.5; mF1: macro-F1 at 0.5 (what the floors "
        "report); revP/revR: at the review threshold."
    )
    typer.echo(format_table(rows))
    _print_thresholds(suite.thresholds)
    typer.echo("\nTF-IDF + LR floors (macro-F1) quoted from the dataset READMEs:")
    local = suite.meta.get("floors_local", {})
    for name, (value, same, note) in FLOORS.items():
        mine = f"; refit on our split {local[name]:.4f}" if name in local else ""
        flag = "" if same else " [different split]"
        typer.echo(f"  {name:<26} {value:.4f}  {note}{flag}{mine}")
    typer.echo("\nmodel versions: " + ", ".join(f"{k}={v}" for k, v in suite.versions.items()))


# ``qinglang eval`` evaluates the classifiers; its sub-commands (``eval claims``) evaluate the
# other detectors, registered by their own CLI modules.
eval_app = typer.Typer(help="Evaluate the detectors on held-back data.", invoke_without_command=True)


@eval_app.callback()
def _eval_classifiers(
    ctx: typer.Context,
    data: DataOption = None,
    weights: Annotated[
        Path | None, typer.Option("--weights", help="Artifact folder (default: the shipped one).")
    ] = None,
) -> None:
    """Without a sub-command: the classifiers' precision, recall, F1 and ROC-AUC per category and
    language on the held-back, de-duplicated test splits, with the operating thresholds."""
    if ctx.invoked_subcommand is None:
        evaluate(data, weights)


def register(app: typer.Typer, bench: typer.Typer) -> None:
    app.command("train")(train)
    app.add_typer(eval_app, name="eval")
