"""Interactive figures in lessons: their kinds, their parameters, and the computations they draw.

A lesson declares a figure as a fenced block whose info string is `figure KIND`, holding YAML parameters
(never code):

    ```figure ppv-prevalence
    title: "VPP et VPN selon la prévalence"
    sensitivity: 0.90
    specificity: 0.98
    prevalence: 0.005
    ```

`parse_figure` checks the parameters against the kind's schema (`KINDS`) and returns a `Figure` with every
parameter set (defaults filled in), or the problems with their line inside the block. The rest of this
module is the arithmetic the figures draw (predictive values, confusion counts, binormal ROC curves,
calibration curves, drift), the sliders' value grids and the figures' text alternatives. It is plain
Python: `academy.ui.figures` draws the widgets and Altair charts from it.
"""

from __future__ import annotations

import difflib
import math
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import yaml

from academy.content.frontmatter import Message, yaml_error_line
from academy.i18n import t

FIGURE_INFO = "figure"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STANDARD = NormalDist()

# --- parameter schemas -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """One parameter of a figure kind.

    `type` is `probability` (a fraction, `0.9` for 90 %), `number`, `positive` (a number > 0), `count` (a
    whole number ≥ 1) or `text`. Numbers must lie in [`low`, `high`]; `open_low` / `open_high` exclude the
    bound itself. `doc` is the documentation shown in docs/authoring.md and in error messages.
    """

    name: str
    type: str
    doc: str
    required: bool = False
    default: Any = None
    low: float | None = None
    high: float | None = None
    open_low: bool = False
    open_high: bool = False

    def range_text(self) -> str:
        """The allowed values in mathematical notation (the same in every language), for error messages:
        `∈ {1, 2, …, 20}` for a count, `∈ [0, 1]`, `∈ (0, 1]`, `≥ 0` or `> 0` for a number."""
        if self.type == "count":
            return f"∈ {{1, 2, …, {int(self.high)}}}" if self.high else "∈ {1, 2, 3, …}"
        if self.low is None and self.high is None:
            return "∈ (−∞, +∞)"
        if self.high is None:
            return f"{'>' if self.open_low else '≥'} {self.low:g}"
        left = "(" if self.open_low else "["
        right = ")" if self.open_high else "]"
        return f"∈ {left}{self.low:g}, {self.high:g}{right}"


def _probability(name: str, doc: str, *, required: bool = False, default: float | None = None,
                 open_low: bool = False, open_high: bool = False, low: float = 0.0, high: float = 1.0) -> Param:
    return Param(name, "probability", doc, required, default, low, high, open_low, open_high)


_TITLE = Param("title", "text", "title shown above the figure")
_CAPTION = Param("caption", "text", "caption shown below the figure (what it shows, where its numbers come from)")
_POPULATION = Param("population", "count", "a number of people: the text alternative then gives the counts "
                    "(true and false positives) in this population", high=10_000_000)


@dataclass(frozen=True)
class Kind:
    """A figure kind: its name (the word after `figure`), what it draws and its parameters."""

    name: str
    doc: str
    params: tuple[Param, ...]

    def param(self, name: str) -> Param | None:
        return next((param for param in self.params if param.name == name), None)


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "ppv-prevalence",
            "positive and negative predictive values (PPV, NPV) against prevalence, for a given sensitivity "
            "and specificity, with a prevalence slider",
            (
                _TITLE,
                _probability("sensitivity", "sensitivity of the test", required=True),
                _probability("specificity", "specificity of the test", required=True),
                _probability("prevalence", "prevalence shown first (the slider's initial value)", required=True,
                             open_low=True, open_high=True),
                _probability("prevalence_min", "left end of the prevalence axis and slider", default=0.001,
                             open_low=True, open_high=True),
                _probability("prevalence_max", "right end of the prevalence axis and slider", default=0.5,
                             open_low=True, open_high=True),
                _POPULATION,
                _CAPTION,
            ),
        ),
        Kind(
            "confusion-matrix",
            "the four cells of the confusion matrix (true/false positives/negatives) for a population, from "
            "the prevalence, sensitivity and specificity, each with a slider; PPV, NPV and accuracy",
            (
                _TITLE,
                Param("population", "count", "number of people in the table", required=True, high=10_000_000),
                _probability("prevalence", "share of people who have the condition", required=True,
                             open_low=True, open_high=True),
                _probability("sensitivity", "sensitivity of the test", required=True),
                _probability("specificity", "specificity of the test", required=True),
                Param("sick_label", "text", "column heading for the people with the condition",
                      default="Malades"),
                Param("healthy_label", "text", "column heading for the people without it", default="Non-malades"),
                _CAPTION,
            ),
        ),
        Kind(
            "roc-threshold",
            "a threshold explorer: the score distributions of the sick and of the healthy (binormal), the ROC "
            "curve and, for the threshold chosen with a slider, the sensitivity, the specificity and the point "
            "on the curve. Give either `auc` or the four means and standard deviations",
            (
                _TITLE,
                _probability("auc", "area under the ROC curve of a binormal score with equal spreads",
                             low=0.5, open_low=True, open_high=True),
                Param("mean_healthy", "number", "mean score of the people without the condition"),
                Param("sd_healthy", "positive", "standard deviation of their scores", low=0.0, open_low=True),
                Param("mean_sick", "number", "mean score of the people with the condition (above mean_healthy)"),
                Param("sd_sick", "positive", "standard deviation of their scores", low=0.0, open_low=True),
                Param("threshold", "number", "threshold shown first (default: halfway between the two means)"),
                Param("score_label", "text", "name of the score on the axis", default="Score de l’outil"),
                _CAPTION,
            ),
        ),
        Kind(
            "calibration",
            "a calibration plot: observed against predicted risk by bins of predicted risk, with the diagonal "
            "of perfect calibration; sliders move the observed risk at one predicted value (systematic over- or "
            "under-estimation) and the calibration slope (over- or under-confidence)",
            (
                _TITLE,
                _probability("focus", "the predicted risk the text alternative reads (e.g. 0.2 for « 20 % »)",
                             default=0.2, open_low=True, open_high=True),
                _probability("observed", "observed frequency of the event among people predicted at `focus` "
                             "(default: `focus`, a calibrated model)", low=0.01, high=0.99),
                Param("slope", "positive", "calibration slope: 1 calibrated, below 1 predictions too extreme "
                      "(over-confidence), above 1 too timid", default=1.0, low=0.2, high=5.0),
                Param("bins", "count", "number of bins of predicted risk", default=10, high=20),
                _POPULATION,
                _CAPTION,
            ),
        ),
        Kind(
            "drift",
            "data drift: the distribution of one variable in the sick and in the healthy at training and at "
            "deployment, when the values shift (a new analyser, another unit, another population), and what the "
            "shift does to sensitivity and specificity at the threshold set during training",
            (
                _TITLE,
                Param("feature", "text", "name of the variable", default="Valeur de la variable"),
                Param("unit", "text", "unit of the variable, if any", default=""),
                Param("mean_healthy", "number", "mean value in the people without the condition", required=True),
                Param("mean_sick", "number", "mean value in the people with the condition (above mean_healthy)",
                      required=True),
                Param("sd", "positive", "standard deviation of the values in both groups", required=True,
                      low=0.0, open_low=True),
                Param("threshold", "number", "decision threshold set at training (default: halfway)"),
                Param("shift", "number", "shift of every value at deployment shown first", default=0.0),
                Param("shift_max", "positive", "largest shift on the slider, either way (default: 2 × sd)",
                      low=0.0, open_low=True),
                _CAPTION,
            ),
        ),
    )
}

_ROC_BINORMAL = ("mean_healthy", "sd_healthy", "mean_sick", "sd_sick")


@dataclass(frozen=True)
class Figure:
    """A validated figure: its kind and every parameter of the kind (defaults filled in, None when unset)."""

    kind: str
    values: tuple[tuple[str, Any], ...]
    line: int = 0  # the block's first line, as given to parse_figure (used to key its widgets)
    scope: str = ""  # set by a page that draws the same figure twice, to tell their widgets apart

    def get(self, name: str) -> Any:
        return dict(self.values)[name]

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.values)

    @property
    def title(self) -> str:
        return self.get("title") or ""

    @property
    def caption(self) -> str:
        return self.get("caption") or ""

    @property
    def key(self) -> str:
        """A stable widget-key prefix: the line and a digest of the parameters (an edit resets the sliders)."""
        digest = zlib.crc32(repr(self.values).encode("utf-8"))
        return f"figure:{self.scope}:{self.kind}:{self.line}:{digest:08x}"


def is_figure_info(info: str) -> bool:
    """Whether a fenced block's info string declares a figure (`figure KIND`)."""
    words = info.split()
    return bool(words) and words[0] == FIGURE_INFO


def parse_figure(info: str, text: str, *, line: int = 0) -> tuple[Figure | None, list[tuple[int, Message]]]:
    """Validate a figure block: `info` is its info string, `text` its YAML body.

    Problems are `(offset, (code, values))` pairs where offset 0 is the fence line (`figure KIND`) and 1 the
    first line of the YAML; codes are problem codes (`academy/locales/problems.toml`). Returns the figure
    (None when there is any problem) and the problems.
    """
    words = info.split()
    if len(words) < 2:
        return None, [(0, ("figure.no_kind", {"kinds": _kind_list()}))]
    if len(words) > 2:
        return None, [(0, ("figure.extra_words", {"kind": words[1], "extra": " ".join(words[2:])}))]
    kind = KINDS.get(words[1])
    if kind is None:
        guess = _closest(words[1], list(KINDS))
        if guess:
            return None, [(0, ("figure.unknown_kind_guess", {"kind": words[1], "guess": guess, "kinds": _kind_list()}))]
        return None, [(0, ("figure.unknown_kind", {"kind": words[1], "kinds": _kind_list()}))]
    data, lines, problems = _load_parameters(text)
    if problems:
        return None, problems
    values: dict[str, Any] = {}
    for name, value in data.items():
        param = kind.param(name)
        if param is None:
            guess = _closest(name, [p.name for p in kind.params])
            found = {"name": name, "kind": kind.name, "allowed": ", ".join(p.name for p in kind.params)}
            if guess:
                problems.append((lines[name], ("figure.unknown_parameter_guess", {**found, "guess": guess})))
            else:
                problems.append((lines[name], ("figure.unknown_parameter", found)))
            continue
        checked, message = _check_value(param, value)
        if message:
            code, details = message
            problems.append((lines[name], (code, {"kind": kind.name, "name": name, **details})))
        else:
            values[name] = checked
    for param in kind.params:
        if param.required and param.name not in data:
            problems.append((0, ("figure.missing_parameter", {"kind": kind.name, "name": param.name})))
    if problems:
        return None, sorted(problems, key=lambda problem: problem[0])
    problems = _CROSS_CHECKS.get(kind.name, lambda _v, _l: [])(values, lines)
    if problems:
        return None, sorted(problems, key=lambda problem: problem[0])
    full = {param.name: values.get(param.name, param.default) for param in kind.params}
    return Figure(kind.name, tuple(full.items()), line), []


def _closest(word: str, names: list[str]) -> str | None:
    """The name `word` most likely misspells or abbreviates, if any."""
    close = difflib.get_close_matches(word, names, n=1)
    if close:
        return close[0]
    return next((name for name in names if len(word) >= 3 and name.startswith(word)), None)


def _kind_list() -> str:
    return ", ".join(KINDS)


def _load_parameters(text: str) -> tuple[dict[str, Any], dict[str, int], list[tuple[int, Message]]]:
    """The YAML mapping of a block, each key's line (1 = first YAML line), or the problems."""
    if not text.strip():
        return {}, {}, []
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, {}, []
        if not isinstance(node, yaml.MappingNode):
            return {}, {}, [(node.start_mark.line + 1, ("figure.not_a_mapping", {}))]
        data: dict[str, Any] = {}
        lines: dict[str, int] = {}
        problems: list[tuple[int, Message]] = []
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else None
            if key is None:
                problems.append((line, ("figure.parameter_not_a_name", {})))
            elif key in lines:
                problems.append((line, ("figure.duplicate_parameter", {"key": key, "first": lines[key]})))
            else:
                lines[key] = line
                try:
                    data[key] = loader.construct_object(value_node, deep=True)
                except (ValueError, TypeError, OverflowError) as exc:
                    problems.append((line, ("figure.invalid_value", {"key": key, "detail": str(exc)})))
        return data, lines, problems
    except yaml.MarkedYAMLError as exc:
        detail = exc.problem or exc.context or "syntax error"
        return {}, {}, [(yaml_error_line(exc, text), ("figure.invalid_yaml", {"detail": detail}))]
    except yaml.YAMLError as exc:
        return {}, {}, [(1, ("figure.invalid_yaml", {"detail": str(exc)}))]
    finally:
        loader.dispose()


def _check_value(param: Param, value: Any) -> tuple[Any, Message | None]:
    """The value converted to its type, or the problem's code and values (the parameter's name and the
    figure's kind are added by the caller)."""
    if param.type == "text":
        if not isinstance(value, str):
            return None, ("figure.value_not_text", {})
        return value.strip(), None
    allowed = param.range_text()
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.endswith("%"):
            return None, ("figure.value_percent", {"range": allowed})
        if "," in stripped and stripped.replace(",", "", 1).replace("-", "", 1).isdigit():
            return None, ("figure.value_decimal_comma", {"range": allowed, "point": stripped.replace(",", ".")})
        return None, ("figure.value_text", {"range": allowed, "text": stripped})
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None, ("figure.value_not_number", {"range": allowed})
    if param.type == "count":
        if value != int(value) or not 1 <= value <= (param.high or math.inf):
            return None, ("figure.value_out_of_range", {"range": allowed, "value": float(value)})
        return int(value), None
    number = float(value)
    too_low = param.low is not None and (number < param.low or (param.open_low and number == param.low))
    too_high = param.high is not None and (number > param.high or (param.open_high and number == param.high))
    if too_low or too_high:
        if param.type == "probability" and 2 <= number <= 100:
            return None, ("figure.value_percent_number", {"range": allowed, "value": number, "fraction": number / 100})
        return None, ("figure.value_out_of_range", {"range": allowed, "value": number})
    return number, None


def _check_ppv(values: dict[str, Any], lines: dict[str, int]) -> list[tuple[int, Message]]:
    low = values.get("prevalence_min", 0.001)
    high = values.get("prevalence_max", 0.5)
    if low >= high:
        where = lines.get("prevalence_max", lines.get("prevalence_min", 0))
        return [(where, ("figure.ppv_min_above_max", {"low": float(low), "high": float(high)}))]
    if not low <= values["prevalence"] <= high:
        return [(lines["prevalence"], ("figure.ppv_prevalence_outside",
                                       {"value": float(values["prevalence"]), "low": float(low), "high": float(high)}))]
    return []


def _check_roc(values: dict[str, Any], lines: dict[str, int]) -> list[tuple[int, Message]]:
    given = [name for name in _ROC_BINORMAL if name in values]
    if "auc" in values and given:
        return [(lines[given[0]], ("figure.roc_auc_and_binormal", {}))]
    if "auc" not in values and len(given) < len(_ROC_BINORMAL):
        missing = ", ".join(f"`{name}`" for name in _ROC_BINORMAL if name not in values)
        where = lines[given[0]] if given else 0
        return [(where, ("figure.roc_missing", {"missing": missing}))]
    if given and values["mean_sick"] <= values["mean_healthy"]:
        return [(lines["mean_sick"], ("figure.roc_sick_below_healthy", {}))]
    if "threshold" in values:
        low, high = binormal_of(values).score_range()
        if not low <= values["threshold"] <= high:
            return [(lines["threshold"], ("figure.roc_threshold_outside",
                                          {"low": round(low, 2), "high": round(high, 2)}))]
    return []


def _check_drift(values: dict[str, Any], lines: dict[str, int]) -> list[tuple[int, Message]]:
    if values["mean_sick"] <= values["mean_healthy"]:
        return [(lines["mean_sick"], ("figure.drift_sick_below_healthy", {}))]
    model = drift_of(values)
    low, high = model.training.score_range()
    if "threshold" in values and not low <= values["threshold"] <= high:
        return [(lines["threshold"], ("figure.drift_threshold_outside", {"low": float(low), "high": float(high)}))]
    if abs(model.shift) > model.shift_max:
        where = lines.get("shift", lines.get("shift_max", 0))
        shift = {"shift": float(model.shift), "shift_max": float(model.shift_max)}
        return [(where, ("figure.drift_shift_outside", shift))]
    return []


_CROSS_CHECKS: dict[str, Callable[[dict[str, Any], dict[str, int]], list[tuple[int, Message]]]] = {
    "ppv-prevalence": _check_ppv,
    "roc-threshold": _check_roc,
    "drift": _check_drift,
}


# --- predictive values and confusion counts ------------------------------------------------------------


def predictive_values(sensitivity: float, specificity: float, prevalence: float) -> tuple[float | None, float | None]:
    """(PPV, NPV) by Bayes' theorem; None when no result is positive (or negative)."""
    true_pos = sensitivity * prevalence
    false_pos = (1 - specificity) * (1 - prevalence)
    true_neg = specificity * (1 - prevalence)
    false_neg = (1 - sensitivity) * prevalence
    ppv = true_pos / (true_pos + false_pos) if true_pos + false_pos > 0 else None
    npv = true_neg / (true_neg + false_neg) if true_neg + false_neg > 0 else None
    return ppv, npv


def log_grid(low: float, high: float, points: int = 121) -> list[float]:
    """`points` values from `low` to `high` evenly spaced on a log scale."""
    ratio = math.log(high / low)
    return [low * math.exp(ratio * i / (points - 1)) for i in range(points)]


def _half_up(value: float) -> int:
    """Round to the nearest whole number, halves up (45.5 → 46), tolerant of floating-point noise."""
    return math.floor(value + 0.5 + 1e-9)


@dataclass(frozen=True)
class Counts:
    """The four cells of a confusion matrix, in whole people."""

    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def sick(self) -> int:
        return self.tp + self.fn

    @property
    def healthy(self) -> int:
        return self.fp + self.tn

    @property
    def positives(self) -> int:
        return self.tp + self.fp

    @property
    def negatives(self) -> int:
        return self.fn + self.tn

    @property
    def total(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    @property
    def ppv(self) -> float | None:
        return self.tp / self.positives if self.positives else None

    @property
    def npv(self) -> float | None:
        return self.tn / self.negatives if self.negatives else None

    @property
    def accuracy(self) -> float:
        return (self.tp + self.tn) / self.total


def confusion_counts(population: int, prevalence: float, sensitivity: float, specificity: float) -> Counts:
    """The confusion matrix of `population` people in natural frequencies, as lessons compute it: the sick
    (population × prevalence), the true positives (sick × sensitivity), the true negatives (healthy ×
    specificity), each rounded to whole people; the other cells are what is left."""
    sick = _half_up(population * prevalence)
    healthy = population - sick
    tp = _half_up(sick * sensitivity)
    tn = _half_up(healthy * specificity)
    return Counts(tp=tp, fp=healthy - tn, fn=sick - tp, tn=tn)


# --- binormal scores and the ROC curve -----------------------------------------------------------------


@dataclass(frozen=True)
class Binormal:
    """Scores normally distributed in the healthy and in the sick; positive when score ≥ threshold."""

    mean_healthy: float
    sd_healthy: float
    mean_sick: float
    sd_sick: float

    @classmethod
    def from_auc(cls, auc: float) -> Binormal:
        """Healthy N(0, 1), sick N(d, 1) with AUC = Φ(d / √2)."""
        return cls(0.0, 1.0, math.sqrt(2) * _STANDARD.inv_cdf(auc), 1.0)

    @property
    def auc(self) -> float:
        """Φ((μ₁ − μ₀) / √(σ₀² + σ₁²))."""
        return _STANDARD.cdf((self.mean_sick - self.mean_healthy) / math.hypot(self.sd_healthy, self.sd_sick))

    def sensitivity(self, threshold: float) -> float:
        return 1 - NormalDist(self.mean_sick, self.sd_sick).cdf(threshold)

    def specificity(self, threshold: float) -> float:
        return NormalDist(self.mean_healthy, self.sd_healthy).cdf(threshold)

    def score_range(self) -> tuple[float, float]:
        """From 3 standard deviations below the healthy mean to 3 above the sick mean."""
        return self.mean_healthy - 3 * self.sd_healthy, self.mean_sick + 3 * self.sd_sick

    def midpoint(self) -> float:
        return (self.mean_healthy + self.mean_sick) / 2

    def densities(self, points: int = 121) -> list[tuple[float, float, float]]:
        """(score, density in the healthy, density in the sick) across the score range."""
        low, high = self.score_range()
        healthy, sick = NormalDist(self.mean_healthy, self.sd_healthy), NormalDist(self.mean_sick, self.sd_sick)
        scores = [low + (high - low) * i / (points - 1) for i in range(points)]
        return [(score, healthy.pdf(score), sick.pdf(score)) for score in scores]

    def roc_curve(self, points: int = 121) -> list[tuple[float, float]]:
        """(1 − specificity, sensitivity) from the highest threshold to the lowest, ends (0, 0) and (1, 1) included."""
        low, high = self.score_range()
        thresholds = [high - (high - low) * i / (points - 1) for i in range(points)]
        curve = [(1 - self.specificity(th), self.sensitivity(th)) for th in thresholds]
        return [(0.0, 0.0), *curve, (1.0, 1.0)]


def binormal_of(values: dict[str, Any]) -> Binormal:
    """The score model of a roc-threshold figure's parameters (`auc`, or the means and SDs)."""
    if values.get("auc") is not None:
        return Binormal.from_auc(values["auc"])
    return Binormal(*(float(values[name]) for name in _ROC_BINORMAL))


def roc_threshold(values: dict[str, Any]) -> float:
    """The threshold a roc-threshold figure shows first."""
    threshold = values.get("threshold")
    return binormal_of(values).midpoint() if threshold is None else float(threshold)


# --- calibration ---------------------------------------------------------------------------------------


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def _expit(x: float) -> float:
    return 1 / (1 + math.exp(-x))


@dataclass(frozen=True)
class Calibration:
    """Observed risk = expit(intercept + slope × logit(predicted risk)) (logistic recalibration)."""

    intercept: float
    slope: float

    @classmethod
    def through(cls, focus: float, observed: float, slope: float) -> Calibration:
        """The curve of slope `slope` on which a predicted risk `focus` is observed at `observed`."""
        return cls(_logit(observed) - slope * _logit(focus), slope)

    def observed(self, predicted: float) -> float:
        if predicted <= 0 or predicted >= 1:
            return predicted
        return _expit(self.intercept + self.slope * _logit(predicted))

    def curve(self, points: int = 99) -> list[tuple[float, float]]:
        """(predicted, observed) from 0 to 1."""
        return [(i / (points + 1), self.observed(i / (points + 1))) for i in range(points + 2)]

    def bins(self, count: int) -> list[tuple[float, float, float]]:
        """(bin start, bin end, observed risk at the bin's middle) for `count` equal bins of predicted risk."""
        return [(i / count, (i + 1) / count, self.observed((i + 0.5) / count)) for i in range(count)]


def calibration_of(values: dict[str, Any], observed: float | None = None, slope: float | None = None) -> Calibration:
    """The calibration curve of a calibration figure, at the sliders' `observed` and `slope` when given."""
    focus = values["focus"]
    observed = observed if observed is not None else (values.get("observed") or focus)
    return Calibration.through(focus, observed, slope if slope is not None else values["slope"])


# --- drift ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Drift:
    """One variable, normal in the healthy and in the sick with a common SD; at deployment every value is
    shifted by `shift`, while the threshold set at training stays."""

    training: Binormal
    threshold: float
    shift: float
    shift_max: float

    def deployment(self, shift: float) -> Binormal:
        model = self.training
        return Binormal(model.mean_healthy + shift, model.sd_healthy, model.mean_sick + shift, model.sd_sick)

    def performance(self, shift: float) -> tuple[float, float, float, float]:
        """(sensitivity, specificity) at training, then at deployment with `shift`, at the training threshold."""
        deployed = self.deployment(shift)
        return (self.training.sensitivity(self.threshold), self.training.specificity(self.threshold),
                deployed.sensitivity(self.threshold), deployed.specificity(self.threshold))

    def value_range(self) -> tuple[float, float]:
        low, high = self.training.score_range()
        return low - self.shift_max, high + self.shift_max


def drift_of(values: dict[str, Any]) -> Drift:
    """The drift model of a drift figure's parameters."""
    sd = float(values["sd"])
    training = Binormal(float(values["mean_healthy"]), sd, float(values["mean_sick"]), sd)
    threshold = values.get("threshold")
    shift_max = values.get("shift_max")
    return Drift(training, training.midpoint() if threshold is None else float(threshold),
                 float(values.get("shift") or 0.0), 2 * sd if shift_max is None else float(shift_max))


# --- slider grids ------------------------------------------------------------------------------------------

_NICE_PERCENTS = (
    0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9, 10, 12,
    15, 18, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 95, 99,
)


def clean(value: float) -> float:
    return round(value, 10)


def with_value(grid: Sequence[float], value: float, gap: float = 0.0) -> list[float]:
    """The grid with `value` added, sorted, without duplicates; grid points closer to `value` than `gap` are
    dropped, so that no two neighbouring stops of a slider read the same once rounded (0,5951 and 0,6)."""
    kept = {clean(v) for v in grid if abs(v - value) >= gap}
    return sorted(kept | {clean(value)})


def prevalence_grid(low: float, high: float, value: float) -> list[float]:
    """Prevalences for a slider: round percentages between `low` and `high`, the ends and `value`."""
    grid = [p / 100 for p in _NICE_PERCENTS if low <= p / 100 <= high]
    return with_value([*grid, low, high], value)


def probability_grid(value: float, step: float = 0.01) -> list[float]:
    """Probabilities from 0 to 1 every `step` (one percent), and `value`."""
    count = round(1 / step)
    return with_value([i * step for i in range(count + 1)], value, gap=step / 2)


def nice_step(span: float, steps: int = 100) -> float:
    """A round step (1, 2 or 5 × 10ⁿ) cutting `span` into about `steps` steps."""
    raw = span / steps
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def range_grid(low: float, high: float, value: float, steps: int = 100) -> list[float]:
    """Values from `low` to `high` on a round step, and `value`."""
    step = nice_step(high - low, steps)
    first = math.ceil(low / step - 1e-9)
    last = math.floor(high / step + 1e-9)
    return with_value([i * step for i in range(first, last + 1)], value, gap=step / 2)


# --- numbers in words ----------------------------------------------------------------------------------------


def number_text(value: float, locale: str, decimals: int = 2) -> str:
    """A number with at most `decimals` decimals, trailing zeros dropped; decimal comma and a minus sign in
    French (−0,5), point in English."""
    text = f"{abs(value):,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if locale != "en":
        text = text.replace(",", "\u00a0").replace(".", ",")
    if text.strip("0,.\u00a0") == "":
        return "0"
    return ("\u2212" if locale != "en" else "-") + text if value < 0 else text


def signed_text(value: float, locale: str, decimals: int = 2) -> str:
    """A number with its sign (+0,5 ; −0,5 ; 0)."""
    text = number_text(value, locale, decimals)
    return "+" + text if value > 0 and text != "0" else text


def count_text(value: int, locale: str) -> str:
    """A whole number with thousands separated (10 000 in French, 10,000 in English)."""
    return number_text(value, locale, 0)


def percent_text(value: float | None, locale: str) -> str:
    """A fraction as a percentage: one decimal (two below 1 %), trailing zeros dropped; never rounds to 0 %
    or 100 % a value that is not (« plus de 99,9 % », « moins de 0,01 % »)."""
    if value is None:
        return t("figure.undefined", locale)
    sign = "%" if locale == "en" else "\u00a0%"
    percent = value * 100
    decimals = 2 if percent < 1 else 1
    if 0 < percent < 0.01:
        return t("figure.less_than", locale, value=number_text(0.01, locale) + sign)
    if 99.9 < percent < 100 and round(percent, decimals) >= 99.95:
        return t("figure.more_than", locale, value=number_text(99.9, locale, 1) + sign)
    return number_text(percent, locale, decimals) + sign


# --- text alternatives -------------------------------------------------------------------------------------


def describe_ppv(values: dict[str, Any], prevalence: float, locale: str) -> str:
    """The text alternative of a ppv-prevalence figure at `prevalence`."""
    se, sp = values["sensitivity"], values["specificity"]
    ppv, npv = predictive_values(se, sp, prevalence)
    text = t("figure.ppv.text", locale, prevalence=percent_text(prevalence, locale),
             sensitivity=percent_text(se, locale), specificity=percent_text(sp, locale),
             ppv=percent_text(ppv, locale), npv=percent_text(npv, locale))
    population = values.get("population")
    if population:
        counts = confusion_counts(population, prevalence, se, sp)
        text += " " + t("figure.ppv.counts", locale, population=count_text(population, locale),
                        tp=count_text(counts.tp, locale), fp=count_text(counts.fp, locale))
    return text


def describe_confusion(values: dict[str, Any], counts: Counts, locale: str) -> str:
    """The text alternative of a confusion-matrix figure."""
    return t("figure.confusion.text", locale, population=count_text(counts.total, locale),
             sick_label=values["sick_label"], sick=count_text(counts.sick, locale),
             healthy_label=values["healthy_label"], healthy=count_text(counts.healthy, locale),
             tp=count_text(counts.tp, locale), fp=count_text(counts.fp, locale), fn=count_text(counts.fn, locale),
             tn=count_text(counts.tn, locale), ppv=percent_text(counts.ppv, locale),
             npv=percent_text(counts.npv, locale), accuracy=percent_text(counts.accuracy, locale))


def describe_roc(model: Binormal, threshold: float, locale: str) -> str:
    """The text alternative of a roc-threshold figure at `threshold`."""
    se, sp = model.sensitivity(threshold), model.specificity(threshold)
    return t("figure.roc.text", locale, threshold=number_text(threshold, locale),
             sensitivity=percent_text(se, locale), specificity=percent_text(sp, locale),
             fpr=number_text(1 - sp, locale), tpr=number_text(se, locale), auc=number_text(model.auc, locale))


def describe_calibration(values: dict[str, Any], curve: Calibration, locale: str) -> str:
    """The text alternative of a calibration figure for `curve`."""
    focus = values["focus"]
    observed = curve.observed(focus)
    verdict = "calibrated" if abs(observed - focus) < 0.005 else ("over" if observed < focus else "under")
    text = t(f"figure.calibration.{verdict}", locale, focus=percent_text(focus, locale),
             observed=percent_text(observed, locale))
    population = values.get("population")
    if population:
        text += " " + t("figure.calibration.counts", locale, population=count_text(population, locale),
                        focus=percent_text(focus, locale), events=count_text(_half_up(population * observed), locale))
    slope = curve.slope
    shape = "calibrated" if abs(slope - 1) < 0.05 else ("extreme" if slope < 1 else "timid")
    text += " " + t(f"figure.calibration.slope_{shape}", locale, slope=number_text(slope, locale))
    return text


def describe_drift(values: dict[str, Any], model: Drift, shift: float, locale: str) -> str:
    """The text alternative of a drift figure at deployment shift `shift`."""
    se0, sp0, se1, sp1 = model.performance(shift)
    unit = f"\u00a0{values['unit']}" if values.get("unit") else ""
    threshold = number_text(model.threshold, locale) + unit
    if abs(shift) < 1e-9:
        return t("figure.drift.none", locale, feature=values["feature"], threshold=threshold,
                 sensitivity=percent_text(se0, locale), specificity=percent_text(sp0, locale))
    return t("figure.drift.text", locale, feature=values["feature"], shift=signed_text(shift, locale) + unit,
             threshold=threshold, se0=percent_text(se0, locale), se1=percent_text(se1, locale),
             sp0=percent_text(sp0, locale), sp1=percent_text(sp1, locale))
