"""A finished run as a value: its timelines, its summary, and the files it writes."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from simulator.runs.headline import headline
from simulator.runs.summary import Figure, events_digest, summarize
from simulator.simulation import Simulation
from simulator.timelines import Timelines
from simulator.timelines.costs import Prices

if TYPE_CHECKING:
    from matplotlib.axes import Axes

#: The summary file a run directory holds (the same form as a golden file).
SUMMARY_FILE = "summary.json"
#: What a replay did (calls replayed, skipped, blocked ...), when it has something to say.
REPORT_FILE = "report.json"
#: The License Manager dashboard page a run directory holds.
DASHBOARD_FILE = "dashboard.html"
#: The folder of the run's S3 buckets in a run directory.
S3_DIR = "s3"
#: The formats the timelines are written in.
FORMATS = ("csv", "parquet", "both")
#: The file in an output folder that lists the files the last run wrote there.
OUTPUTS_MARKER = ".lmsim-outputs"
#: The folder of the CloudTrail log files, when the run made a trail.
CLOUDTRAIL_DIR = "cloudtrail"


#: The plots a run directory may hold (see ``_plots``).
PLOT_NAMES = ("compliance", "entitlements", "hosts", "exposure", "costs")


def run_outputs() -> frozenset[str]:
    """The names of every file a run may write into its folder: a CSV and a Parquet file per
    timeline (the timelines' tables, ``exposure`` and ``costs``), the summary, a replay's
    report, the plots, the dashboard and the list of outputs (besides them, the folders
    ``s3/`` and ``cloudtrail/`` of a run with buckets or a trail)."""
    names = {name for klass in Timelines.__mro__ for name, member in vars(klass).items()
             if isinstance(member, property)} | {"exposure", "costs"}
    return frozenset({f"{name}.{suffix}" for name in names for suffix in ("csv", "parquet")}
                     | {f"{name}.png" for name in PLOT_NAMES}
                     | {SUMMARY_FILE, REPORT_FILE, DASHBOARD_FILE, OUTPUTS_MARKER})


def check_out_dir(out: str | Path, outputs: Iterable[str] | None = None) -> Path:
    """``out`` as an output folder path, checked before a run so that writing its outputs at the
    end cannot fail for a reason known now: the folder (or its nearest existing parent, where it
    will be made) must be a folder the process may write into, and no entry of it named as an
    output (``outputs``, default: a run's, see ``run_outputs``) may be anything but a file.

    Raises:
        ValueError: naming the path and what is wrong with it: an empty path, an existing
            file, a path inside one (a folder cannot be made there), a folder that cannot be
            written, or an entry in the way of an output.
    """
    if not str(out).strip():
        raise ValueError("--out needs a folder path, got an empty one")
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise ValueError(f"--out {out} is a file, not a folder")
    blocking = next((parent for parent in path.parents if parent.exists() and not parent.is_dir()), None)
    if blocking is not None:
        raise ValueError(f"--out {out} is inside {blocking}, which is a file, not a folder")
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ValueError(f"--out {out}: {existing} is not writable (read-only, or no permission)")
    if path.is_dir():
        for name in sorted(run_outputs() if outputs is None else outputs):
            entry = path / name
            if (entry.exists() or entry.is_symlink()) and not entry.is_file():
                raise ValueError(f"--out {out}: {entry} is in the way of an output file (it is not a file)")
        for folder in (S3_DIR, CLOUDTRAIL_DIR) if outputs is None else ():
            if (path / folder).is_file():
                raise ValueError(f"--out {out}: {path / folder} is in the way of an output folder (it is a file)")
    return path


@dataclass
class Result:
    """A finished run of a scenario, a trace or a CloudTrail history.

    Attributes:
        sim: The simulation, at the end of the run.
        name: What ran (the scenario's name, or the trace's).
        seed: The simulation seed.
        params: The scenario parameters.
        prices: The price table of the cost model (the scenario's ``PRICES``), if any: the
            run then has a ``costs`` timeline and plot and costs in its summary.
        extra_figures: The scenario's own ``summarize(sim)``, whose figures join the summary.
        report: What a replay did, when the run is one.
    """

    sim: Simulation
    name: str = ""
    seed: int = 0
    params: dict[str, Any] = field(default_factory=dict)
    prices: Prices | None = None
    extra_figures: Callable[[Simulation], Mapping[str, Figure]] | None = None
    report: dict[str, Any] | None = None

    @property
    def timelines(self) -> Timelines:
        """The run's timelines."""
        return self.sim.timelines

    @property
    def summary(self) -> dict[str, Figure]:
        """The run's headline figures (see ``simulator.runs.summary.summarize``), then those of
        the scenario's ``summarize(sim)``.

        Raises:
            TypeError: if the scenario's ``summarize`` does not return a mapping.
            ValueError: if its figures are not numbers or strings named by strings, or reuse
                the name of a built-in figure.
        """
        figures = summarize(self.sim.timelines, pd.Timestamp(self.sim.now), self.prices)
        if self.extra_figures is not None:
            extra = self.extra_figures(self.sim)
            if not isinstance(extra, Mapping):
                raise TypeError(f"summarize(sim) of {self.name} must return a mapping, got {type(extra).__name__}")
            for key, value in extra.items():
                if not isinstance(key, str) or not isinstance(value, (int, float, str)) or isinstance(value, bool):
                    raise ValueError(f"summarize(sim) of {self.name} returned {key!r}: {value!r}; figures are "
                                     "numbers or strings named by strings")
                if key in figures:
                    raise ValueError(f"summarize(sim) of {self.name} returned {key!r}, a built-in figure")
                figures[key] = value
        return figures

    def digest(self) -> dict[str, Any]:
        """What a golden file pins: the events digest (rows, rows by event and error code, the
        last instant, the first resource ids), the timelines that stayed empty and the
        summary."""
        return self._digest(self.tables())

    def _digest(self, tables: Mapping[str, pd.DataFrame]) -> dict[str, Any]:
        empty = [name for name, frame in tables.items() if frame.empty]
        return {**events_digest(self.sim.timelines.events), "empty_timelines": empty, "summary": self.summary}

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every timeline of the run by name, empty ones too: the timelines' tables, the
        exposure of every configuration with discovery rules in one table (``exposure``,
        when there is one), and the cost per hour under the run's price table (``costs``,
        when it has one)."""
        tables = self.sim.timelines.tables()
        arns = _exposed(self.sim)
        if arns:
            frames = [self.sim.timelines.exposure(arn).assign(license_configuration_arn=arn) for arn in arns]
            tables["exposure"] = pd.concat(frames, ignore_index=True)
        if self.prices is not None:
            tables["costs"] = self.sim.costs(self.prices)
        return tables

    def headline(self) -> list[str]:
        """The run's headline figures as a few lines of text (see
        ``simulator.runs.headline``)."""
        return headline(self.name, self.seed, self.sim.clock.start, self.sim.now, self.summary,
                        self.empty_timelines())

    def empty_timelines(self) -> list[str]:
        """The timelines the run never wrote a row to (``write`` writes no file for them)."""
        return [name for name, frame in self.tables().items() if frame.empty]

    def csv(self) -> dict[str, str]:
        """Every timeline with rows as the CSV text ``write`` puts in its file."""
        return _csv(self.tables())

    def write(self, out: str | Path, format: str = "csv") -> list[Path]:
        """Write every timeline with rows as ``<name>.csv`` and/or ``<name>.parquet`` (see
        ``tables``; ``format`` is ``csv``, ``parquet`` or ``both``; the summary lists the
        empty ones), ``summary.json`` (the digest), the replay's ``report.json`` if any, the
        plots (compliance, entitlements, hosts, exposure, costs) of the timelines that have
        something to show, ``dashboard.html`` (the License Manager dashboard of every account
        with a license configuration), the run's S3 buckets under ``s3/``
        (``s3/<bucket>/<key>``: reports, resource data syncs, log files) when it has any, and,
        when the run made a CloudTrail trail, its log files under ``cloudtrail/`` (as in the
        trail's bucket: ``AWSLogs/...``); return the files (and those folders).

        Parquet files are written through pyarrow, as pandas does: column types survive,
        times stay tz-aware UTC.

        The files are written into a temporary folder inside ``out`` and then moved into
        place; only then are the outputs of an earlier run into ``out`` (listed in its
        ``.lmsim-outputs``) that this run did not write removed, so a folder never mixes two
        runs' files and a failure leaves the earlier outputs as they were; other files in
        ``out`` are left alone.

        Raises:
            ValueError: for another format, a destination ``check_out_dir`` refuses, or one
                that cannot be written (naming the reason); nothing is moved into ``out`` then.
        """
        if format not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {format!r}")
        out = check_out_dir(out)
        try:
            out.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".lmsim-", dir=out))
        except OSError as error:
            raise ValueError(f"cannot write the outputs into {out}: {error.strerror or error}") from None
        try:
            files = self._write_files(staging, format)
            # nothing came in the way meanwhile (a folder output, s3/ or cloudtrail/, replaces a folder)
            check_out_dir(out, [path.name for path in files if not path.is_dir()])
            in_the_way = [out / path.name for path in files if path.is_dir() and (out / path.name).is_file()]
            if in_the_way:
                raise ValueError(f"--out {out}: {in_the_way[0]} is in the way of an output folder (it is a file)")
            marker = out / OUTPUTS_MARKER
            earlier = marker.read_text().split() if marker.is_file() else []
            for path in files:
                if path.is_dir() and (out / path.name).is_dir():
                    shutil.rmtree(out / path.name)
                path.replace(out / path.name)
            written = {path.name for path in files}
            for name in earlier:
                old = out / name
                if name in written:
                    continue
                if old.is_dir():
                    shutil.rmtree(old)
                else:
                    old.unlink(missing_ok=True)
            marker.write_text("".join(f"{path.name}\n" for path in files))
        except OSError as error:
            raise ValueError(f"cannot write the outputs into {out}: {error.strerror or error}") from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return [out / path.name for path in files]

    def _write_files(self, out: Path, format: str = "csv") -> list[Path]:
        written = []
        tables = self.tables()
        if format in ("csv", "both"):
            for name, text in _csv(tables).items():
                path = out / f"{name}.csv"
                path.write_text(text)
                written.append(path)
        if format in ("parquet", "both"):
            for name, frame in tables.items():
                if not frame.empty:
                    path = out / f"{name}.parquet"
                    frame.to_parquet(path, engine="pyarrow", index=False)
                    written.append(path)
        files = {SUMMARY_FILE: self._digest(tables), REPORT_FILE: self.report}
        for filename, content in files.items():
            if content is not None:
                path = out / filename
                path.write_text(json.dumps(content, indent=2) + "\n")
                written.append(path)
        written.append(self.sim.dashboard_html(None, out / DASHBOARD_FILE))
        if self.sim.s3.buckets:
            self.sim.s3.export(out / S3_DIR)
            written.append(out / S3_DIR)
        trails = self.sim.world.global_services.cloudtrail
        if trails.trails:
            trails.export(out / CLOUDTRAIL_DIR)
            written.append(out / CLOUDTRAIL_DIR)
        for name, draw in _plots(self.sim, self.prices).items():
            import matplotlib.pyplot as plt  # matplotlib loads only to plot

            figure = draw().get_figure(root=True)
            assert figure is not None  # a drawn Axes has its figure
            path = out / f"{name}.png"
            figure.savefig(path, dpi=120, bbox_inches="tight")
            plt.close(figure)
            written.append(path)
        return written


def _csv(tables: Mapping[str, pd.DataFrame]) -> dict[str, str]:
    """The tables with rows as CSV text, by name."""
    return {name: frame.to_csv(index=False) for name, frame in tables.items() if not frame.empty}


def _exposed(sim: Simulation) -> list[str]:
    """The configurations whose true and reported consumption were recorded (discovery rules)."""
    return list(dict.fromkeys(row[1] for row in sim.records.rows("exposure")))


def _plots(sim: Simulation, prices: Prices | None) -> dict[str, Callable[[], Axes]]:
    """The plots a run directory holds, each when its timeline has something to show: the
    compliance of the first license configuration, the licenses with a count that were
    consumed (small multiples), the Dedicated Hosts, the exposure of the first discovering
    configuration, the costs under ``prices``, the Auto Scaling group with the most failed
    launches (the first group when none failed)."""
    from simulator.timelines.entitlements import licenses_in_use

    timelines = sim.timelines
    plots: dict[str, Callable[[], Axes]] = {}
    if not timelines.compliance.empty:
        plots["compliance"] = timelines.plot_compliance
    if licenses_in_use(timelines.entitlements):
        plots["entitlements"] = lambda: timelines.plot_licenses_in_use()[0]
    if not timelines.hosts.empty:
        plots["hosts"] = timelines.plot_hosts
    exposed = _exposed(sim)
    if exposed:
        plots["exposure"] = lambda: timelines.plot_exposure(exposed[0])
    if prices is not None:
        plots["costs"] = lambda: timelines.plot_costs(prices)
    scaling = timelines.scaling
    if not scaling.empty:
        failures = (scaling.status == "Failed").groupby([scaling.account_id, scaling.group_name], sort=False).sum()
        account_id, group_name = failures.idxmax()
        plots["scaling"] = lambda: timelines.plot_scaling(group_name, account_id=account_id)
    return plots
